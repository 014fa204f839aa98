/**
 * Latency histograms (what Prometheus exposes: per-bucket counts with `le` upper bounds) and the Mann–Whitney
 * score of the latency test computed from them.
 *
 * Validity with buckets: let b(v) be the bucket of a latency v (monotone) and u(S) ≥ S the upper bound of
 * stable's bucket. The score compares b(C) with K = b(t(u(S))) ≥ b(t(S)); a larger comparator can only lower the
 * score, so it is at most the score of b(C) against b(t(S)). If the canary is not slower than tolerated
 * (C ≤st t(S') for an independent stable S'), then b(C) ≤st b(t(S')) and that score has mean ≤ ½. Bucketing
 * costs power (ties inside a bucket count ½), never validity.
 */
import type { LatencyParams } from './latency-test.js';

export interface LatencyHistogram {
  /** Upper bounds (ms) of the finite buckets, strictly increasing; a bucket holds values v with prev < v ≤ bound. */
  readonly upperBoundsMs: readonly number[];
  /** Requests per bucket during the interval (not cumulative): one more entry than bounds, the last being > last bound. */
  readonly counts: readonly number[];
  /** Sum of the latencies (ms) when known (Prometheus `_sum`); only used for the mean estimate. */
  readonly sumMs?: number;
}

/** Index of the bucket holding v: the first bound ≥ v, or the overflow bucket. */
export function bucketOf(upperBoundsMs: readonly number[], v: number): number {
  let lo = 0;
  let hi = upperBoundsMs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((upperBoundsMs[mid] ?? Infinity) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The histogram of some latency samples over the given bucket bounds. */
export function histogramOf(samplesMs: readonly number[], upperBoundsMs: readonly number[]): LatencyHistogram {
  const counts = new Array<number>(upperBoundsMs.length + 1).fill(0);
  let sumMs = 0;
  for (const v of samplesMs) {
    const b = bucketOf(upperBoundsMs, v);
    counts[b] = (counts[b] ?? 0) + 1;
    sumMs += v;
  }
  return { upperBoundsMs: [...upperBoundsMs], counts, sumMs };
}

export function histogramTotal(h: LatencyHistogram): number {
  return h.counts.reduce((s, c) => s + c, 0);
}

/** Why a histogram cannot be used, or null when it is well formed. */
export function histogramProblem(h: LatencyHistogram): string | null {
  const bounds = h.upperBoundsMs;
  if (h.counts.length !== bounds.length + 1) {
    return `${h.counts.length} bucket counts for ${bounds.length} bounds (expected one more count than bounds)`;
  }
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i] ?? NaN;
    if (!Number.isFinite(b) || (i > 0 && b <= (bounds[i - 1] ?? -Infinity))) {
      return `bucket bounds that are not finite and strictly increasing`;
    }
  }
  if (h.counts.some((c) => !Number.isFinite(c) || c < 0)) return 'a negative or non-finite bucket count';
  return null;
}

export function sameBounds(a: LatencyHistogram, b: LatencyHistogram): boolean {
  return a.upperBoundsMs.length === b.upperBoundsMs.length && a.upperBoundsMs.every((x, i) => x === b.upperBoundsMs[i]);
}

/**
 * The Mann–Whitney score Z in [0, 1] of a canary histogram against a stable histogram with the same buckets:
 * the share of pairs where the canary's bucket is above the bucket of the tolerated stable latency, ties ½.
 * ½ when either histogram is empty.
 */
export function histogramSlowerScore(
  canary: LatencyHistogram,
  stable: LatencyHistogram,
  params: Pick<LatencyParams, 'toleranceMs' | 'toleranceRelative'>,
): number {
  const nCanary = histogramTotal(canary);
  const nStable = histogramTotal(stable);
  if (nCanary === 0 || nStable === 0) return 0.5;
  const bounds = canary.upperBoundsMs;
  const overflow = bounds.length;
  // above[k] = canary count in buckets > k.
  const above = new Array<number>(overflow + 1).fill(0);
  for (let k = overflow - 1; k >= 0; k--) above[k] = (above[k + 1] ?? 0) + (canary.counts[k + 1] ?? 0);
  let wins = 0;
  stable.counts.forEach((s, j) => {
    if (s === 0) return;
    const upper = bounds[j] ?? Infinity;
    const k =
      upper === Infinity ? overflow : bucketOf(bounds, (1 + params.toleranceRelative) * upper + params.toleranceMs);
    wins += s * ((above[k] ?? 0) + 0.5 * (canary.counts[k] ?? 0));
  });
  return wins / (nCanary * nStable);
}
