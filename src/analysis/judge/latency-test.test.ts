import { describe, expect, it } from 'vitest';
import {
  BET_FRACTIONS,
  groupSlices,
  initLatencyTest,
  latencyLogE,
  slowerScore,
  updateLatencyTest,
} from './latency-test.js';

const strict = { toleranceMs: 0, toleranceRelative: 0, groupSize: 5 };

describe('slowerScore (Mann–Whitney share of slower canary pairs)', () => {
  it.each([
    ['one tie, one win, one loss', [1, 2, 3], [2], strict, 0.5],
    ['all canary slower', [10, 20], [1, 2, 3], strict, 1],
    ['all canary faster', [1, 2], [10, 20], strict, 0],
    ['all ties', [5, 5], [5, 5, 5], strict, 0.5],
    // t(S) = S + 10 = 60: 55 < 60, 65 > 60, 60 = 60.
    ['absolute tolerance', [55, 65, 60], [50], { ...strict, toleranceMs: 10 }, 0.5],
    // t(S) = 1.5·S: 100 → 150; 149 < 150, 151 > 150.
    ['relative tolerance', [149, 151], [100], { ...strict, toleranceRelative: 0.5 }, 0.5],
    ['an empty arm', [], [1, 2], strict, 0.5],
  ])('%s', (_name, canary, stable, params, expected) => {
    expect(slowerScore(canary, stable, params)).toBeCloseTo(expected, 12);
  });

  it('has mean exactly ½ when both arms come from the same distribution (exhaustive, with ties)', () => {
    // Two canary and two stable samples, each uniform on {1, 2, 3}: enumerate all 81 outcomes.
    const values = [1, 2, 3];
    let sum = 0;
    let count = 0;
    for (const c1 of values)
      for (const c2 of values)
        for (const s1 of values)
          for (const s2 of values) {
            sum += slowerScore([c1, c2], [s1, s2], strict);
            count += 1;
          }
    expect(sum / count).toBeCloseTo(0.5, 12);
  });
});

describe('groupSlices', () => {
  it.each([
    [
      10,
      10,
      5,
      [
        [
          [0, 5],
          [0, 5],
        ],
        [
          [5, 10],
          [5, 10],
        ],
      ],
    ],
    [
      3,
      100,
      5,
      [
        [
          [0, 3],
          [0, 100],
        ],
      ],
    ],
    [
      10,
      15,
      5,
      [
        [
          [0, 5],
          [0, 7],
        ],
        [
          [5, 10],
          [7, 15],
        ],
      ],
    ],
    [0, 10, 5, []],
  ])('cuts %i canary and %i stable samples (group size %i) into aligned slices', (nc, ns, size, expected) => {
    expect(groupSlices(nc, ns, size).map((g) => [g.canary, g.stable])).toEqual(expected);
  });
});

describe('latency e-process', () => {
  it('stays at E = 1 without samples', () => {
    const state = updateLatencyTest(initLatencyTest(), [], [], strict);
    expect(latencyLogE(state)).toBe(0);
    expect(state.groups).toBe(0);
  });

  it('multiplies every bet by 1 + λ/2 for a group where the canary is always slower', () => {
    const state = updateLatencyTest(initLatencyTest(), [10, 11, 12, 13, 14], [1, 2, 3, 4, 5], strict);
    const expected = BET_FRACTIONS.reduce((s, l) => s + (1 + l / 2), 0) / BET_FRACTIONS.length;
    expect(Math.exp(latencyLogE(state))).toBeCloseTo(expected, 12);
    expect(state.groups).toBe(1);
    expect(state.scoreSum).toBe(1);
    expect(state.canary).toEqual({ count: 5, sumMs: 60, summed: 5 });
  });

  it('loses wealth when the canary is faster (one-sided: faster is never a regression)', () => {
    const state = updateLatencyTest(initLatencyTest(), [1, 2, 3, 4, 5], [10, 11, 12, 13, 14], strict);
    expect(latencyLogE(state)).toBeLessThan(0);
  });

  it('keeps every bet factor positive, even at the extreme score', () => {
    for (const l of BET_FRACTIONS) {
      expect(l).toBeGreaterThan(0);
      expect(l).toBeLessThan(2);
    }
  });
});
