/** The local ReplicaSet controller's pure core: ReplicaSet + its Pods -> actions and status. */
export {
  reconcileReplicaSet,
  replicaSetStatus,
  isControlledBy,
  orphanedPods,
  type ReplicaSetReconcileInput,
  type ReplicaSetReconcileResult,
} from './reconcile.js';
export { podNameFor, POD_NAME_ALPHABET } from './pod-name.js';
export { isActive, isReady, isAvailable, compareForDeletion } from './pod-state.js';
export type {
  ReplicaSetLike,
  ReplicaSetStatus,
  PodLike,
  PodRef,
  PodMetadataPatch,
  ReplicaSetAction,
  NewPod,
} from './types.js';
