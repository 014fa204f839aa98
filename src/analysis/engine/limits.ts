import {
  DEFAULT_CONSECUTIVE_ERROR_LIMIT,
  DEFAULT_CONSECUTIVE_SUCCESS_LIMIT,
  DEFAULT_ERROR_RETRY_INTERVAL_MS,
  DEFAULT_FAILURE_LIMIT,
  DEFAULT_INCONCLUSIVE_LIMIT,
  tryParseDuration,
  type IntOrString,
  type Metric,
} from '../../api/index.js';

/** A resolved metric's numbers. Call only on metrics that passed validation (durations and integers parse). */
export interface MetricLimits {
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  consecutiveSuccessLimit: number;
  /** Argo's EffectiveCount: undefined means unbounded (runs until it fails or is terminated). */
  effectiveCount: number | undefined;
  intervalMs: number | undefined;
  initialDelayMs: number | undefined;
}

export { DEFAULT_ERROR_RETRY_INTERVAL_MS };

function intOf(value: IntOrString | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const n = Number(value.trim());
  return Number.isInteger(n) ? n : fallback;
}

function durationOf(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  return tryParseDuration(value);
}

/**
 * EffectiveCount: `count` absent or 0 without `interval` is 1 (a single measurement); absent or 0 with `interval` is
 * unbounded; otherwise `count`.
 */
export function effectiveCount(metric: Metric): number | undefined {
  const count = intOf(metric.count, 0);
  if (count > 0) return count;
  return (metric.interval ?? '') === '' ? 1 : undefined;
}

export function limitsOf(metric: Metric): MetricLimits {
  return {
    failureLimit: intOf(metric.failureLimit, DEFAULT_FAILURE_LIMIT),
    inconclusiveLimit: intOf(metric.inconclusiveLimit, DEFAULT_INCONCLUSIVE_LIMIT),
    consecutiveErrorLimit: intOf(metric.consecutiveErrorLimit, DEFAULT_CONSECUTIVE_ERROR_LIMIT),
    consecutiveSuccessLimit: intOf(metric.consecutiveSuccessLimit, DEFAULT_CONSECUTIVE_SUCCESS_LIMIT),
    effectiveCount: effectiveCount(metric),
    intervalMs: durationOf(metric.interval),
    initialDelayMs: durationOf(metric.initialDelay),
  };
}
