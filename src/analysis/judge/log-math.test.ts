import { describe, expect, it } from 'vitest';
import { MAX_REPORTED_LOG, expForReport, linspace, logMeanExp, logSumExp, xlogy } from './log-math.js';

describe('log-space helpers', () => {
  it.each([
    [[0, 0], Math.log(2)],
    [[Math.log(1), Math.log(2), Math.log(3)], Math.log(6)],
    [[1000, 1000], 1000 + Math.log(2)],
    [[-1000, -Infinity], -1000],
    [[], -Infinity],
  ])('logSumExp(%j) = %f without overflow', (xs, expected) => {
    expect(logSumExp(xs)).toBeCloseTo(expected, 12);
  });

  it('logMeanExp is the log of the average', () => {
    expect(logMeanExp([Math.log(1), Math.log(3)])).toBeCloseTo(Math.log(2), 12);
    expect(logMeanExp([])).toBe(0);
  });

  it('linspace includes both ends', () => {
    expect(linspace(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(3, 9, 1)).toEqual([3]);
  });

  it('expForReport stays finite and JSON-serialisable', () => {
    expect(expForReport(0)).toBe(1);
    expect(Number.isFinite(expForReport(1e6))).toBe(true);
    expect(expForReport(1e6)).toBe(Math.exp(MAX_REPORTED_LOG));
    expect(JSON.parse(JSON.stringify({ e: expForReport(1e6) }))).toEqual({ e: Math.exp(MAX_REPORTED_LOG) });
  });

  it('xlogy treats 0·log(0) as 0', () => {
    expect(xlogy(0, 0)).toBe(0);
    expect(xlogy(2, Math.E)).toBeCloseTo(2, 12);
  });
});
