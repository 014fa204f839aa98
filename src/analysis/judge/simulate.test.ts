import { describe, expect, it } from 'vitest';
import { mulberry32, sampleBinomial, samplePoisson } from './prng.js';
import { mergeBatches, simulateTraffic, weightAt, withHistograms } from './simulate.js';
import type { TrafficScenario } from './simulate.js';

function meanAndVariance(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

describe('mulberry32', () => {
  it('is reproducible for a seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it('draws uniforms in [0, 1)', () => {
    const random = mulberry32(7);
    const xs = Array.from({ length: 20_000 }, () => random());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(meanAndVariance(xs).mean).toBeCloseTo(0.5, 2);
  });
});

describe('samplers', () => {
  it.each([3, 20, 75])('Poisson(%f) has mean and variance λ', (lambda) => {
    const random = mulberry32(lambda);
    const { mean, variance } = meanAndVariance(Array.from({ length: 20_000 }, () => samplePoisson(random, lambda)));
    expect(Math.abs(mean - lambda)).toBeLessThan(0.05 * lambda);
    expect(Math.abs(variance - lambda)).toBeLessThan(0.1 * lambda);
  });

  it.each([
    [20, 0.1],
    [20, 0.7],
    [1000, 0.005],
  ])('Binomial(%i, %f) has mean np and variance np(1-p)', (n, p) => {
    const random = mulberry32(n);
    const { mean, variance } = meanAndVariance(Array.from({ length: 20_000 }, () => sampleBinomial(random, n, p)));
    expect(Math.abs(mean - n * p)).toBeLessThan(0.05 * n * p);
    expect(Math.abs(variance - n * p * (1 - p))).toBeLessThan(0.1 * n * p * (1 - p));
  });

  it.each([
    [10, 0, 0],
    [10, 1, 10],
    [0, 0.5, 0],
  ])('Binomial(%i, %f) is exactly %i', (n, p, expected) => {
    expect(sampleBinomial(mulberry32(1), n, p)).toBe(expected);
  });
});

describe('simulateTraffic', () => {
  const scenario: TrafficScenario = {
    rps: 40,
    weights: [
      { fromSecond: 0, weight: 25 },
      { fromSecond: 100, weight: 75 },
    ],
    canary: { errorRate: 0.2, latency: { kind: 'constant', ms: 12 } },
    stable: { errorRate: 0.01 },
  };

  it('follows the weight schedule', () => {
    expect([0, 99, 100, 500].map((s) => weightAt(scenario, s))).toEqual([25, 25, 75, 75]);
    expect(weightAt({ ...scenario, weights: [{ fromSecond: 10, weight: 50 }] }, 5)).toBe(0);
  });

  it('is reproducible for a seed', () => {
    const a = [...simulateTraffic(scenario, 20, mulberry32(9))];
    const b = [...simulateTraffic(scenario, 20, mulberry32(9))];
    expect(a).toEqual(b);
  });

  it('splits requests by weight and fails them at each arm’s rate', () => {
    const seconds = [...simulateTraffic(scenario, 200, mulberry32(3))];
    const sum = (from: number, to: number, pick: (s: (typeof seconds)[number]) => number): number =>
      seconds.slice(from, to).reduce((acc, s) => acc + pick(s), 0);
    const share = (from: number, to: number): number =>
      sum(from, to, (s) => s.batch.canary.requests) /
      sum(from, to, (s) => s.batch.canary.requests + s.batch.stable.requests);
    expect(share(0, 100)).toBeCloseTo(0.25, 1);
    expect(share(100, 200)).toBeCloseTo(0.75, 1);
    expect(sum(0, 200, (s) => s.batch.canary.errors) / sum(0, 200, (s) => s.batch.canary.requests)).toBeCloseTo(0.2, 1);
    expect(sum(0, 200, (s) => s.batch.stable.errors) / sum(0, 200, (s) => s.batch.stable.requests)).toBeCloseTo(
      0.01,
      2,
    );
    expect(sum(0, 200, (s) => s.batch.canary.requests + s.batch.stable.requests) / 200).toBeCloseTo(40, -1);
  });

  it('draws one latency per request for arms with a latency distribution only', () => {
    for (const s of simulateTraffic(scenario, 10, mulberry32(5))) {
      expect(s.batch.canary.latenciesMs).toEqual(Array.from({ length: s.batch.canary.requests }, () => 12));
      expect(s.batch.stable.latenciesMs).toBeUndefined();
    }
  });
});

describe('mergeBatches and withHistograms', () => {
  const a = { canary: { requests: 2, errors: 1, latenciesMs: [5, 50] }, stable: { requests: 1, errors: 0 } };
  const b = { canary: { requests: 1, errors: 0, latenciesMs: [500] }, stable: { requests: 3, errors: 2 } };

  it('adds counts and concatenates samples in order', () => {
    expect(mergeBatches([a, b])).toEqual({
      canary: { requests: 3, errors: 1, latenciesMs: [5, 50, 500] },
      stable: { requests: 4, errors: 2 },
    });
  });

  it('replaces samples with histograms over the given buckets', () => {
    expect(withHistograms(mergeBatches([a, b]), [10, 100])).toEqual({
      canary: { requests: 3, errors: 1, latencyHistogram: { upperBoundsMs: [10, 100], counts: [1, 1, 1], sumMs: 555 } },
      stable: { requests: 4, errors: 2, latencyHistogram: { upperBoundsMs: [10, 100], counts: [0, 0, 0], sumMs: 0 } },
    });
  });
});
