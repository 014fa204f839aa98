/**
 * The judge's result as conditions and people read it: the `result` of a judge measurement
 * (`successCondition: result.verdict != "fail"`), stored as JSON in the measurement's `value`.
 */
import type { JudgeUpdate, JudgeVerdict } from './judge.js';

export interface JudgeArmResult {
  readonly requests: number;
  readonly errors: number;
  /** errors / requests; null before the arm served any request. */
  readonly errorRate: number | null;
  /** Mean latency (ms) of the requests the latency test saw; null when unknown. */
  readonly meanLatencyMs: number | null;
}

export interface JudgeResult {
  readonly verdict: JudgeVerdict;
  /** The evidence against "the canary is fine"; the judge fails at `threshold` = 1/α. */
  readonly eValue: number;
  readonly threshold: number;
  /** Always-valid p-value: min(1, 1 / largest eValue so far). */
  readonly pValue: number;
  readonly errorsEValue: number;
  /** null when latency is not compared. */
  readonly latencyEValue: number | null;
  readonly canary: JudgeArmResult;
  readonly stable: JudgeArmResult;
  /** Observation intervals folded in so far. */
  readonly batches: number;
  /** What decided a `fail`: 'errors' or 'latency'; null otherwise. */
  readonly cause: 'errors' | 'latency' | null;
  readonly explanation: string;
}

/** The result of a judge update; plain JSON (no NaN: an unknown quantity is null). */
export function judgeResultOf(update: JudgeUpdate): JudgeResult {
  const e = update.evidence;
  const c = e.counts;
  const lat = e.estimates.latency;
  const finite = (x: number): number => (Number.isFinite(x) ? x : Number.MAX_VALUE);
  return {
    verdict: update.verdict,
    eValue: finite(e.eValue),
    threshold: e.threshold,
    pValue: e.pValueAlwaysValid,
    errorsEValue: finite(e.errors.eValue),
    latencyEValue: e.latency === null ? null : finite(e.latency.eValue),
    canary: {
      requests: c.canaryRequests,
      errors: c.canaryErrors,
      errorRate: e.estimates.canaryErrorRate,
      meanLatencyMs: lat?.canaryMeanMs ?? null,
    },
    stable: {
      requests: c.stableRequests,
      errors: c.stableErrors,
      errorRate: e.estimates.stableErrorRate,
      meanLatencyMs: lat?.stableMeanMs ?? null,
    },
    batches: c.batches,
    cause: update.state.failed?.cause ?? null,
    explanation: e.explanation,
  };
}
