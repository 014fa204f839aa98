import { describe, expect, it } from 'vitest';
import { bucketOf, histogramOf, histogramProblem, histogramSlowerScore } from './latency-histogram.js';
import type { LatencyHistogram } from './latency-histogram.js';
import { HOEFFDING_EFFECTS, initLatencyTest, latencyLogE, updateLatencyTestWithHistograms } from './latency-test.js';

const BOUNDS = [10, 20, 30];
const hist = (counts: number[]): LatencyHistogram => ({ upperBoundsMs: BOUNDS, counts });
const strict = { toleranceMs: 0, toleranceRelative: 0 };

describe('buckets', () => {
  it.each([
    [0, 0],
    [10, 0],
    [10.5, 1],
    [30, 2],
    [31, 3],
  ])('puts %f ms in bucket %i (Prometheus "le" semantics)', (v, expected) => {
    expect(bucketOf(BOUNDS, v)).toBe(expected);
  });

  it('builds a histogram with its sum', () => {
    expect(histogramOf([5, 10, 15, 99], BOUNDS)).toEqual({ upperBoundsMs: BOUNDS, counts: [2, 1, 0, 1], sumMs: 129 });
  });

  it.each([
    ['wrong number of counts', { upperBoundsMs: BOUNDS, counts: [1, 2, 3] }, /3 bucket counts for 3 bounds/],
    ['unsorted bounds', { upperBoundsMs: [10, 5], counts: [0, 0, 0] }, /strictly increasing/],
    ['negative count', { upperBoundsMs: BOUNDS, counts: [0, -1, 0, 0] }, /negative/],
  ])('reports %s', (_name, h, message) => {
    expect(histogramProblem(h)).toMatch(message);
  });

  it('accepts a well-formed histogram', () => {
    expect(histogramProblem(hist([1, 2, 3, 4]))).toBeNull();
  });
});

describe('histogramSlowerScore', () => {
  it.each([
    ['canary two buckets above', [0, 0, 2, 0], [1, 0, 0, 0], strict, 1],
    ['same bucket', [0, 3, 0, 0], [0, 2, 0, 0], strict, 0.5],
    ['canary below', [1, 0, 0, 0], [0, 0, 1, 0], strict, 0],
    // Stable ≤ 10 ms tolerated up to 10 + 15 = 25 ms, i.e. bucket (20, 30]: the canary there ties.
    ['absolute tolerance moves the comparison bucket', [0, 0, 2, 0], [1, 0, 0, 0], { ...strict, toleranceMs: 15 }, 0.5],
    ['both in the overflow bucket', [0, 0, 0, 1], [0, 0, 0, 1], strict, 0.5],
    ['mixed', [1, 1, 0, 0], [1, 1, 0, 0], strict, 0.5],
    ['empty canary', [0, 0, 0, 0], [1, 0, 0, 0], strict, 0.5],
  ])('%s', (_name, c, s, params, expected) => {
    expect(histogramSlowerScore(hist(c), hist(s), params)).toBeCloseTo(expected, 12);
  });

  // Validity: the exact mean of the score over independent single draws is ≤ ½ whenever the canary is within
  // the tolerance, and exactly ½ for identical distributions without tolerance.
  const stableValues = [3, 8, 12, 18, 25, 40];
  const meanScore = (shift: number, params: { toleranceMs: number; toleranceRelative: number }): number => {
    let sum = 0;
    for (const s of stableValues) {
      for (const sPrime of stableValues) {
        sum += histogramSlowerScore(histogramOf([sPrime + shift], BOUNDS), histogramOf([s], BOUNDS), params);
      }
    }
    return sum / stableValues.length ** 2;
  };

  it.each([
    [0, 0, 0.5],
    [5, 5, null],
    [5, 7, null],
    [0, 4, null],
  ])('has mean ≤ ½ for a canary %f ms slower with %f ms tolerated', (shift, tolerance, exact) => {
    const mean = meanScore(shift, { toleranceMs: tolerance, toleranceRelative: 0 });
    if (exact === null) expect(mean).toBeLessThanOrEqual(0.5 + 1e-12);
    else expect(mean).toBeCloseTo(exact, 12);
  });

  it('has mean > ½ for a canary slower than tolerated (so it can gain evidence)', () => {
    expect(meanScore(15, { toleranceMs: 0, toleranceRelative: 0 })).toBeGreaterThan(0.6);
  });
});

describe('updateLatencyTestWithHistograms', () => {
  const params = { ...strict, groupSize: 5 };

  it('has expectation ≤ 1 per interval for identical latency distributions (exhaustive, 2 vs 2 draws)', () => {
    const values = [3, 8, 12, 18, 25, 40];
    const pairs = values.flatMap((a) => values.map((b) => [a, b]));
    const states = pairs.flatMap((c) =>
      pairs.map((s) =>
        updateLatencyTestWithHistograms(initLatencyTest(), histogramOf(c, BOUNDS), histogramOf(s, BOUNDS), params),
      ),
    );
    for (const j of HOEFFDING_EFFECTS.keys()) {
      const mean = states.reduce((sum, st) => sum + Math.exp(st.logWealth[j]!), 0) / states.length;
      expect(mean).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('scores the interval through Hoeffding’s bound: exp(4k·d·(Z − ½) − 2k·d²) per effect size d', () => {
    // Z = 1, k = min(4, 3) = 3.
    const state = updateLatencyTestWithHistograms(initLatencyTest(), hist([0, 0, 4, 0]), hist([3, 0, 0, 0]), params);
    const expected = HOEFFDING_EFFECTS.reduce((s, d) => s + Math.exp(4 * 3 * d * 0.5 - 2 * 3 * d * d), 0) / 12;
    expect(Math.exp(latencyLogE(state))).toBeCloseTo(expected, 12);
    expect(state.groups).toBe(1);
    expect(state.canary).toEqual({ count: 4, sumMs: 0, summed: 0 });
  });

  it('uses the histogram sum for the mean when present, and skips empty intervals', () => {
    let state = updateLatencyTestWithHistograms(
      initLatencyTest(),
      { ...hist([1, 1, 0, 0]), sumMs: 20 },
      hist([0, 0, 0, 0]),
      params,
    );
    state = updateLatencyTestWithHistograms(state, hist([0, 0, 0, 0]), hist([0, 0, 0, 0]), params);
    expect(state.groups).toBe(0);
    expect(latencyLogE(state)).toBe(0);
    expect(state.canary).toEqual({ count: 2, sumMs: 20, summed: 2 });
  });
});
