/**
 * The latency e-process of the judge: "the canary is slower than stable by more than the tolerance".
 *
 * Each batch's latency samples are cut into groups (a slice of canary samples with a slice of stable samples
 * from the same batch). For a group the Mann–Whitney score
 *   Z = mean over pairs (C, S) of  1[C > t(S)] + ½·1[C = t(S)],   t(S) = (1 + toleranceRelative)·S + toleranceMs
 * lies in [0, 1]. If, given the past, the group's canary and stable samples are independent draws and the canary
 * is not slower than the tolerance allows (C is stochastically no larger than t(S') for an independent stable
 * S'), then E[Z | past] ≤ ½. The wealth ∏(1 + λ·(Z − ½)) with a fixed bet λ in [0, 2) is then a non-negative
 * supermartingale starting at 1; the judge averages a fixed grid of bets (a mixture, still a supermartingale).
 */
import { histogramSlowerScore, histogramTotal } from './latency-histogram.js';
import type { LatencyHistogram } from './latency-histogram.js';
import { logMeanExp } from './log-math.js';

export interface LatencyParams {
  /** Absolute slowdown tolerated, in milliseconds (≥ 0). */
  readonly toleranceMs: number;
  /** Relative slowdown tolerated (≥ 0): 0.1 tolerates a canary 10% slower. */
  readonly toleranceRelative: number;
  /** Target number of samples per arm in one group; smaller groups mean more bets per batch. */
  readonly groupSize: number;
}

/** Running sums of one arm's latencies (for the estimates shown to people; the test does not use them). */
export interface LatencySums {
  /** Latencies observed (samples or histogram counts). */
  readonly count: number;
  /** Sum of the latencies whose values are known, and how many those are (histograms may lack a sum). */
  readonly sumMs: number;
  readonly summed: number;
}

export interface LatencyTestState {
  /** log wealth of each bet in BET_FRACTIONS. */
  readonly logWealth: number[];
  /** Groups scored so far. */
  readonly groups: number;
  /** Σ Z over groups: scoreSum / groups estimates P(canary slower than the tolerance allows). */
  readonly scoreSum: number;
  readonly canary: LatencySums;
  readonly stable: LatencySums;
}

/** Fixed bet sizes λ; λ < 2 keeps every factor 1 + λ(Z − ½) ≥ 1 − λ/2 > 0. */
export const BET_FRACTIONS: readonly number[] = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 1.95];

export function initLatencyTest(): LatencyTestState {
  return {
    logWealth: BET_FRACTIONS.map(() => 0),
    groups: 0,
    scoreSum: 0,
    canary: { count: 0, sumMs: 0, summed: 0 },
    stable: { count: 0, sumMs: 0, summed: 0 },
  };
}

/** Number of values in the ascending `sorted` that are < x (strict) or ≤ x (inclusive). */
function countBelow(sorted: readonly number[], x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] ?? 0;
    if (v < x || (inclusive && v === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The Mann–Whitney score Z in [0, 1] of one group: the share of (canary, stable) pairs in which the canary is
 * slower than the tolerated stable latency, ties counting one half. ½ when either side is empty.
 */
export function slowerScore(canaryMs: readonly number[], stableMs: readonly number[], params: LatencyParams): number {
  if (canaryMs.length === 0 || stableMs.length === 0) return 0.5;
  const tolerated = stableMs.map((s) => (1 + params.toleranceRelative) * s + params.toleranceMs).sort((x, y) => x - y);
  let wins = 0;
  for (const c of canaryMs) {
    const below = countBelow(tolerated, c, false);
    const atOrBelow = countBelow(tolerated, c, true);
    wins += below + 0.5 * (atOrBelow - below);
  }
  return wins / (canaryMs.length * stableMs.length);
}

/**
 * Splits a batch into groups: g = ⌊min(n_c, n_s)/groupSize⌋ (at least 1) consecutive slices of each arm, so
 * each group pairs canary and stable samples from the same part of the batch. No group when an arm is empty.
 */
export function groupSlices(
  canaryCount: number,
  stableCount: number,
  groupSize: number,
): { canary: [number, number]; stable: [number, number] }[] {
  if (canaryCount === 0 || stableCount === 0) return [];
  const g = Math.max(1, Math.floor(Math.min(canaryCount, stableCount) / groupSize));
  const cut = (n: number, k: number): number => Math.floor((k * n) / g);
  return Array.from({ length: g }, (_, k) => ({
    canary: [cut(canaryCount, k), cut(canaryCount, k + 1)],
    stable: [cut(stableCount, k), cut(stableCount, k + 1)],
  }));
}

function addSums(sums: LatencySums, samples: readonly number[]): LatencySums {
  let sumMs = sums.sumMs;
  for (const s of samples) sumMs += s;
  return { count: sums.count + samples.length, sumMs, summed: sums.summed + samples.length };
}

function addHistogramSums(sums: LatencySums, h: LatencyHistogram): LatencySums {
  const n = histogramTotal(h);
  const known = h.sumMs !== undefined;
  return { count: sums.count + n, sumMs: sums.sumMs + (h.sumMs ?? 0), summed: sums.summed + (known ? n : 0) };
}

/** Multiplies every bet's wealth by 1 + λ(z − ½). */
function bet(logWealth: readonly number[], z: number): number[] {
  return logWealth.map((w, j) => w + Math.log1p((BET_FRACTIONS[j] ?? 0) * (z - 0.5)));
}

export function updateLatencyTest(
  state: LatencyTestState,
  canaryMs: readonly number[],
  stableMs: readonly number[],
  params: LatencyParams,
): LatencyTestState {
  let logWealth = state.logWealth;
  let groups = state.groups;
  let scoreSum = state.scoreSum;
  for (const slice of groupSlices(canaryMs.length, stableMs.length, params.groupSize)) {
    const z = slowerScore(canaryMs.slice(...slice.canary), stableMs.slice(...slice.stable), params);
    logWealth = bet(logWealth, z);
    groups += 1;
    scoreSum += z;
  }
  return {
    logWealth,
    groups,
    scoreSum,
    canary: addSums(state.canary, canaryMs),
    stable: addSums(state.stable, stableMs),
  };
}

/**
 * The effect size d_j each bet stands for when a whole interval is scored at once (histograms): d = λ/4, so the
 * grid spans "1 in 200 pairs more often slower" (0.005) to "almost always slower" (0.49).
 */
export const HOEFFDING_EFFECTS: readonly number[] = BET_FRACTIONS.map((l) => l / 4);

/**
 * Folds one interval's latency histograms (same buckets in both arms) into the state.
 *
 * Histograms cannot be cut into time slices, and a single bounded bet per interval would cap the evidence at a
 * factor of 2 per scrape. Instead the interval's score Z (a two-sample U-statistic of all canary × stable pairs)
 * is used through Hoeffding's inequality for U-statistics: with k = min(n_c, n_s), Z is an average of averages
 * of k independent terms in [0, 1], so E[exp(s·(Z − E Z))] ≤ exp(s²/(8k)). With s = 4k·d and E Z ≤ ½ under H0,
 * the factor exp(4k·d·(Z − ½) − 2k·d²) has expectation ≤ 1. Each bet j uses its own fixed d_j, so it stays a
 * test supermartingale whichever kind of latency data a batch carries.
 */
export function updateLatencyTestWithHistograms(
  state: LatencyTestState,
  canary: LatencyHistogram,
  stable: LatencyHistogram,
  params: LatencyParams,
): LatencyTestState {
  // Rounding k down only makes the factor more conservative (fractional counts from extrapolated increases).
  const k = Math.floor(Math.min(histogramTotal(canary), histogramTotal(stable)));
  const sums = { canary: addHistogramSums(state.canary, canary), stable: addHistogramSums(state.stable, stable) };
  if (k < 1) return { ...state, ...sums };
  const z = histogramSlowerScore(canary, stable, params);
  const logWealth = state.logWealth.map((w, j) => {
    const d = HOEFFDING_EFFECTS[j] ?? 0;
    return w + 4 * k * d * (z - 0.5) - 2 * k * d * d;
  });
  return { logWealth, groups: state.groups + 1, scoreSum: state.scoreSum + z, ...sums };
}

/** log of the latency e-process: the equal-weight mixture of the bets' wealths. */
export function latencyLogE(state: LatencyTestState): number {
  return logMeanExp(state.logWealth);
}
