/**
 * Cumulative readings of both arms (what the router's snapshot or Prometheus counters say at one moment) and the
 * judge batch between two of them. Pure: the judge provider reads, this module subtracts.
 */
import type { ArmObservation, JudgeBatch } from './judge.js';
import type { LatencyHistogram } from './latency-histogram.js';
import { batchFromTotals } from './totals.js';

/** A cumulative latency histogram as counters expose it: one running count per `le` bound, the last one +Inf. */
export interface CumulativeHistogram {
  /** Finite upper bounds (ms), strictly increasing. */
  readonly upperBoundsMs: readonly number[];
  /** Running count of requests with latency ≤ each bound, then the +Inf count: one more entry than bounds. */
  readonly cumulative: readonly number[];
  /** Running sum of the latencies (ms) when known (`_sum`); only used for the mean shown to people. */
  readonly sumMs?: number;
}

/** Running totals of one arm since its counters started. */
export interface ArmReading {
  readonly requests: number;
  readonly errors: number;
  readonly latency?: CumulativeHistogram;
}

export interface JudgeReading {
  readonly canary: ArmReading;
  readonly stable: ArmReading;
  /**
   * Identifies the counters' lifetime (the router's start time). When it changes between two readings the
   * counters restarted, and the interval between them is skipped rather than guessed.
   */
  readonly epoch?: string;
}

function sameBoundsOf(a: CumulativeHistogram, b: CumulativeHistogram): boolean {
  return a.upperBoundsMs.length === b.upperBoundsMs.length && a.upperBoundsMs.every((x, i) => x === b.upperBoundsMs[i]);
}

/** Per-bucket counts of the interval; a running count that went down means the counters restarted from 0. */
function histogramIncrement(previous: CumulativeHistogram | undefined, current: CumulativeHistogram): LatencyHistogram {
  const prev =
    previous !== undefined &&
    sameBoundsOf(previous, current) &&
    current.cumulative.every((c, i) => c >= (previous.cumulative[i] ?? 0))
      ? previous.cumulative
      : [];
  const running = current.cumulative.map((c, i) => Math.max(0, c - (prev[i] ?? 0)));
  // Running counts → per-bucket counts; a non-monotone reading (two counters read a moment apart) is clamped.
  const counts = running.map((c, i) => Math.max(0, c - (i === 0 ? 0 : (running[i - 1] ?? 0))));
  const h: LatencyHistogram = { upperBoundsMs: [...current.upperBoundsMs], counts };
  if (current.sumMs === undefined) return h;
  const sumMs = prev.length > 0 ? current.sumMs - (previous?.sumMs ?? 0) : current.sumMs;
  return sumMs >= 0 ? { ...h, sumMs } : h;
}

function emptyLike(h: CumulativeHistogram): LatencyHistogram {
  return { upperBoundsMs: [...h.upperBoundsMs], counts: h.cumulative.map(() => 0) };
}

/**
 * The batch between two readings (`previous` null: the counters started at 0). Latency histograms are included
 * only when both arms carry them with the same bounds (an arm without traffic gets an empty histogram).
 */
export function batchFromReadings(previous: JudgeReading | null, current: JudgeReading): JudgeBatch {
  const counts = batchFromTotals(previous, current);
  const c = current.canary.latency;
  const s = current.stable.latency;
  if (c === undefined && s === undefined) return counts;
  const template = c ?? s;
  if (template === undefined || (c !== undefined && s !== undefined && !sameBoundsOf(c, s))) return counts;
  const arm = (counted: ArmObservation, now: CumulativeHistogram | undefined, before: ArmReading | undefined) => ({
    ...counted,
    latencyHistogram: now === undefined ? emptyLike(template) : histogramIncrement(before?.latency, now),
  });
  return {
    canary: arm(counts.canary, c, previous?.canary),
    stable: arm(counts.stable, s, previous?.stable),
  };
}
