import type { CanaryStep } from '../api/index.js';
import { tryParseDuration } from '../api/index.js';

/**
 * Step arithmetic over `spec.strategy.canary.steps`: which weight and canary scale apply at a step index, and how
 * a step is named in events (Argo's `CanaryStepString`).
 */

/** The weight of the last `setWeight` at or before `index` (0 when none); after the last step, `max`. */
export function currentSetWeight(steps: CanaryStep[], index: number, max: number): number {
  if (index >= steps.length) return max;
  return lastSetWeightBefore(steps, index + 1);
}

/** The weight of the last `setWeight` strictly before `index` (0 when none): the weight held while pods come up. */
export function lastSetWeightBefore(steps: CanaryStep[], index: number): number {
  for (let i = Math.min(index, steps.length) - 1; i >= 0; i--) {
    const w = steps[i]?.setWeight;
    if (w !== undefined) return w;
  }
  return 0;
}

export type CanaryScale = { replicas: number } | { weight: number } | undefined;

/** The `setCanaryScale` in force at `index`: the last one at or before it, unless it says `matchTrafficWeight`. */
export function canaryScaleAt(steps: CanaryStep[], index: number): CanaryScale {
  for (let i = Math.min(index, steps.length - 1); i >= 0; i--) {
    const s = steps[i]?.setCanaryScale;
    if (s === undefined) continue;
    if (s.matchTrafficWeight === true) return undefined;
    if (s.replicas !== undefined) return { replicas: s.replicas };
    if (s.weight !== undefined) return { weight: s.weight };
    return undefined;
  }
  return undefined;
}

/** Canary pods for a step: `ceil(replicas × weight / max)`, or what `setCanaryScale` says, capped at `replicas`. */
export function canaryReplicasAt(steps: CanaryStep[], index: number, replicas: number, max: number): number {
  const scale = canaryScaleAt(steps, index);
  if (scale && 'replicas' in scale) return Math.min(scale.replicas, replicas);
  const weight = scale ? scale.weight : currentSetWeight(steps, index, max);
  const divisor = scale ? 100 : max;
  return Math.min(replicas, Math.ceil((replicas * weight) / divisor));
}

/** Milliseconds of a `pause.duration`; undefined for an indefinite pause or an unparsable value. */
export function pauseDurationMs(step: CanaryStep | undefined): number | undefined {
  const d = step?.pause?.duration;
  if (d === undefined) return undefined;
  return tryParseDuration(d, { bareNumberIsSeconds: true });
}

/** How Argo names a step in `RolloutStepCompleted` events. */
export function stepString(step: CanaryStep): string {
  if (step.setWeight !== undefined) return `setWeight: ${step.setWeight}`;
  if (step.pause !== undefined) {
    return step.pause.duration === undefined ? 'pause' : `pause: ${String(step.pause.duration)}`;
  }
  if (step.experiment !== undefined) return 'experiment';
  if (step.analysis !== undefined) return 'analysis';
  if (step.setCanaryScale !== undefined) return canaryScaleString(step.setCanaryScale);
  if (step.setHeaderRoute !== undefined) return `setHeaderRoute: ${step.setHeaderRoute.name}`;
  if (step.setMirrorRoute !== undefined) return `setMirrorRoute: ${step.setMirrorRoute.name}`;
  if (step.plugin !== undefined) return `plugin: ${step.plugin.name}`;
  return 'unknown';
}

function canaryScaleString(s: NonNullable<CanaryStep['setCanaryScale']>): string {
  if (s.weight !== undefined) return `setCanaryScale{weight: ${s.weight}}`;
  if (s.matchTrafficWeight === true) return 'setCanaryScale{matchTrafficWeight: true}';
  if (s.replicas !== undefined) return `setCanaryScale{replicas: ${s.replicas}}`;
  return 'setCanaryScale';
}
