import type { AnalysisPhase, Metric, MetricResult } from '../../api/index.js';
import { limitsOf } from './limits.js';
import { isCompleted } from './phases.js';

/**
 * From a metric's counters to its phase (Argo's `assessMetricStatus`, `assessMetricFailureInconclusiveOrError`).
 */

export interface LimitBreach {
  phase: 'Failed' | 'Inconclusive' | 'Error';
  /** Argo's reason, e.g. `failed (1) > failureLimit (0)`. */
  reason: string;
}

/**
 * The three limit checks in Argo's order; the last match wins, so Error beats Inconclusive beats Failed. Each uses
 * a strict `>`: `failureLimit: 0` fails on the first failure, `consecutiveErrorLimit: 4` errors on the fifth error
 * in a row. `failureLimit: -1` turns the failure check off.
 */
export function limitBreach(metric: Metric, result: MetricResult): LimitBreach | undefined {
  const limits = limitsOf(metric);
  const failed = result.failed ?? 0;
  const inconclusive = result.inconclusive ?? 0;
  const consecutiveError = result.consecutiveError ?? 0;
  let breach: LimitBreach | undefined;
  if (limits.failureLimit >= 0 && failed > limits.failureLimit) {
    breach = { phase: 'Failed', reason: `failed (${failed}) > failureLimit (${limits.failureLimit})` };
  }
  if (inconclusive > limits.inconclusiveLimit) {
    breach = {
      phase: 'Inconclusive',
      reason: `inconclusive (${inconclusive}) > inconclusiveLimit (${limits.inconclusiveLimit})`,
    };
  }
  if (consecutiveError > limits.consecutiveErrorLimit) {
    breach = {
      phase: 'Error',
      reason: `consecutiveErrors (${consecutiveError}) > consecutiveErrorLimit (${limits.consecutiveErrorLimit})`,
    };
  }
  return breach;
}

/** The phase of one metric given its result so far and whether the run is terminating. */
export function assessMetricStatus(metric: Metric, result: MetricResult, terminating: boolean): AnalysisPhase {
  if (isCompleted(result.phase)) return result.phase;
  const measurements = result.measurements ?? [];
  const last = measurements[measurements.length - 1];
  if (last === undefined) return terminating ? 'Successful' : 'Pending';
  if (!isCompleted(last.phase)) return 'Running';
  const breach = limitBreach(metric, result);
  if (breach !== undefined) return breach.phase;
  const limits = limitsOf(metric);
  if (limits.consecutiveSuccessLimit > 0 && (result.consecutiveSuccess ?? 0) >= limits.consecutiveSuccessLimit) {
    return 'Successful';
  }
  if (limits.effectiveCount !== undefined && (result.count ?? 0) >= limits.effectiveCount) {
    // The count is used up without an early verdict.
    if (limits.failureLimit >= 0 && limits.consecutiveSuccessLimit > 0) return 'Inconclusive';
    if (limits.consecutiveSuccessLimit > 0) return 'Failed';
    return 'Successful';
  }
  // Unbounded, or the count is not reached yet: a terminating run ends it as Successful.
  return terminating ? 'Successful' : 'Running';
}
