import { describe, expect, it } from 'vitest';
import { driveRun } from './drive.js';
import { extrapolatedRate, seedSuccessShare } from './promql.js';
import { CONTENDERS, scenarios } from './scenarios.js';
import { simulateRuns, summarise } from './simulate.js';
import { quantile, wilson } from './stats.js';
import { TrafficWorld } from './world.js';

describe("Prometheus' rate() emulation", () => {
  it.each([
    [
      'edges within 1.1 spacings: extrapolated to both edges',
      [
        [10, 100],
        [40, 130],
      ],
      1,
    ],
    [
      'start capped where the counter was 0',
      [
        [10, 3],
        [40, 33],
      ],
      53 / 60,
    ],
    [
      'far edges: half a spacing each',
      [
        [25, 100],
        [30, 110],
      ],
      20 / 60,
    ],
  ])('%s', (_name, points, rate) => {
    const samples = points.map(([t, v]) => ({ t: (t ?? 0) * 1000, v: v ?? 0 }));
    expect(extrapolatedRate(samples, 60_000, 60_000)).toBeCloseTo(rate, 9);
  });

  it('needs two samples inside (t − range, t]', () => {
    expect(
      extrapolatedRate(
        [
          { t: 0, v: 1 },
          { t: 30_000, v: 2 },
        ],
        60_000,
        60_000,
      ),
    ).toBeUndefined();
  });

  it("the seed's query is empty while the canary has served only errors (no success series yet)", () => {
    const onlyErrors = [
      { atMs: 10_000, success: undefined, failure: 50 },
      { atMs: 40_000, success: undefined, failure: 200 },
    ];
    expect(seedSuccessShare(onlyErrors, 60_000)).toEqual([]);
    const both = [
      { atMs: 10_000, success: 100, failure: 10 },
      { atMs: 40_000, success: 190, failure: 20 },
    ];
    expect(seedSuccessShare(both, 60_000)[0]).toBeCloseTo(0.9, 1);
  });
});

describe('statistics', () => {
  it('Wilson interval of 20/1000', () => {
    const { low, high } = wilson(20, 1000);
    expect(low).toBeCloseTo(0.013, 3);
    expect(high).toBeCloseTo(0.0307, 3);
  });
  it('nearest-rank quantiles with Infinity for "never"', () => {
    expect(quantile([3, 1, 2, Infinity], 0.5)).toBe(2);
    expect(quantile([3, 1, 2, Infinity], 0.95)).toBe(Infinity);
  });
});

describe('driving the real analysis engine', () => {
  const list = scenarios(0.05);
  const [seed, judge2s] = CONTENDERS;
  const only = list.find((s) => s.id === 'errors-only');
  if (seed === undefined || judge2s === undefined || only === undefined) throw new Error('fixtures moved');

  it('a canary serving only errors: the judge aborts within seconds, the seed never does', async () => {
    const range = { scenario: only, scenarioIndex: 4, baseSeed: 7, from: 0, to: 3 };
    const bySeed = summarise(only, seed, await simulateRuns({ ...range, contender: seed }));
    const byJudge = summarise(only, judge2s, await simulateRuns({ ...range, contender: judge2s }));
    expect(bySeed.aborted).toBe(0);
    expect(byJudge.aborted).toBe(3);
    expect(byJudge.medianSecondsToAbort).toBeLessThanOrEqual(10);
  });

  it('counts the failed canary requests served until the abort', async () => {
    const world = new TrafficWorld({
      scenario: {
        rps: 20,
        weights: [{ fromSecond: 0, weight: 50 }],
        canary: { errorRate: 0.5 },
        stable: { errorRate: 0 },
      },
      seed: 3,
      scrapeIntervalMs: 30_000,
      scrapeOffsetMs: 5_000,
    });
    const outcome = await driveRun(seed.metric, world, 600_000);
    expect(outcome.abortedAtMs).toBeGreaterThanOrEqual(60_000);
    expect(outcome.failedServed).toBe(world.canary.errors);
    expect(outcome.failedServed).toBeGreaterThan(100);
  });
});
