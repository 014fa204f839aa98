import { currentIndex, emit, isAborted, isHalted, requeueAfter, type Context } from './context.js';
import { pauseDurationMs } from './steps.js';

/**
 * A `pause` step: on reaching it, add the `CanaryPauseStep` pause condition and set `controllerPause`. It completes
 * when its duration has passed since the condition's start, or, for any pause, when a human removed the condition
 * (promote) while `controllerPause` is still set.
 */
export function reconcilePauseStep(ctx: Context): void {
  const index = currentIndex(ctx);
  const step = ctx.steps[index];
  if (!step?.pause || isAborted(ctx) || isHalted(ctx) || ctx.status.promoteFull === true) return;
  const conditions = ctx.status.pauseConditions ?? [];
  const cond = conditions.find((c) => c.reason === 'CanaryPauseStep');
  const duration = pauseDurationMs(step);
  if (cond) {
    if (duration === undefined) return;
    const end = Date.parse(cond.startTime) + duration;
    if (ctx.now >= end) ctx.stepDone = true;
    else requeueAfter(ctx, end - ctx.now);
    return;
  }
  if (ctx.status.controllerPause === true) {
    ctx.stepDone = true;
    return;
  }
  ctx.status.pauseConditions = [...conditions, { reason: 'CanaryPauseStep', startTime: ctx.nowIso }];
  ctx.status.controllerPause = true;
  emit(ctx, 'Normal', 'RolloutPaused', 'Rollout is paused (CanaryPauseStep)');
  if (duration !== undefined) requeueAfter(ctx, duration);
}
