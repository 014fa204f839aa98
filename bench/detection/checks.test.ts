import { describe, expect, it } from 'vitest';
import { checksOf } from './checks.js';
import type { Summary } from './simulate.js';
import { wilson } from './stats.js';

/** A summary row with only what the checks read filled in from counts. */
function row(scenario: string, contender: string, aborted: number, runs: number, failed = 0): Summary {
  return {
    scenario,
    contender,
    runs,
    horizonSeconds: 600,
    aborted,
    abortRate: aborted / runs,
    abortRateWilson95: wilson(aborted, runs),
    medianSecondsToAbort: null,
    p95SecondsToAbort: null,
    medianFailedServed: failed,
    p95FailedServed: failed,
    measurementsPerRun: 0,
  };
}

/** Rows for every contender: aborts on 1% vs 0.1% and on the 1% A/A control, plus fixed other rows. */
function rows(abortsAt1vs01: Record<string, number>, abortsAtAa1: Record<string, number>): Summary[] {
  return ['seed', 'judge-2s', 'judge-1s'].flatMap((c) => [
    row('errors-50', c, 200, 200, c === 'seed' ? 300 : 10),
    row('a-a', c, c === 'seed' ? 640 : 5, 1000),
    row('errors-1-vs-0.1', c, abortsAt1vs01[c] ?? 0, 200),
    row('a-a-1', c, abortsAtAa1[c] ?? 0, 1000),
  ]);
}

describe('detection checks', () => {
  it.each([
    [
      'the seed aborts both alike, the judge only the worse canary: the seed misses it',
      { seed: 200, 'judge-2s': 200, 'judge-1s': 199 },
      { seed: 995, 'judge-2s': 10, 'judge-1s': 12 },
      true,
    ],
    [
      'the seed never aborts either: it misses it as well',
      { seed: 0, 'judge-2s': 200, 'judge-1s': 200 },
      { seed: 0, 'judge-2s': 10, 'judge-1s': 12 },
      true,
    ],
    [
      'the seed separates them: the clause does not hold',
      { seed: 200, 'judge-2s': 200, 'judge-1s': 200 },
      { seed: 100, 'judge-2s': 10, 'judge-1s': 12 },
      false,
    ],
    [
      'the judge aborts the control as often: it does not detect the difference either',
      { seed: 200, 'judge-2s': 200, 'judge-1s': 200 },
      { seed: 960, 'judge-2s': 990, 'judge-1s': 12 },
      false,
    ],
  ])('%s', (_name, worse, same, ok) => {
    expect(checksOf(rows(worse, same)).seedMisses1vs01.ok).toBe(ok);
  });

  it('false aborts count against α at the upper bound of both A/A scenarios', () => {
    const fine = checksOf(rows({}, { seed: 900, 'judge-2s': 10, 'judge-1s': 10 }));
    expect(fine.aaWithinAlpha.ok).toBe(true);
    // 40/1000 = 4% is below α, but its upper 95% bound (5.4%) is not.
    const tooMany = checksOf(rows({}, { seed: 900, 'judge-2s': 40, 'judge-1s': 10 }));
    expect(tooMany.aaWithinAlpha.judge2sUpperAt1).toBeGreaterThan(0.05);
    expect(tooMany.aaWithinAlpha.ok).toBe(false);
  });

  it('the seed case needs at least 10× fewer failed requests from both judges', () => {
    const c = checksOf(rows({}, {}));
    expect(c.seedCaseFailedRatio).toMatchObject({ seed: 300, judge2s: 10, judge1s: 10, ok: true });
  });
});
