import { describe, expect, it } from 'vitest';
import { SETTLE_MS, SplitTally, withinBinomialBound } from './split.js';

describe('SplitTally', () => {
  it('counts only whole seconds at a settled weight, per weight in the order first seen', () => {
    const t = new SplitTally();
    const steady = { changedMsBeforeStart: SETTLE_MS + 1 };
    expect(t.add({ ...steady, weightAtStart: 25, weightAtEnd: 25, stable: 30, canary: 10 })).toBe(true);
    expect(t.add({ ...steady, weightAtStart: 25, weightAtEnd: 50, stable: 20, canary: 20 })).toBe(false);
    expect(t.add({ changedMsBeforeStart: -200, weightAtStart: 50, weightAtEnd: 50, stable: 20, canary: 20 })).toBe(
      false,
    );
    expect(t.add({ ...steady, weightAtStart: 50, weightAtEnd: 50, stable: 19, canary: 21 })).toBe(true);
    expect(t.add({ ...steady, weightAtStart: 25, weightAtEnd: 25, stable: 29, canary: 11 })).toBe(true);
    expect(t.splits()).toEqual([
      { weight: 25, stable: 59, canary: 21 },
      { weight: 50, stable: 19, canary: 21 },
    ]);
  });
});

describe('withinBinomialBound', () => {
  it.each([
    ['the expected share', { weight: 25, stable: 75, canary: 25 }, true],
    ['a plausible deviation', { weight: 50, stable: 60, canary: 40 }, true],
    ['the previous step weight', { weight: 50, stable: 300, canary: 100 }, false],
    ['no data', { weight: 50, stable: 0, canary: 0 }, false],
    ['any canary request at weight 0 beyond one', { weight: 0, stable: 100, canary: 2 }, false],
  ])('%s', (_name, split, ok) => {
    expect(withinBinomialBound(split).ok).toBe(ok);
  });

  it('narrows with more requests', () => {
    const small = withinBinomialBound({ weight: 50, stable: 50, canary: 50 }).bound;
    const large = withinBinomialBound({ weight: 50, stable: 5000, canary: 5000 }).bound;
    expect(large).toBeLessThan(small / 5);
  });
});
