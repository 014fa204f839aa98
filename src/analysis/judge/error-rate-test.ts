/**
 * The error-rate e-processes of the judge (see docs/judge.md for the derivation in plain words).
 *
 * Data per batch (one observation interval): canary requests n_c and errors x_c, stable requests n_s and
 * errors x_s. Traffic weights never appear: they only shape n_c and n_s, which is why weights that change
 * during a rollout need no special handling.
 *
 * Two tests, combined as an intersection-union test (the canary is tolerated when EITHER holds):
 *   - ratio test, H0: q_c ≤ r0·q_s with r0 = 1 + relativeMargin (canary error rate within the relative margin);
 *   - floor test, H0: q_c ≤ a with a = absoluteMargin (canary error rate below the absolute allowance).
 * The judge may reject "the canary is tolerable" only when both nulls are rejected, so its evidence is
 * min(E_ratio, E_floor). Under any point of the union null one of the two is a test supermartingale that
 * dominates the minimum, so Ville's inequality bounds P(ever ≥ 1/α) by α.
 */
import { linspace, logMeanExp, xlogy } from './log-math.js';

/** Counts of one arm in one batch: requests served and how many of them failed. */
export interface ArmCounts {
  readonly requests: number;
  readonly errors: number;
}

export interface ErrorBatch {
  readonly canary: ArmCounts;
  readonly stable: ArmCounts;
}

export interface ErrorTestParams {
  /** m ≥ 0: the canary may have up to (1 + m) times stable's error rate. */
  readonly relativeMargin: number;
  /** a in [0, 1): the canary may have an error rate up to a whatever stable does; 0 disables the allowance. */
  readonly absoluteMargin: number;
}

/** Plain JSON: one accumulated log likelihood ratio per grid alternative. */
export interface ErrorTestState {
  /** log Λ_j for the alternatives r = RATIO_MULTIPLIERS[j]·r0. */
  readonly ratioLogLR: number[];
  /** log Λ_j for the alternatives q = floorAlternatives(a)[j]; empty when the absolute allowance is 0. */
  readonly floorLogLR: number[];
}

/**
 * The ratio test mixes over alternatives r = c·r0, c from 1.2 to 5000 evenly on a log scale, with equal
 * prior weight. A fixed, data-independent prior keeps the mixture a test supermartingale; the log scale covers
 * "20% worse" to "serves only errors while stable serves none" at a cost of log(24) ≈ 3.2 nats of evidence.
 */
export const RATIO_MULTIPLIERS: readonly number[] = linspace(Math.log(1.2), Math.log(5000), 24).map(Math.exp);

/** Logit offsets of the floor test's alternatives above logit(a): from "a bit above a" to "almost always fails". */
export const FLOOR_LOGIT_OFFSETS: readonly number[] = linspace(0.2, 12, 24);

/** The floor test's alternative error rates q_j > a (strictly inside (a, 1)). */
export function floorAlternatives(absoluteMargin: number): number[] {
  const base = Math.log(absoluteMargin / (1 - absoluteMargin));
  return FLOOR_LOGIT_OFFSETS.map((d) => 1 / (1 + Math.exp(-(base + d))));
}

/**
 * log of the per-batch likelihood-ratio factor of the ratio test for the alternative r = c·r0:
 *   x_c·log c + (x_c + x_s)·[log(n_c·r0 + n_s) − log(n_c·c·r0 + n_s)].
 * This is the binomial likelihood ratio of "which arm did each error land in", π(r)/π(r0), with
 * π(r) = n_c·r / (n_c·r + n_s). Its expectation is ≤ 1 under H0 (Poisson or Bernoulli errors), see docs.
 */
export function ratioBatchLogLR(batch: ErrorBatch, r0: number, c: number): number {
  const nc = batch.canary.requests;
  const ns = batch.stable.requests;
  const xc = batch.canary.errors;
  const xs = batch.stable.errors;
  // One arm without traffic: every error necessarily lands in the other arm, the batch carries no evidence.
  if (nc === 0 || ns === 0 || xc + xs === 0) return 0;
  const shared = Math.log(nc * r0 + ns) - Math.log(nc * c * r0 + ns);
  return xc * Math.log(c) + (xc + xs) * shared;
}

/**
 * log of the per-batch Bernoulli likelihood ratio of the floor test for the alternative q > a:
 *   x_c·log(q/a) + (n_c − x_c)·log((1 − q)/(1 − a)).
 */
export function floorBatchLogLR(batch: ErrorBatch, a: number, q: number): number {
  const nc = batch.canary.requests;
  const xc = batch.canary.errors;
  return xlogy(xc, q / a) + xlogy(nc - xc, (1 - q) / (1 - a));
}

export function initErrorTest(params: ErrorTestParams): ErrorTestState {
  return {
    ratioLogLR: RATIO_MULTIPLIERS.map(() => 0),
    floorLogLR: params.absoluteMargin > 0 ? floorAlternatives(params.absoluteMargin).map(() => 0) : [],
  };
}

const LOG_RATIO_MULTIPLIERS: readonly number[] = RATIO_MULTIPLIERS.map(Math.log);

/** Per-error and per-success log factors of the floor alternatives, for the last absolute margin used. */
interface FloorFactors {
  readonly a: number;
  readonly logUp: readonly number[];
  readonly logDown: readonly number[];
}

// Memo of a pure function of `a` (the grid depends only on it); it saves 48 logarithms per batch.
let floorMemo: FloorFactors = { a: NaN, logUp: [], logDown: [] };

function floorFactors(a: number): FloorFactors {
  if (floorMemo.a !== a) {
    const qs = floorAlternatives(a);
    floorMemo = { a, logUp: qs.map((q) => Math.log(q / a)), logDown: qs.map((q) => Math.log((1 - q) / (1 - a))) };
  }
  return floorMemo;
}

function updateRatio(logLR: readonly number[], batch: ErrorBatch, r0: number): number[] {
  const nc = batch.canary.requests;
  const ns = batch.stable.requests;
  const xc = batch.canary.errors;
  const k = xc + batch.stable.errors;
  if (nc === 0 || ns === 0 || k === 0) return [...logLR];
  // Same formula as ratioBatchLogLR, with log c and log(n_c·r0 + n_s) hoisted out of the loop.
  const logNull = Math.log(nc * r0 + ns);
  return logLR.map(
    (l, j) =>
      l + xc * (LOG_RATIO_MULTIPLIERS[j] ?? 0) + k * (logNull - Math.log(nc * (RATIO_MULTIPLIERS[j] ?? 1) * r0 + ns)),
  );
}

function updateFloor(logLR: readonly number[], batch: ErrorBatch, a: number): number[] {
  const nc = batch.canary.requests;
  if (logLR.length === 0 || nc === 0) return [...logLR];
  const xc = batch.canary.errors;
  const { logUp, logDown } = floorFactors(a);
  return logLR.map((l, j) => l + xc * (logUp[j] ?? 0) + (nc - xc) * (logDown[j] ?? 0));
}

export function updateErrorTest(state: ErrorTestState, batch: ErrorBatch, params: ErrorTestParams): ErrorTestState {
  return {
    ratioLogLR: updateRatio(state.ratioLogLR, batch, 1 + params.relativeMargin),
    floorLogLR: updateFloor(state.floorLogLR, batch, params.absoluteMargin),
  };
}

export interface ErrorEvidence {
  /** log E of the ratio test (mixture over RATIO_MULTIPLIERS). */
  readonly logRatio: number;
  /** log E of the floor test, or null when the absolute allowance is disabled. */
  readonly logFloor: number | null;
  /** log of min(E_ratio, E_floor): the error evidence the judge acts on. */
  readonly logE: number;
}

export function errorEvidence(state: ErrorTestState): ErrorEvidence {
  const logRatio = logMeanExp(state.ratioLogLR);
  if (state.floorLogLR.length === 0) return { logRatio, logFloor: null, logE: logRatio };
  const logFloor = logMeanExp(state.floorLogLR);
  return { logRatio, logFloor, logE: Math.min(logRatio, logFloor) };
}
