import type { KubeObject } from '../../api/meta.js';

/**
 * Work-queue keys name objects as Kubernetes controllers do: "namespace/name", or just "name" for a
 * cluster-scoped object (namespace "").
 */
export function objectKey(obj: KubeObject): string {
  return keyOf(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
}

export function keyOf(namespace: string, name: string): string {
  return namespace === '' ? name : `${namespace}/${name}`;
}

/** The inverse of `keyOf`: names cannot contain "/", so the first one separates the namespace. */
export function parseKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * Maps an object to the key of its controlling owner of `ownerKind` (an owner reference with `controller: true`),
 * in the object's namespace; for a ReplicaSet owned by a Rollout, the Rollout's key. No owner: no keys.
 */
export function controllerOwnerKeys(ownerKind: string): (obj: KubeObject) => string[] {
  return (obj) =>
    (obj.metadata.ownerReferences ?? [])
      .filter((ref) => ref.kind === ownerKind && ref.controller === true)
      .map((ref) => keyOf(obj.metadata.namespace ?? '', ref.name));
}
