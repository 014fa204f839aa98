import type { ReplicaSet } from '../api/index.js';
import { DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS } from './constants.js';
import {
  availableReplicas,
  currentIndex,
  hasTrafficRouting,
  isAborted,
  isFullyPromoted,
  isHalted,
  isInitialDeploy,
  newRS,
  stableRS,
  type Context,
} from './context.js';
import { clearDeadline, deadlineOf, revisionOf, scaleDownAfterDelay, scaleTo } from './replicasets.js';
import { routedCanaryReplicas } from './traffic.js';

/**
 * ReplicaSet sizes. With traffic routing the stable ReplicaSet stays at full size until promotion and the canary
 * gets `ceil(replicas × weight / max)` pods (or its `setCanaryScale`); without it (basic canary) the pods are split
 * by the weight. After promotion the old stable is scaled down after `scaleDownDelaySeconds`; a ReplicaSet that is
 * neither stable nor canary is scaled down at once; an aborted canary after `abortScaleDownDelaySeconds` once the
 * stable ReplicaSet is fully available. Nothing scales while halted (`spec.paused`, inconclusive analysis).
 */

/** Basic canary: pods on each side by weight, at least one on each side for weights 1-99 with 2+ replicas. */
export function basicCanaryReplicas(replicas: number, weight: number): number {
  let canary = Math.round((replicas * weight) / 100);
  if (replicas >= 2 && weight > 0 && weight < 100) canary = Math.min(Math.max(canary, 1), replicas - 1);
  return canary;
}

function desiredCanary(ctx: Context): number {
  const index = currentIndex(ctx);
  if (ctx.status.promoteFull === true || index >= ctx.steps.length) return ctx.replicas;
  if (hasTrafficRouting(ctx)) return routedCanaryReplicas(ctx);
  let weight = 0;
  for (let i = index; i >= 0; i--) {
    const w = ctx.steps[i]?.setWeight;
    if (w !== undefined) {
      weight = w;
      break;
    }
  }
  return basicCanaryReplicas(ctx.replicas, weight);
}

function scaleAbortedCanary(ctx: Context, canary: ReplicaSet, stable: ReplicaSet | undefined): void {
  if (!hasTrafficRouting(ctx)) return scaleTo(ctx, canary, 0);
  const delay = ctx.canary.abortScaleDownDelaySeconds ?? DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS;
  if (delay === 0) return;
  const stableReady = availableReplicas(stable) >= ctx.replicas;
  if (!stableReady && deadlineOf(canary) === undefined) return;
  scaleDownAfterDelay(ctx, canary, delay * 1000);
}

/**
 * Old ReplicaSets: those waiting on a scale-down deadline keep their pods until it passes (at most
 * `scaleDownDelayRevisionLimit` of them, newest first); the rest go to 0 at once.
 */
function scaleOthers(ctx: Context, keep: ReadonlySet<ReplicaSet>): void {
  const limit = ctx.canary.scaleDownDelayRevisionLimit ?? Infinity;
  const waiting = ctx.replicaSets
    .filter((rs) => !keep.has(rs) && deadlineOf(rs) !== undefined && (rs.spec.replicas ?? 0) > 0)
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  for (const rs of ctx.replicaSets) {
    if (keep.has(rs)) continue;
    const slot = waiting.indexOf(rs);
    if (slot >= 0 && slot < limit) scaleDownAfterDelay(ctx, rs, 0);
    else if ((rs.spec.replicas ?? 0) > 0) scaleTo(ctx, rs, 0);
  }
}

export function reconcileScaling(ctx: Context): void {
  if (isHalted(ctx)) return;
  const canary = newRS(ctx);
  const stable = stableRS(ctx);
  if (!canary) return;
  if (isInitialDeploy(ctx) || isFullyPromoted(ctx)) {
    clearDeadline(ctx, canary);
    scaleTo(ctx, canary, ctx.replicas);
    return scaleOthers(ctx, new Set([canary]));
  }
  if (stable) {
    clearDeadline(ctx, stable);
    const stableWant = hasTrafficRouting(ctx) || isAborted(ctx) ? ctx.replicas : ctx.replicas - desiredCanary(ctx);
    scaleTo(ctx, stable, stableWant);
  }
  if (isAborted(ctx)) scaleAbortedCanary(ctx, canary, stable);
  else {
    clearDeadline(ctx, canary);
    scaleTo(ctx, canary, desiredCanary(ctx));
  }
  scaleOthers(ctx, new Set([canary, ...(stable ? [stable] : [])]));
}
