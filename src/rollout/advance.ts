import type { CanaryStep } from '../api/index.js';
import { DEFAULT_SCALE_DOWN_DELAY_SECONDS } from './constants.js';
import {
  availableReplicas,
  currentIndex,
  emit,
  hasTrafficRouting,
  isAborted,
  isFullyPromoted,
  isHalted,
  isInitialDeploy,
  newRS,
  requeueAfter,
  specReplicas,
  stableRS,
  type Context,
} from './context.js';
import { setDeadline } from './replicasets.js';
import { isRollbackWithinWindow } from './rollback.js';
import { basicCanaryReplicas } from './scaling.js';
import { currentSetWeight, stepString } from './steps.js';
import { canaryAtDesiredCount, maxWeight } from './traffic.js';

/**
 * Moving forward (Argo's `syncRolloutStatusCanary`): the initial deploy becomes stable at once; after the last step
 * (or on `promoteFull`) the new ReplicaSet becomes stable once fully available; otherwise the step index advances by
 * one when the current step's completion predicate holds.
 */

function setWeightDone(ctx: Context, step: CanaryStep): boolean {
  if (hasTrafficRouting(ctx)) {
    const weight = currentSetWeight(ctx.steps, currentIndex(ctx), maxWeight(ctx));
    return canaryAtDesiredCount(ctx) && ctx.status.canary?.weights?.canary.weight === weight;
  }
  const canary = newRS(ctx);
  const want = basicCanaryReplicas(ctx.replicas, step.setWeight ?? 0);
  const stable = stableRS(ctx);
  const stableWant = ctx.replicas - want;
  return (
    specReplicas(canary) === want &&
    availableReplicas(canary) >= want &&
    specReplicas(stable) === stableWant &&
    availableReplicas(stable) >= stableWant
  );
}

function stepDone(ctx: Context, step: CanaryStep): boolean {
  if (step.setWeight !== undefined) return setWeightDone(ctx, step);
  if (step.setCanaryScale !== undefined) return canaryAtDesiredCount(ctx);
  if (step.pause !== undefined || step.analysis !== undefined) return ctx.stepDone;
  // Steps Kanary does not run (experiment, plugin, header and mirror routes) are rejected by validation.
  return true;
}

function promote(ctx: Context, reason: string): void {
  const old = stableRS(ctx);
  const s = ctx.status;
  s.stableRS = ctx.podHash;
  s.currentStepIndex = ctx.steps.length;
  s.promoteFull = false;
  s.pauseConditions = [];
  s.controllerPause = false;
  if (old && old !== newRS(ctx) && hasTrafficRouting(ctx)) {
    const delay = (ctx.canary.scaleDownDelaySeconds ?? DEFAULT_SCALE_DOWN_DELAY_SECONDS) * 1000;
    if (delay > 0) setDeadline(ctx, old, ctx.now + delay);
  }
  emit(
    ctx,
    'Normal',
    'RolloutCompleted',
    `Rollout completed update to revision ${ctx.revision} (${ctx.podHash}): ${reason}`,
  );
  requeueAfter(ctx, 0);
}

export function advance(ctx: Context): void {
  if (isInitialDeploy(ctx)) return promote(ctx, 'Initial deploy');
  if (isFullyPromoted(ctx)) {
    ctx.status.currentStepIndex = ctx.steps.length;
    return;
  }
  if (isAborted(ctx) || isHalted(ctx)) return;
  const index = currentIndex(ctx);
  if (index >= ctx.steps.length) {
    const rs = newRS(ctx);
    if (specReplicas(rs) !== ctx.replicas || availableReplicas(rs) < ctx.replicas) return;
    const reason =
      ctx.status.promoteFull === true
        ? 'Full promotion requested'
        : isRollbackWithinWindow(ctx)
          ? 'Rollback within window'
          : `Completed all ${ctx.steps.length} canary steps`;
    return promote(ctx, reason);
  }
  const step = ctx.steps[index];
  if (!step || !stepDone(ctx, step)) return;
  const s = ctx.status;
  s.currentStepIndex = index + 1;
  s.pauseConditions = (s.pauseConditions ?? []).filter((c) => c.reason !== 'CanaryPauseStep');
  s.controllerPause = false;
  if (s.canary) delete s.canary.currentStepAnalysisRunStatus;
  emit(
    ctx,
    'Normal',
    'RolloutStepCompleted',
    `Rollout step ${index + 1}/${ctx.steps.length} completed (${stepString(step)})`,
  );
  requeueAfter(ctx, 0);
}
