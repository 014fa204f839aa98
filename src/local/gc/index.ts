/**
 * Local mode's garbage collector: objects whose owners (`metadata.ownerReferences`) are all gone are deleted, as
 * the Kubernetes API server's garbage collector does; and the planning of orphan deletion, shared with the API.
 */
export { GarbageCollector, type GarbageCollectorOptions } from './collector.js';
export {
  isCollectable,
  ownerAddress,
  planCollection,
  planOrphan,
  refOf,
  scopesOf,
  type KindScopes,
  type ObjectRef,
  type OrphanPatch,
  type OwnerAddress,
} from './plan.js';
