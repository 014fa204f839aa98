import type { KubeObject, OwnerReference } from '../../api/index.js';

/**
 * The garbage collector's pure core, with the Kubernetes garbage collector's rules:
 *
 * - A dependent is an object with `metadata.ownerReferences`. It is collected when every owner it names is absent:
 *   a dependent with several owners stays while any one of them exists.
 * - An owner is found by kind and name in the dependent's namespace (cluster-scoped owners: without namespace), and
 *   it is the owner only if its `uid` matches the reference's. A namespaced owner in another namespace is no owner,
 *   and an owner deleted and created again under the same name (a new uid) no longer owns the dependent.
 * - A reference that cannot be resolved never gets its dependent collected: an owner kind the collector does not
 *   know (it cannot tell whether such an owner exists), or a cluster-scoped dependent naming a namespaced owner
 *   (Kubernetes reports that reference as invalid and keeps the dependent).
 * - Collection goes one level at a time: a Pod owned by a ReplicaSet owned by a deleted Rollout goes once its
 *   ReplicaSet is gone, as with Kubernetes' background propagation.
 * - A dependent already terminating (`deletionTimestamp` set) is left to finish.
 */

/** Whether each kind the collector knows is namespaced; a kind missing from the map is unknown. */
export type KindScopes = ReadonlyMap<string, boolean>;

/** Where an object lives, and which incarnation of it (its uid). */
export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

/** Where an owner reference points: the object to look up, and the uid it must have to be the owner. */
export interface OwnerAddress {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

/** Removing one owner from a dependent before that owner is deleted with orphan propagation. */
export interface OrphanPatch {
  target: ObjectRef;
  /** The dependent's resourceVersion when planned: write with it, so a concurrent change is not overwritten. */
  resourceVersion: string | undefined;
  /** The owner references to keep (possibly none). */
  ownerReferences: OwnerReference[];
}

export function refOf(obj: KubeObject): ObjectRef {
  return {
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    uid: obj.metadata.uid ?? '',
  };
}

/** The owner a reference of `dependent` names, or undefined when the reference cannot be resolved (see above). */
export function ownerAddress(dependent: KubeObject, ref: OwnerReference, scopes: KindScopes): OwnerAddress | undefined {
  const namespaced = scopes.get(ref.kind);
  if (namespaced === undefined) return undefined;
  const dependentNamespace = dependent.metadata.namespace ?? '';
  if (namespaced && dependentNamespace === '') return undefined;
  return { kind: ref.kind, namespace: namespaced ? dependentNamespace : '', name: ref.name, uid: ref.uid };
}

/**
 * True when `dependent` must be collected: it has owner references, it is not terminating, and every owner is
 * absent. `find` looks an owner up by kind, namespace and name (whatever its uid).
 */
export function isCollectable(
  dependent: KubeObject,
  scopes: KindScopes,
  find: (owner: OwnerAddress) => KubeObject | undefined,
): boolean {
  const refs = dependent.metadata.ownerReferences ?? [];
  if (refs.length === 0 || dependent.metadata.deletionTimestamp !== undefined) return false;
  return refs.every((ref) => {
    const address = ownerAddress(dependent, ref, scopes);
    if (address === undefined) return false;
    return find(address)?.metadata.uid !== address.uid;
  });
}

function addressKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

/** The dependents among `objects` whose owners are all absent from `objects`, in input order. */
export function planCollection(objects: readonly KubeObject[], scopes: KindScopes): ObjectRef[] {
  const byAddress = new Map<string, KubeObject>();
  for (const obj of objects) {
    byAddress.set(addressKey(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name ?? ''), obj);
  }
  const find = (a: OwnerAddress): KubeObject | undefined => byAddress.get(addressKey(a.kind, a.namespace, a.name));
  return objects.filter((obj) => isCollectable(obj, scopes, find)).map(refOf);
}

/**
 * Orphan propagation: the direct dependents of `owner` among `objects`, each with the owner references it keeps
 * once `owner`'s is removed. A dependent counts when one of its references resolves to `owner` (same kind, name
 * and uid, looked up where `ownerAddress` looks).
 */
export function planOrphan(owner: KubeObject, objects: readonly KubeObject[], scopes: KindScopes): OrphanPatch[] {
  const self = refOf(owner);
  const patches: OrphanPatch[] = [];
  for (const obj of objects) {
    const refs = obj.metadata.ownerReferences ?? [];
    const pointsAtOwner = (ref: OwnerReference): boolean => {
      const address = ownerAddress(obj, ref, scopes);
      return (
        address !== undefined &&
        address.uid === self.uid &&
        address.kind === self.kind &&
        address.namespace === self.namespace &&
        address.name === self.name
      );
    };
    if (!refs.some(pointsAtOwner)) continue;
    patches.push({
      target: refOf(obj),
      resourceVersion: obj.metadata.resourceVersion,
      ownerReferences: refs.filter((ref) => !pointsAtOwner(ref)),
    });
  }
  return patches;
}

/** The kinds and scopes of a kind table such as `RESOURCE_KINDS`. */
export function scopesOf(kinds: readonly { kind: string; namespaced: boolean }[]): KindScopes {
  return new Map(kinds.map((k) => [k.kind, k.namespaced]));
}
