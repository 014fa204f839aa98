import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['40s', 40_000],
    ['1m30s', 90_000],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
    ['1h1m1s1ms', 3_661_001],
    [' 20s ', 20_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, '--duration')).toBe(ms);
  });

  it.each(['', '40', 's', '10x', '1m 30s', '-5s', '5s5'])('refuses %j naming the flag', (text) => {
    expect(() => parseDuration(text, '--duration')).toThrow(/--duration ".*" is not a duration/);
  });
});

describe('formatDuration (k6 style)', () => {
  it.each([
    [0, '0s'],
    [0.0005, '500ns'],
    [0.51234, '512.34µs'],
    [1.0712, '1.07ms'],
    [1, '1ms'],
    [999.994, '999.99ms'],
    [2_500, '2.5s'],
    [60_000, '1m0s'],
    [90_400, '1m30s'],
    [3_723_000, '1h2m3s'],
  ])('%d ms prints %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
