import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDuration, parseDuration, tryParseDuration } from './duration.js';
import { KanaryError } from '../common/index.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['1m', 60_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2h45m10s', 9_910_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['.5s', 500],
    ['1us', 0.001],
    ['1000ns', 0.001],
    ['-1m', -60_000],
    ['0', 0],
    ['0s', 0],
  ])('Go duration %s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['', '30', 'abc', '1 m', '1d', 'm', '1h-5m', '--1s'])('rejects %j as a Go duration', (text) => {
    expect(tryParseDuration(text)).toBeUndefined();
    expect(() => parseDuration(text)).toThrow(KanaryError);
  });

  it.each([
    [10, 10_000],
    ['10', 10_000],
    ['-3', -3_000],
    ['30s', 30_000],
    ['5m', 300_000],
  ] as const)('with bareNumberIsSeconds %j is %d ms', (value, ms) => {
    expect(parseDuration(value, { bareNumberIsSeconds: true })).toBe(ms);
  });

  it('rejects a bare number where Argo wants a Go duration', () => {
    expect(tryParseDuration(10)).toBeUndefined();
  });

  it('names the value and the expected form in its error', () => {
    expect(() => parseDuration('soon', { bareNumberIsSeconds: true })).toThrow(/"soon".*seconds/);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1500, '1.5s'],
    [30_000, '30s'],
    [60_000, '1m'],
    [5_400_000, '1h30m'],
    [3_661_000, '1h1m1s'],
    [-60_000, '-1m'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('parses back to the same milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 24 * 3_600_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBeCloseTo(ms, 6);
      }),
    );
  });
});
