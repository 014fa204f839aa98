import type { CanaryStep, CanaryStrategy, ReplicaSet, Rollout, RolloutStatus } from '../api/index.js';
import { DEFAULT_REPLICAS, POD_TEMPLATE_HASH_LABEL } from './constants.js';
import type { Action, EventType, Observed } from './types.js';

/**
 * The working state of one reconcile pass. Each concern (replicasets, traffic, analysis, pause, steps...) reads it
 * and records its decisions: a new status in `status`, changes in `actions`, timers in `requeue`. Nothing here
 * touches the world; the controller applies `actions` afterwards.
 */
export interface Context {
  readonly rollout: Rollout;
  readonly name: string;
  readonly namespace: string;
  readonly now: number;
  readonly nowIso: string;
  readonly canary: CanaryStrategy;
  readonly steps: CanaryStep[];
  readonly replicas: number;
  readonly observed: Observed;
  /** The status as it was when the pass began. */
  readonly previous: RolloutStatus;
  /** The status being computed. */
  status: RolloutStatus;
  /** ReplicaSets owned by the Rollout, including those created during this pass. */
  replicaSets: ReplicaSet[];
  podHash: string;
  revision: number;
  actions: Action[];
  requeueAfterMs: number | undefined;
  /** Set when analysis aborted the rollout in this pass: the text after "revision N: ". */
  abortReason?: string;
  /** The current step's completion predicate, as decided by the step's concern in this pass. */
  stepDone: boolean;
  /** A retry (abort cleared by a user) was seen in this pass. */
  retried: boolean;
  /** The update was reset in this pass (new template or new steps). */
  reset: boolean;
  /** Why the spec cannot be acted on (missing template, unresolvable args): an `InvalidSpec` condition. */
  invalidSpec?: string;
}

export function emit(ctx: Context, type: EventType, reason: string, message: string): void {
  ctx.actions.push({ type: 'event', event: { type, reason, message } });
}

export function requeueAfter(ctx: Context, ms: number): void {
  const wait = Math.max(0, Math.ceil(ms));
  ctx.requeueAfterMs = ctx.requeueAfterMs === undefined ? wait : Math.min(ctx.requeueAfterMs, wait);
}

export function patch(ctx: Context, kind: string, name: string, body: Record<string, unknown>): void {
  ctx.actions.push({ type: 'patch', kind, name, patch: body });
}

export function hashOf(rs: ReplicaSet): string | undefined {
  return rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
}

export function rsByHash(ctx: Context, hash: string | undefined): ReplicaSet | undefined {
  if (hash === undefined || hash === '') return undefined;
  return ctx.replicaSets.find((rs) => hashOf(rs) === hash);
}

export function newRS(ctx: Context): ReplicaSet | undefined {
  return rsByHash(ctx, ctx.podHash);
}

export function stableRS(ctx: Context): ReplicaSet | undefined {
  return rsByHash(ctx, ctx.status.stableRS);
}

/** No stable ReplicaSet yet: the first deploy goes straight to stable, without steps or analysis. */
export function isInitialDeploy(ctx: Context): boolean {
  return stableRS(ctx) === undefined;
}

export function isFullyPromoted(ctx: Context): boolean {
  return ctx.status.stableRS !== undefined && ctx.status.stableRS === ctx.podHash;
}

export function isAborted(ctx: Context): boolean {
  return ctx.status.abort === true && !isFullyPromoted(ctx);
}

export function hasPauseCondition(ctx: Context, reason: string): boolean {
  return (ctx.status.pauseConditions ?? []).some((c) => c.reason === reason);
}

/** `spec.paused` or an inconclusive analysis halts scaling and step progress (Argo's `haltProgress`). */
export function isHalted(ctx: Context): boolean {
  return ctx.rollout.spec.paused === true || hasPauseCondition(ctx, 'InconclusiveAnalysisRun');
}

export function currentIndex(ctx: Context): number {
  return Math.min(ctx.status.currentStepIndex ?? 0, ctx.steps.length);
}

export function specReplicas(rs: ReplicaSet | undefined): number {
  return rs?.spec.replicas ?? 0;
}

export function availableReplicas(rs: ReplicaSet | undefined): number {
  return rs?.status?.availableReplicas ?? 0;
}

export function desiredRolloutReplicas(rollout: Rollout): number {
  return rollout.spec.replicas ?? DEFAULT_REPLICAS;
}

export function hasTrafficRouting(ctx: Context): boolean {
  return ctx.canary.trafficRouting !== undefined;
}
