import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Trend } from './trend.js';

function trendOf(values: readonly number[]): Trend {
  const t = new Trend();
  for (const v of values) t.add(v);
  return t;
}

describe('Trend', () => {
  it('is all zeros when empty', () => {
    const t = new Trend();
    expect([t.count, t.avg, t.min, t.med, t.max, t.percentile(95)]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it.each([
    [[5], 50, 5],
    [[1, 2, 3, 4], 50, 2.5],
    [[4, 3, 2, 1], 50, 2.5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9.1],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 9.55],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 1],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 100, 10],
    [[10, 20], 25, 12.5],
  ])('%j p(%d) = %d (linear between nearest ranks, as k6)', (values, pct, expected) => {
    expect(trendOf(values).percentile(pct)).toBeCloseTo(expected, 10);
  });

  it('reports avg, min, med and max', () => {
    const t = trendOf([3, 1, 4, 1, 5, 9, 2, 6]);
    expect([t.count, t.avg, t.min, t.med, t.max]).toEqual([8, 31 / 8, 1, 3.5, 9]);
  });

  it('keeps every value across growth and interleaved reads (property against a sorted copy)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 2_000 }),
        fc.integer({ min: 0, max: 100 }),
        (values, pct) => {
          const t = new Trend();
          values.forEach((v, i) => {
            t.add(v);
            if (i % 97 === 0) t.percentile(50); // reading sorts; later adds must still be seen
          });
          const sorted = [...values].sort((a, b) => a - b);
          const rank = (pct / 100) * (sorted.length - 1);
          const lo = sorted[Math.floor(rank)]!;
          const hi = sorted[Math.ceil(rank)]!;
          expect(t.percentile(pct)).toBeCloseTo(lo + (hi - lo) * (rank - Math.floor(rank)), 6);
          expect(t.min).toBe(sorted[0]);
          expect(t.max).toBe(sorted.at(-1));
        },
      ),
    );
  });
});
