/**
 * Generic controller machinery, the same in local and Kubernetes mode: an injectable clock, a deduplicating work
 * queue with timers and backoff, informers that list-then-watch a kind through a ResourceStore, and a controller
 * runner that wires them to a Reconciler.
 */
export { FakeClock, realClock, settle, type Clock, type TimerHandle } from './clock.js';
export { WorkQueue, type WorkQueueOptions } from './work-queue.js';
export { Informer, compareResourceVersions, type InformerHandlers, type InformerOptions } from './informer.js';
export { WriteExpectations, type WriteExpectationsOptions } from './expectations.js';
export {
  Controller,
  type ControllerOptions,
  type ReconcileReport,
  type ReconcileResult,
  type Reconciler,
} from './controller.js';
export { controllerOwnerKeys, keyOf, objectKey, parseKey } from './keys.js';
