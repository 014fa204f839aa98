/**
 * Simulation tests of the judge's guarantees on seeded traffic: false aborts stay within α when canary and
 * stable are identical (A/A, at the boundary of H0, where the test is hardest), and real regressions are caught.
 * Figures are printed so a reader can see them; the assertions are statistical bounds, not timings.
 */
import { describe, expect, it } from 'vitest';
import { resolveJudgeConfig } from './config.js';
import type { JudgeConfig, JudgeConfigInput } from './config.js';
import { initJudgeState, stepJudge } from './judge.js';
import { mulberry32 } from './prng.js';
import type { JudgeBatch } from './judge.js';
import { mergeBatches, simulateTraffic, withHistograms } from './simulate.js';
import type { ArmBehaviour, TrafficScenario, WeightStep } from './simulate.js';

interface Outcome {
  readonly detected: boolean;
  /** Simulated seconds until the fail verdict (or the horizon). */
  readonly seconds: number;
  readonly canaryRequests: number;
  readonly canaryErrors: number;
}

/** How the judge sees the traffic: per second with raw samples, or per scrape interval with histograms. */
interface Observation {
  readonly intervalSeconds: number;
  readonly bucketsMs?: readonly number[];
}
const PER_SECOND: Observation = { intervalSeconds: 1 };

function* observe(scenario: TrafficScenario, horizon: number, seed: number, how: Observation) {
  let pending: JudgeBatch[] = [];
  for (const s of simulateTraffic(scenario, horizon, mulberry32(seed))) {
    pending.push(s.batch);
    if (pending.length < how.intervalSeconds) continue;
    const merged = pending.length === 1 ? s.batch : mergeBatches(pending);
    pending = [];
    yield { seconds: s.second + 1, batch: how.bucketsMs ? withHistograms(merged, how.bucketsMs) : merged };
  }
}

function runOnce(
  scenario: TrafficScenario,
  config: JudgeConfig,
  horizon: number,
  seed: number,
  how: Observation,
): Outcome {
  let state = initJudgeState(config);
  for (const { seconds, batch } of observe(scenario, horizon, seed, how)) {
    const step = stepJudge(state, batch, config);
    state = step.state;
    if (step.verdict === 'fail') {
      const c = state.counts;
      return { detected: true, seconds, canaryRequests: c.canaryRequests, canaryErrors: c.canaryErrors };
    }
  }
  const c = state.counts;
  return { detected: false, seconds: horizon, canaryRequests: c.canaryRequests, canaryErrors: c.canaryErrors };
}

interface Plan {
  /** Simulated seconds per run. */
  readonly horizon: number;
  readonly runs: number;
  /** Seeds are seedBase·1,000,003 + run index. */
  readonly seedBase: number;
  readonly how?: Observation;
}

function runMany(scenario: TrafficScenario, input: JudgeConfigInput, plan: Plan): Outcome[] {
  const config = resolveJudgeConfig(input);
  const how = plan.how ?? PER_SECOND;
  return Array.from({ length: plan.runs }, (_, i) =>
    runOnce(scenario, config, plan.horizon, plan.seedBase * 1_000_003 + i, how),
  );
}

/** Upper end of the 95% Wilson score interval for a binomial proportion k/n. */
function wilsonUpper(k: number, n: number, z = 1.96): number {
  const p = k / n;
  const centre = p + (z * z) / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return (centre + spread) / (1 + (z * z) / n);
}

function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function report(name: string, outcomes: readonly Outcome[]): { rate: number } {
  const hits = outcomes.filter((o) => o.detected);
  const rate = hits.length / outcomes.length;
  const fig = (pick: (o: Outcome) => number, q: number): number => quantile(hits.map(pick), q);
  console.log(
    `${name}: detected ${hits.length}/${outcomes.length}; median ${fig((o) => o.seconds, 0.5)} s ` +
      `(p95 ${fig((o) => o.seconds, 0.95)} s), median ${fig((o) => o.canaryRequests, 0.5)} canary requests, ` +
      `median ${fig((o) => o.canaryErrors, 0.5)} failed canary requests served`,
  );
  return { rate };
}

const ALPHA = 0.05;
const RPS = 20;
const HALF: WeightStep[] = [{ fromSecond: 0, weight: 50 }];
const STEPS_25_50_75: WeightStep[] = [
  { fromSecond: 0, weight: 25 },
  { fromSecond: 100, weight: 50 },
  { fromSecond: 200, weight: 75 },
];
const LATENCY = { kind: 'lognormal', medianMs: 50, sigma: 0.5 } as const;
/** Cheaper to draw than the lognormal (one uniform per request): used by the 1,000-run A/A latency checks. */
const SKEWED_LATENCY = { kind: 'exponential', meanMs: 30, shiftMs: 20 } as const;
const STEPS_25_50_75_FAST: WeightStep[] = [
  { fromSecond: 0, weight: 25 },
  { fromSecond: 60, weight: 50 },
  { fromSecond: 120, weight: 75 },
];
const scenario = (weights: WeightStep[], canary: ArmBehaviour, stable: ArmBehaviour): TrafficScenario => ({
  rps: RPS,
  weights,
  canary,
  stable,
});
/** The boundary of H0 (no margin at all): identical versions are exactly at the edge of "tolerated". */
const BOUNDARY: JudgeConfigInput = { alpha: ALPHA, relativeMargin: 0, absoluteMargin: 0, latency: { enabled: false } };

describe('A/A: false aborts stay within α (upper 95% bound over 1,000 runs)', () => {
  it.each([
    ['errors 5% vs 5%, weight 50%', HALF],
    ['errors 5% vs 5%, weights 25 → 50 → 75%', STEPS_25_50_75],
  ])('%s, no margin', (name, weights) => {
    const outcomes = runMany(scenario(weights, { errorRate: 0.05 }, { errorRate: 0.05 }), BOUNDARY, {
      horizon: 300,
      runs: 1000,
      seedBase: 11,
    });
    const aborts = outcomes.filter((o) => o.detected).length;
    console.log(`A/A ${name}: ${aborts}/1000 false aborts, upper bound ${wilsonUpper(aborts, 1000).toFixed(4)}`);
    expect(wilsonUpper(aborts, 1000)).toBeLessThanOrEqual(ALPHA);
  });

  it('latency: identical distributions, no tolerance', () => {
    const arm = { errorRate: 0, latency: SKEWED_LATENCY };
    const config = { alpha: ALPHA, latency: { toleranceMs: 0, toleranceRelative: 0 } };
    const outcomes = runMany(scenario(HALF, arm, arm), config, { horizon: 120, runs: 1000, seedBase: 12 });
    const aborts = outcomes.filter((o) => o.detected).length;
    console.log(`A/A latency: ${aborts}/1000 false aborts, upper bound ${wilsonUpper(aborts, 1000).toFixed(4)}`);
    expect(wilsonUpper(aborts, 1000)).toBeLessThanOrEqual(ALPHA);
  });
});

/** Prometheus client defaults (0.005 s … 10 s), in ms. */
const PROMETHEUS_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
const SCRAPE_15S: Observation = { intervalSeconds: 15, bucketsMs: PROMETHEUS_BUCKETS_MS };

describe('latency from Prometheus-style histograms every 15 s', () => {
  it('A/A: false aborts stay within α over 1,000 runs (no tolerance)', () => {
    const arm = { errorRate: 0, latency: SKEWED_LATENCY };
    const config = { alpha: ALPHA, latency: { toleranceMs: 0, toleranceRelative: 0 } };
    const outcomes = runMany(scenario(HALF, arm, arm), config, {
      horizon: 150,
      runs: 1000,
      seedBase: 14,
      how: SCRAPE_15S,
    });
    const aborts = outcomes.filter((o) => o.detected).length;
    console.log(
      `A/A latency histograms: ${aborts}/1000 false aborts, upper bound ${wilsonUpper(aborts, 1000).toFixed(4)}`,
    );
    expect(wilsonUpper(aborts, 1000)).toBeLessThanOrEqual(ALPHA);
  });

  it('detects latency +100 ms', () => {
    const traffic = scenario(
      HALF,
      { errorRate: 0, latency: { ...LATENCY, shiftMs: 100 } },
      { errorRate: 0, latency: LATENCY },
    );
    const outcomes = runMany(traffic, { alpha: ALPHA }, { horizon: 600, runs: 100, seedBase: 24, how: SCRAPE_15S });
    expect(report('latency +100 ms, histograms every 15 s', outcomes).rate).toBeGreaterThanOrEqual(0.99);
  });
});

describe('A/A with the default settings (0.5% errors, identical latencies)', () => {
  it('practically never aborts', () => {
    const arm = { errorRate: 0.005, latency: SKEWED_LATENCY };
    const outcomes = runMany(
      scenario(STEPS_25_50_75_FAST, arm, arm),
      { alpha: ALPHA },
      { horizon: 180, runs: 1000, seedBase: 13 },
    );
    const aborts = outcomes.filter((o) => o.detected).length;
    console.log(
      `A/A default settings: ${aborts}/1000 false aborts, upper bound ${wilsonUpper(aborts, 1000).toFixed(4)}`,
    );
    expect(wilsonUpper(aborts, 1000)).toBeLessThanOrEqual(ALPHA);
  });
});

describe('power: regressions are caught (20 rps; default settings unless stated)', () => {
  it.each([
    {
      name: '50% vs 0% errors (the seed demo case), weight 50%',
      weights: HALF,
      rates: [0.5, 0],
      horizon: 60,
      runs: 200,
      minRate: 0.99,
    },
    {
      name: '5% vs 0.5% errors, weight 50%',
      weights: HALF,
      rates: [0.05, 0.005],
      horizon: 900,
      runs: 200,
      minRate: 0.95,
    },
    {
      name: '1% vs 0.1% errors, weight 50%',
      weights: HALF,
      rates: [0.01, 0.001],
      horizon: 1800,
      runs: 100,
      minRate: 0.9,
    },
    {
      name: '5% vs 0.5% errors, weights 25 → 50 → 75%',
      weights: STEPS_25_50_75,
      rates: [0.05, 0.005],
      horizon: 900,
      runs: 200,
      minRate: 0.95,
    },
  ])('$name', ({ name, weights, rates, horizon, runs, minRate }) => {
    const [canaryRate = 0, stableRate = 0] = rates;
    const traffic = scenario(weights, { errorRate: canaryRate }, { errorRate: stableRate });
    const outcomes = runMany(traffic, { alpha: ALPHA }, { horizon, runs, seedBase: 21 });
    expect(report(name, outcomes).rate).toBeGreaterThanOrEqual(minRate);
  });

  it('latency +100 ms, weight 50%', () => {
    const outcomes = runMany(
      scenario(HALF, { errorRate: 0, latency: { ...LATENCY, shiftMs: 100 } }, { errorRate: 0, latency: LATENCY }),
      { alpha: ALPHA },
      { horizon: 60, runs: 200, seedBase: 22 },
    );
    expect(report('latency +100 ms', outcomes).rate).toBeGreaterThanOrEqual(0.99);
  });

  it('does not abort a canary that is better than stable', () => {
    const outcomes = runMany(
      scenario(HALF, { errorRate: 0.005 }, { errorRate: 0.05 }),
      { alpha: ALPHA },
      { horizon: 300, runs: 200, seedBase: 23 },
    );
    expect(outcomes.filter((o) => o.detected)).toHaveLength(0);
  });
});
