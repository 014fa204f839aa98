import type { KubeObject } from '../api/index.js';
import { KanaryError, RESOURCE_KINDS } from '../common/index.js';
import type { ResourceKind } from '../common/index.js';
import { planOrphan, scopesOf } from '../local/gc/index.js';
import type { ObjectRef } from '../local/gc/index.js';
import type { ResourceStore } from '../store/index.js';

/**
 * What happens to an object's dependents when it is deleted, as Kubernetes' `propagationPolicy` says:
 * - `Background` (the default): the owner goes now, its dependents after it (the garbage collector).
 * - `Orphan`: the direct dependents lose their reference to the owner first, and stay.
 * - `Foreground`: accepted, and run as `Background` by the local store: no object waits for its dependents there.
 * The policy is passed to the store too, so against a Kubernetes API server each one is carried out by the cluster
 * (Orphan then also closes the window described at `deleteObject`).
 */
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export const PROPAGATION_POLICIES: readonly PropagationPolicy[] = ['Background', 'Foreground', 'Orphan'];

/** Reads a policy in any case (`orphan`, `Orphan`); absent means Background. */
export function parsePropagationPolicy(value: string | undefined): PropagationPolicy {
  if (value === undefined || value === '') return 'Background';
  const found = PROPAGATION_POLICIES.find((p) => p.toLowerCase() === value.toLowerCase());
  if (found === undefined) {
    throw new KanaryError(
      'BAD_USAGE',
      `propagationPolicy "${value}" is not one of ${PROPAGATION_POLICIES.join(', ')}; leave it out for Background`,
    );
  }
  return found;
}

export interface DeleteResult {
  /** The dependents that lost their reference to the deleted object (Orphan only). */
  orphaned: ObjectRef[];
}

const ORPHAN_ATTEMPTS = 5;

/**
 * Deletes one object with a propagation policy. With `Orphan`, the references to the object are removed from its
 * direct dependents before the object goes, each written at the version it was read at (a dependent changed
 * meanwhile is read again). A dependent created between those writes and the delete still names the owner and is
 * collected; Kubernetes closes that window with an `orphan` finalizer, which this store does not have.
 */
export async function deleteObject(
  store: ResourceStore,
  kind: ResourceKind,
  namespace: string,
  name: string,
  policy: PropagationPolicy = 'Background',
): Promise<DeleteResult> {
  const orphaned = policy === 'Orphan' ? await orphanDependents(store, kind, namespace, name) : [];
  await store.delete(kind.kind, namespace, name, { propagationPolicy: policy });
  return { orphaned };
}

async function orphanDependents(
  store: ResourceStore,
  kind: ResourceKind,
  namespace: string,
  name: string,
): Promise<ObjectRef[]> {
  const owner = await store.get(kind.kind, namespace, name);
  if (owner === undefined) {
    throw new KanaryError(
      'NOT_FOUND',
      `${kind.kind} "${name}" not found${kind.namespaced ? ` in namespace "${namespace}"` : ''}`,
    );
  }
  const scopes = scopesOf(RESOURCE_KINDS);
  const done = new Map<string, ObjectRef>();
  for (let attempt = 1; ; attempt++) {
    const candidates = await listForOrphaning(store, kind.namespaced ? namespace : undefined);
    const patches = planOrphan(owner, candidates, scopes);
    let conflicted = false;
    for (const patch of patches) {
      const { target } = patch;
      try {
        await store.patch(
          target.kind,
          target.namespace,
          target.name,
          { metadata: { ownerReferences: patch.ownerReferences.length === 0 ? null : patch.ownerReferences } },
          patch.resourceVersion === undefined ? {} : { resourceVersion: patch.resourceVersion },
        );
        done.set(`${target.kind}/${target.namespace}/${target.name}`, target);
      } catch (err) {
        if (err instanceof KanaryError && err.code === 'NOT_FOUND') continue;
        if (err instanceof KanaryError && err.code === 'CONFLICT' && attempt < ORPHAN_ATTEMPTS) {
          conflicted = true;
          continue;
        }
        throw err;
      }
    }
    if (!conflicted) return [...done.values()];
  }
}

/** Every object that could be a dependent: all kinds the API serves, in the owner's namespace when it has one. */
async function listForOrphaning(store: ResourceStore, namespace: string | undefined): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const k of RESOURCE_KINDS) {
    if (namespace !== undefined && !k.namespaced) continue;
    try {
      objects.push(...(await store.list(k.kind, namespace === undefined ? {} : { namespace })).items);
    } catch (err) {
      // A kind the backing cluster does not serve (a CRD not installed) holds no dependents.
      if (err instanceof KanaryError && (err.code === 'NOT_FOUND' || err.code === 'NOT_SUPPORTED')) continue;
      throw err;
    }
  }
  return objects;
}
