import { describe, expect, it } from 'vitest';
import { addToTotals, batchFromTotals } from './totals.js';

const totals = (cr: number, ce: number, sr: number, se: number) => ({
  canary: { requests: cr, errors: ce },
  stable: { requests: sr, errors: se },
});

describe('batchFromTotals', () => {
  it.each([
    ['first reading counts from 0', null, totals(10, 1, 20, 2), totals(10, 1, 20, 2)],
    ['increments between readings', totals(10, 1, 20, 2), totals(15, 4, 30, 2), totals(5, 3, 10, 0)],
    ['a counter reset restarts from 0', totals(100, 10, 20, 2), totals(7, 1, 30, 2), totals(7, 1, 10, 0)],
    ['errors read ahead of requests are clamped', totals(10, 1, 20, 2), totals(11, 4, 20, 2), totals(1, 1, 0, 0)],
  ])('%s', (_name, previous, current, expected) => {
    expect(batchFromTotals(previous, current)).toEqual(expected);
  });
});

describe('addToTotals', () => {
  it('accumulates batches into totals that batchFromTotals turns back into the same batches', () => {
    const batches = [totals(3, 1, 5, 0), totals(0, 0, 2, 2), totals(7, 7, 0, 0)];
    let running: ReturnType<typeof addToTotals> | null = null;
    for (const b of batches) {
      const next = addToTotals(running, b);
      expect(batchFromTotals(running, next)).toEqual(b);
      running = next;
    }
    expect(running).toEqual(totals(10, 8, 7, 2));
  });
});
