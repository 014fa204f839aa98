/**
 * The Rollout engine: a pure `reconcile(rollout, observed, now)` for the canary strategy with Argo Rollouts
 * semantics, and the helpers clients need to read its results (phase rules, hashes, naming).
 */
export { reconcile } from './reconcile.js';
export type { Action, Observed, ReconcileResult, RolloutEvent, EventType } from './types.js';
export { calculatePhase } from './status/phase.js';
export { podTemplateHash, stepsHash } from './hash.js';
export { revisionOf } from './replicasets.js';
export { canaryIngressName } from './trafficrouting/nginx.js';
export { currentSetWeight, stepString } from './steps.js';
export * from './constants.js';
