import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RATIO_MULTIPLIERS,
  errorEvidence,
  floorAlternatives,
  floorBatchLogLR,
  initErrorTest,
  ratioBatchLogLR,
  updateErrorTest,
} from './error-rate-test.js';
import type { ErrorBatch } from './error-rate-test.js';

const batch = (nc: number, xc: number, ns: number, xs: number): ErrorBatch => ({
  canary: { requests: nc, errors: xc },
  stable: { requests: ns, errors: xs },
});

function binomialPmf(n: number, p: number): number[] {
  const pmf: number[] = [];
  let choose = 1;
  for (let k = 0; k <= n; k++) {
    pmf.push(choose * p ** k * (1 - p) ** (n - k));
    choose = (choose * (n - k)) / (k + 1);
  }
  return pmf;
}

/** Exact E[exp(logLR(batch))] when each arm's errors are Binomial(requests, rate). */
function exactExpectation(nc: number, qc: number, ns: number, qs: number, logLR: (b: ErrorBatch) => number): number {
  const pc = binomialPmf(nc, qc);
  const ps = binomialPmf(ns, qs);
  let sum = 0;
  pc.forEach((wc, xc) => ps.forEach((ws, xs) => (sum += wc * ws * Math.exp(logLR(batch(nc, xc, ns, xs))))));
  return sum;
}

describe('ratio test: per-batch likelihood ratio', () => {
  it('matches the hand-computed binomial ratio (r0 = 1, r = 2, 3 of 4 errors in the canary, equal traffic)', () => {
    // π(2) = 2/3, π(1) = 1/2: (4/3)^3 · (2/3)^1 = 128/81.
    expect(Math.exp(ratioBatchLogLR(batch(10, 3, 10, 1), 1, 2))).toBeCloseTo(128 / 81, 12);
  });

  it('uses request counts, so a canary with a quarter of the traffic is judged against π0 = 1/4', () => {
    // n_c = 5, n_s = 15, r0 = 1: π0 = 1/4; r = 3: π = 15/30 = 1/2. One canary error: (1/2)/(1/4) = 2.
    expect(Math.exp(ratioBatchLogLR(batch(5, 1, 15, 0), 1, 3))).toBeCloseTo(2, 12);
    // One stable error: (1/2)/(3/4) = 2/3.
    expect(Math.exp(ratioBatchLogLR(batch(5, 0, 15, 1), 1, 3))).toBeCloseTo(2 / 3, 12);
  });

  it.each([
    ['no traffic', batch(0, 0, 0, 0)],
    ['no errors', batch(10, 0, 10, 0)],
    ['stable without traffic', batch(10, 4, 0, 0)],
    ['canary without traffic', batch(0, 0, 10, 3)],
  ])('carries no evidence with %s', (_name, b) => {
    for (const c of RATIO_MULTIPLIERS) expect(ratioBatchLogLR(b, 1.2, c)).toBe(0);
  });

  it('depends on traffic only through the split, so proportional batches add up exactly', () => {
    const counts = fc.record({
      nc: fc.integer({ min: 1, max: 50 }),
      ns: fc.integer({ min: 1, max: 50 }),
      scale: fc.integer({ min: 1, max: 5 }),
      xc1: fc.nat(20),
      xs1: fc.nat(20),
      xc2: fc.nat(20),
      xs2: fc.nat(20),
    });
    fc.assert(
      fc.property(counts, ({ nc, ns, scale, xc1, xs1, xc2, xs2 }) => {
        const whole = ratioBatchLogLR(batch(nc * (1 + scale), xc1 + xc2, ns * (1 + scale), xs1 + xs2), 1.2, 3);
        const parts =
          ratioBatchLogLR(batch(nc, xc1, ns, xs1), 1.2, 3) +
          ratioBatchLogLR(batch(nc * scale, xc2, ns * scale, xs2), 1.2, 3);
        expect(whole).toBeCloseTo(parts, 9);
      }),
    );
  });

  // The heart of validity: under H0 (q_c ≤ r0·q_s) every alternative's batch factor has expectation ≤ 1, for
  // Bernoulli errors too (not only in the Poisson limit), whatever stable's error rate and the traffic split.
  it.each([
    [10, 10, 0.05, 1, 1],
    [5, 15, 0.3, 1.2, 1.2],
    [20, 3, 0.2, 1.5, 1.5],
    [12, 12, 0.4, 1.2, 1],
    [8, 30, 0.01, 2, 0.5],
    [15, 15, 0.6, 1.5, 1.5],
  ])('has expectation ≤ 1 under H0 (n_c=%i, n_s=%i, q_s=%f, r0=%f, true ratio %f)', (nc, ns, qs, r0, ratio) => {
    for (const c of RATIO_MULTIPLIERS) {
      const e = exactExpectation(nc, Math.min(1, ratio * qs), ns, qs, (b) => ratioBatchLogLR(b, r0, c));
      expect(e).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  it('has expectation > 1 under an alternative (canary 3× worse than tolerated), so it gains evidence', () => {
    const e = exactExpectation(10, 0.3, 10, 0.1, (b) => ratioBatchLogLR(b, 1, 3));
    expect(e).toBeGreaterThan(1.2);
  });
});

describe('floor test: per-batch likelihood ratio', () => {
  it('matches the hand-computed Bernoulli ratio', () => {
    // a = 0.01, q = 0.1, 1 error in 10 requests: 10 · (0.9/0.99)^9.
    expect(Math.exp(floorBatchLogLR(batch(10, 1, 0, 0), 0.01, 0.1))).toBeCloseTo(10 * (0.9 / 0.99) ** 9, 10);
  });

  it('places every alternative strictly between a and 1', () => {
    for (const a of [1e-6, 0.001, 0.2, 0.9]) {
      for (const q of floorAlternatives(a)) {
        expect(q).toBeGreaterThan(a);
        expect(q).toBeLessThan(1);
      }
    }
  });

  it.each([
    [20, 0.001, 0.001],
    [20, 0.001, 0.0005],
    [50, 0.05, 0.05],
    [50, 0.05, 0],
  ])('has expectation ≤ 1 when the canary rate is within the allowance (n=%i, a=%f, q_c=%f)', (n, a, qc) => {
    for (const q of floorAlternatives(a)) {
      expect(exactExpectation(n, qc, 0, 0, (b) => floorBatchLogLR(b, a, q))).toBeLessThanOrEqual(1 + 1e-9);
    }
  });
});

describe('error evidence', () => {
  const params = { relativeMargin: 0.2, absoluteMargin: 0.001 };

  it('starts at E = 1 and stays there without traffic', () => {
    let state = initErrorTest(params);
    for (let i = 0; i < 100; i++) state = updateErrorTest(state, batch(0, 0, 0, 0), params);
    expect(errorEvidence(state)).toEqual({ logRatio: 0, logFloor: 0, logE: 0 });
  });

  it('lets a canary with errors fail against a stable with none', () => {
    let state = initErrorTest(params);
    for (let i = 0; i < 5; i++) state = updateErrorTest(state, batch(10, 5, 10, 0), params);
    // 25 canary errors, none in stable: far beyond 1/0.05.
    expect(errorEvidence(state).logE).toBeGreaterThan(Math.log(1000));
  });

  it('does not make a single canary error damning when stable has none', () => {
    let state = initErrorTest(params);
    state = updateErrorTest(state, batch(10, 1, 10, 0), params);
    for (let i = 0; i < 100; i++) state = updateErrorTest(state, batch(10, 0, 10, 0), params);
    const e = Math.exp(errorEvidence(state).logE);
    // The ratio test can at most multiply by 1/π0 = (1.2·10 + 10)/(1.2·10) per canary error.
    expect(e).toBeLessThanOrEqual(22 / 12);
    expect(e).toBeLessThan(20);
  });

  it('needs both tests: a canary below the absolute allowance never fails even with a zero-error stable', () => {
    let state = initErrorTest(params);
    // 1 error per 10,000 canary requests (0.01% < 0.1% allowance), none in stable.
    for (let i = 0; i < 20; i++) state = updateErrorTest(state, batch(10_000, 1, 10_000, 0), params);
    const evidence = errorEvidence(state);
    expect(evidence.logRatio).toBeGreaterThan(Math.log(20));
    expect(evidence.logE).toBeLessThan(0);
  });

  it('disables the floor test when the absolute allowance is 0', () => {
    const state = initErrorTest({ relativeMargin: 0, absoluteMargin: 0 });
    expect(state.floorLogLR).toEqual([]);
    expect(
      errorEvidence(updateErrorTest(state, batch(10, 3, 10, 0), { relativeMargin: 0, absoluteMargin: 0 })).logFloor,
    ).toBeNull();
  });
});

describe('updateErrorTest', () => {
  it('accumulates exactly the per-batch log likelihood ratios of every alternative', () => {
    const params = { relativeMargin: 0.2, absoluteMargin: 0.01 };
    const rows = [batch(10, 2, 30, 1), batch(5, 0, 40, 3), batch(0, 0, 10, 1), batch(25, 7, 3, 0)];
    let state = initErrorTest(params);
    for (const b of rows) state = updateErrorTest(state, b, params);
    RATIO_MULTIPLIERS.forEach((c, j) => {
      const expected = rows.reduce((s, b) => s + ratioBatchLogLR(b, 1.2, c), 0);
      expect(state.ratioLogLR[j]).toBeCloseTo(expected, 9);
    });
    floorAlternatives(0.01).forEach((q, j) => {
      const expected = rows.reduce((s, b) => s + floorBatchLogLR(b, 0.01, q), 0);
      expect(state.floorLogLR[j]).toBeCloseTo(expected, 9);
    });
  });
});
