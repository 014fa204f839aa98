/**
 * The judge: folds batches of canary-vs-stable observations into anytime-valid evidence and a verdict.
 *
 * Contract: `updateJudge` is pure. The state is plain JSON (store it anywhere, e.g. in an AnalysisRun
 * measurement's metadata) and must be created by `initJudgeState` with the same margins it is updated with.
 * The verdict `fail` is final: once the evidence reached 1/α the state stays failed. `pass` only means
 * "enough traffic and no evidence of a regression so far"; it can still turn into `fail` later.
 */
import { KanaryError } from '../../common/index.js';
import type { JudgeConfig } from './config.js';
import { errorEvidence, initErrorTest, updateErrorTest } from './error-rate-test.js';
import type { ErrorEvidence, ErrorTestState } from './error-rate-test.js';
import { histogramProblem, histogramTotal, sameBounds } from './latency-histogram.js';
import type { LatencyHistogram } from './latency-histogram.js';
import { initLatencyTest, latencyLogE, updateLatencyTest, updateLatencyTestWithHistograms } from './latency-test.js';
import type { LatencyParams, LatencyTestState } from './latency-test.js';
import { expForReport, logMeanExp } from './log-math.js';

/** What one arm did during one observation interval. */
export interface ArmObservation {
  readonly requests: number;
  readonly errors: number;
  /** Latencies (ms) of some or all of the interval's requests, in arrival order; omit when unknown. */
  readonly latenciesMs?: readonly number[];
  /** Or: the interval's latency histogram (e.g. from Prometheus buckets); both arms must use the same buckets. */
  readonly latencyHistogram?: LatencyHistogram;
}

/** One observation interval: counts are increments over the interval, not running totals. */
export interface JudgeBatch {
  readonly canary: ArmObservation;
  readonly stable: ArmObservation;
}

export type JudgeVerdict = 'pass' | 'fail' | 'continue';

export interface JudgeCounts {
  readonly batches: number;
  readonly canaryRequests: number;
  readonly canaryErrors: number;
  readonly stableRequests: number;
  readonly stableErrors: number;
  readonly canaryLatencySamples: number;
  readonly stableLatencySamples: number;
}

/** The settings a state was built with; updating it with other margins would mix different hypotheses. */
export interface JudgeStateParams {
  readonly relativeMargin: number;
  readonly absoluteMargin: number;
  readonly latency: {
    readonly toleranceMs: number;
    readonly toleranceRelative: number;
    readonly groupSize: number;
  } | null;
}

export interface JudgeState {
  readonly version: 1;
  readonly params: JudgeStateParams;
  readonly counts: JudgeCounts;
  readonly errorTest: ErrorTestState;
  readonly latencyTest: LatencyTestState | null;
  /** Running maximum of log eValue (≥ 0); the always-valid p-value is exp(−maxLogE). */
  readonly maxLogE: number;
  /** Set when the judge failed the canary; never cleared. */
  readonly failed: { readonly atBatch: number; readonly cause: 'errors' | 'latency' } | null;
}

export interface JudgeEstimates {
  readonly canaryErrorRate: number | null;
  readonly stableErrorRate: number | null;
  /** canaryErrorRate / stableErrorRate; null when stable's rate is 0 or unknown. */
  readonly errorRateRatio: number | null;
  readonly latency: {
    readonly canaryMeanMs: number | null;
    readonly stableMeanMs: number | null;
    /** Estimated probability that a canary request is slower than the tolerated stable latency (½ = no difference). */
    readonly slowerShare: number | null;
  } | null;
}

export interface JudgeEvidence {
  /** The evidence the verdict is based on: fail as soon as eValue ≥ 1/α. */
  readonly eValue: number;
  /** 1/α. */
  readonly threshold: number;
  /** min(1, 1 / max over time of eValue): a p-value valid however often it is looked at. */
  readonly pValueAlwaysValid: number;
  readonly errors: { readonly eValue: number; readonly ratioEValue: number; readonly floorEValue: number | null };
  readonly latency: { readonly eValue: number } | null;
  readonly estimates: JudgeEstimates;
  readonly counts: JudgeCounts;
  /** One sentence a person can read: why this verdict. */
  readonly explanation: string;
}

export interface JudgeUpdate {
  readonly state: JudgeState;
  readonly verdict: JudgeVerdict;
  readonly evidence: JudgeEvidence;
}

const ZERO_COUNTS: JudgeCounts = {
  batches: 0,
  canaryRequests: 0,
  canaryErrors: 0,
  stableRequests: 0,
  stableErrors: 0,
  canaryLatencySamples: 0,
  stableLatencySamples: 0,
};

function paramsOf(config: JudgeConfig): JudgeStateParams {
  const l = config.latency;
  return {
    relativeMargin: config.relativeMargin,
    absoluteMargin: config.absoluteMargin,
    latency: l.enabled
      ? { toleranceMs: l.toleranceMs, toleranceRelative: l.toleranceRelative, groupSize: l.groupSize }
      : null,
  };
}

export function initJudgeState(config: JudgeConfig): JudgeState {
  const params = paramsOf(config);
  return {
    version: 1,
    params,
    counts: ZERO_COUNTS,
    errorTest: initErrorTest(params),
    latencyTest: params.latency ? initLatencyTest() : null,
    maxLogE: 0,
    failed: null,
  };
}

function sameParams(a: JudgeStateParams, b: JudgeStateParams): boolean {
  const la = a.latency;
  const lb = b.latency;
  const sameLatency =
    la === null || lb === null
      ? la === lb
      : la.toleranceMs === lb.toleranceMs &&
        la.toleranceRelative === lb.toleranceRelative &&
        la.groupSize === lb.groupSize;
  return a.relativeMargin === b.relativeMargin && a.absoluteMargin === b.absoluteMargin && sameLatency;
}

function checkArm(name: string, arm: ArmObservation): void {
  const bad = (what: string): never => {
    throw new KanaryError(
      'PROVIDER_UNAVAILABLE',
      `judge: the ${name} observation has ${what}; the data source must send per-interval increments ` +
        `(requests ≥ errors ≥ 0, finite latencies ≥ 0)`,
    );
  };
  const { requests, errors } = arm;
  if (!Number.isFinite(requests) || requests < 0) bad(`requests = ${String(requests)}`);
  if (!Number.isFinite(errors) || errors < 0 || errors > requests)
    bad(`errors = ${String(errors)} of ${requests} requests`);
  for (const ms of arm.latenciesMs ?? []) if (!Number.isFinite(ms) || ms < 0) bad(`a latency of ${String(ms)} ms`);
  const problem = arm.latencyHistogram ? histogramProblem(arm.latencyHistogram) : null;
  if (problem !== null) bad(`a latency histogram with ${problem}`);
}

function checkHistograms(batch: JudgeBatch): void {
  const c = batch.canary.latencyHistogram;
  const s = batch.stable.latencyHistogram;
  if ((c === undefined) !== (s === undefined) || (c && s && !sameBounds(c, s))) {
    throw new KanaryError(
      'PROVIDER_UNAVAILABLE',
      'judge: latency histograms must come for both arms with the same bucket bounds; ' +
        'query both arms with the same histogram metric',
    );
  }
}

function latencyCount(arm: ArmObservation): number {
  return (arm.latenciesMs?.length ?? 0) + (arm.latencyHistogram ? histogramTotal(arm.latencyHistogram) : 0);
}

function updateLatency(state: LatencyTestState, batch: JudgeBatch, params: LatencyParams): LatencyTestState {
  const c = batch.canary;
  const s = batch.stable;
  const withSamples = updateLatencyTest(state, c.latenciesMs ?? [], s.latenciesMs ?? [], params);
  return c.latencyHistogram && s.latencyHistogram
    ? updateLatencyTestWithHistograms(withSamples, c.latencyHistogram, s.latencyHistogram, params)
    : withSamples;
}

function addCounts(c: JudgeCounts, b: JudgeBatch): JudgeCounts {
  return {
    batches: c.batches + 1,
    canaryRequests: c.canaryRequests + b.canary.requests,
    canaryErrors: c.canaryErrors + b.canary.errors,
    stableRequests: c.stableRequests + b.stable.requests,
    stableErrors: c.stableErrors + b.stable.errors,
    canaryLatencySamples: c.canaryLatencySamples + latencyCount(b.canary),
    stableLatencySamples: c.stableLatencySamples + latencyCount(b.stable),
  };
}

/** The log e-values of a state: each test's and the decision statistic's (computed once per update). */
interface StateLogs {
  readonly errors: ErrorEvidence;
  readonly latency: number | null;
  /** log of E_errors alone, or of the average of E_errors and E_latency. */
  readonly combined: number;
}

function logsOf(state: JudgeState): StateLogs {
  const errors = errorEvidence(state.errorTest);
  if (!state.latencyTest) return { errors, latency: null, combined: errors.logE };
  const latency = latencyLogE(state.latencyTest);
  return { errors, latency, combined: logMeanExp([errors.logE, latency]) };
}

/**
 * Folds one batch into the state and returns the new state and verdict, without building the evidence
 * (the fast path for simulations; `updateJudge` is this plus `evaluateJudge`).
 */
export function stepJudge(
  state: JudgeState,
  batch: JudgeBatch,
  config: JudgeConfig,
): { state: JudgeState; verdict: JudgeVerdict } {
  if (!sameParams(state.params, paramsOf(config))) {
    throw new KanaryError(
      'INVALID_SPEC',
      `judge: the margins changed during the analysis (state ${JSON.stringify(state.params)}, config ` +
        `${JSON.stringify(paramsOf(config))}); start a new analysis run to use new margins`,
    );
  }
  checkArm('canary', batch.canary);
  checkArm('stable', batch.stable);
  checkHistograms(batch);
  const latencyParams = state.params.latency;
  const next: JudgeState = {
    ...state,
    counts: addCounts(state.counts, batch),
    errorTest: updateErrorTest(state.errorTest, batch, state.params),
    latencyTest: state.latencyTest && latencyParams ? updateLatency(state.latencyTest, batch, latencyParams) : null,
  };
  const logs = logsOf(next);
  const crossed = logs.combined >= Math.log(1 / config.alpha);
  const cause = logs.latency !== null && logs.latency > logs.errors.logE ? 'latency' : 'errors';
  const failed = state.failed ?? (crossed ? { atBatch: next.counts.batches, cause } : null);
  const judged: JudgeState = { ...next, maxLogE: Math.max(state.maxLogE, logs.combined), failed };
  return { state: judged, verdict: verdictOf(judged, config) };
}

function verdictOf(state: JudgeState, config: JudgeConfig): JudgeVerdict {
  if (state.failed) return 'fail';
  const c = state.counts;
  return c.canaryRequests >= config.minRequests.canary && c.stableRequests >= config.minRequests.stable
    ? 'pass'
    : 'continue';
}

/** Folds one batch into the state. Throws KanaryError if the batch is malformed or the margins changed. */
export function updateJudge(state: JudgeState, batch: JudgeBatch, config: JudgeConfig): JudgeUpdate {
  return evaluateJudge(stepJudge(state, batch, config).state, config);
}

/** The verdict and evidence of a state as it stands (no new data). */
export function evaluateJudge(state: JudgeState, config: JudgeConfig): JudgeUpdate {
  const verdict = verdictOf(state, config);
  return { state, verdict, evidence: evidenceOf(state, config, logsOf(state), verdict) };
}

function rate(errors: number, requests: number): number | null {
  return requests > 0 ? errors / requests : null;
}

function estimatesOf(state: JudgeState): JudgeEstimates {
  const c = state.counts;
  const canaryErrorRate = rate(c.canaryErrors, c.canaryRequests);
  const stableErrorRate = rate(c.stableErrors, c.stableRequests);
  const errorRateRatio = canaryErrorRate !== null && stableErrorRate ? canaryErrorRate / stableErrorRate : null;
  const l = state.latencyTest;
  const latency = l
    ? {
        canaryMeanMs: l.canary.summed > 0 ? l.canary.sumMs / l.canary.summed : null,
        stableMeanMs: l.stable.summed > 0 ? l.stable.sumMs / l.stable.summed : null,
        slowerShare: l.groups > 0 ? l.scoreSum / l.groups : null,
      }
    : null;
  return { canaryErrorRate, stableErrorRate, errorRateRatio, latency };
}

function evidenceOf(state: JudgeState, config: JudgeConfig, logs: StateLogs, verdict: JudgeVerdict): JudgeEvidence {
  const errors = logs.errors;
  const estimates = estimatesOf(state);
  const partial = {
    eValue: expForReport(logs.combined),
    threshold: 1 / config.alpha,
    pValueAlwaysValid: Math.min(1, Math.exp(-state.maxLogE)),
    errors: {
      eValue: expForReport(errors.logE),
      ratioEValue: expForReport(errors.logRatio),
      floorEValue: errors.logFloor === null ? null : expForReport(errors.logFloor),
    },
    latency: logs.latency === null ? null : { eValue: expForReport(logs.latency) },
    estimates,
    counts: state.counts,
  };
  return { ...partial, explanation: explain(state, config, verdict, partial) };
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toPrecision(3)}%`);
const num = (x: number): string => (x >= 1e6 || x < 1e-3 ? x.toExponential(2) : x.toPrecision(3));

function explain(
  state: JudgeState,
  config: JudgeConfig,
  verdict: JudgeVerdict,
  e: Omit<JudgeEvidence, 'explanation'>,
): string {
  const c = state.counts;
  const errors =
    `canary errors ${c.canaryErrors}/${c.canaryRequests} (${pct(e.estimates.canaryErrorRate)}) vs stable ` +
    `${c.stableErrors}/${c.stableRequests} (${pct(e.estimates.stableErrorRate)})`;
  const lat = e.estimates.latency;
  const latency =
    lat && lat.canaryMeanMs !== null && lat.stableMeanMs !== null
      ? `; mean latency canary ${lat.canaryMeanMs.toFixed(1)} ms vs stable ${lat.stableMeanMs.toFixed(1)} ms`
      : '';
  const evidence = `evidence ${num(e.eValue)} (fail at ${num(e.threshold)})`;
  switch (verdict) {
    case 'fail': {
      const what = state.failed?.cause === 'latency' ? 'slower' : 'more error-prone';
      return `fail: the canary is ${what} than stable beyond the tolerated margin; ${errors}${latency}; ${evidence}`;
    }
    case 'pass':
      return `pass so far: no evidence that the canary is worse than stable; ${errors}${latency}; ${evidence}`;
    case 'continue':
      if (c.canaryRequests === 0 && c.stableRequests === 0) return `continue: no traffic observed yet; ${evidence}`;
      return (
        `continue: waiting for ${config.minRequests.canary} canary and ${config.minRequests.stable} stable ` +
        `requests; ${errors}${latency}; ${evidence}`
      );
  }
}
