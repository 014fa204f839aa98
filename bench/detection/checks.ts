import type { Summary } from './simulate.js';

/** The pass/fail checks, computed from the benchmark's summary rows. */

/** The judge's default false-abort bound, which the recommended metric uses. */
export const ALPHA = 0.05;

export interface Checks {
  readonly seedCaseFailedRatio: { seed: number; judge2s: number; judge1s: number; ok: boolean };
  /** Upper 95% bounds of the judge's false-abort rate on both A/A scenarios (0.5% and 1% errors). */
  readonly aaWithinAlpha: {
    judge2sUpper: number;
    judge1sUpper: number;
    judge2sUpperAt1: number;
    judge1sUpperAt1: number;
    alpha: number;
    ok: boolean;
  };
  readonly detects1vs01: { judge2s: number; judge1s: number; ok: boolean };
  /**
   * Whether each contender tells "1% vs 0.1%" from its control "1% vs 1%": the abort rate on the first minus the
   * abort rate on the second (1 = perfect, 0 = blind to the difference). The seed misses the difference when its
   * two rates cannot be told apart (95% intervals overlap) while the judge separates them.
   */
  readonly seedMisses1vs01: {
    seed: Discrimination;
    judge2s: Discrimination;
    judge1s: Discrimination;
    ok: boolean;
  };
}

export interface Discrimination {
  /** Abort rate on 1% vs 0.1%, with its 95% interval. */
  readonly worse: { rate: number; low: number; high: number };
  /** Abort rate on 1% vs 1% (identical versions), with its 95% interval. */
  readonly same: { rate: number; low: number; high: number };
  readonly difference: number;
  /** True when the intervals are disjoint: the contender's aborts depend on stable's error rate. */
  readonly separates: boolean;
}

export function checksOf(rows: readonly Summary[]): Checks {
  const get = (scenario: string, contender: string): Summary => {
    const row = rows.find((r) => r.scenario === scenario && r.contender === contender);
    if (row === undefined) throw new Error(`no result for ${scenario}/${contender}`);
    return row;
  };
  const discrimination = (contender: string): Discrimination => {
    const worse = get('errors-1-vs-0.1', contender);
    const same = get('a-a-1', contender);
    const w = { rate: worse.abortRate, ...worse.abortRateWilson95 };
    const s = { rate: same.abortRate, ...same.abortRateWilson95 };
    return { worse: w, same: s, difference: w.rate - s.rate, separates: w.low > s.high || s.low > w.high };
  };
  const seedFailed = get('errors-50', 'seed').medianFailedServed;
  const j2 = get('errors-50', 'judge-2s').medianFailedServed;
  const j1 = get('errors-50', 'judge-1s').medianFailedServed;
  const aa2 = get('a-a', 'judge-2s').abortRateWilson95.high;
  const aa1 = get('a-a', 'judge-1s').abortRateWilson95.high;
  const aa2at1 = get('a-a-1', 'judge-2s').abortRateWilson95.high;
  const aa1at1 = get('a-a-1', 'judge-1s').abortRateWilson95.high;
  const d2 = get('errors-1-vs-0.1', 'judge-2s').abortRate;
  const d1 = get('errors-1-vs-0.1', 'judge-1s').abortRate;
  const seed = discrimination('seed');
  const judge2s = discrimination('judge-2s');
  const judge1s = discrimination('judge-1s');
  return {
    seedCaseFailedRatio: {
      seed: seedFailed,
      judge2s: j2,
      judge1s: j1,
      ok: j2 * 10 <= seedFailed && j1 * 10 <= seedFailed,
    },
    aaWithinAlpha: {
      judge2sUpper: aa2,
      judge1sUpper: aa1,
      judge2sUpperAt1: aa2at1,
      judge1sUpperAt1: aa1at1,
      alpha: ALPHA,
      ok: Math.max(aa2, aa1, aa2at1, aa1at1) <= ALPHA,
    },
    detects1vs01: { judge2s: d2, judge1s: d1, ok: d2 >= 0.9 && d1 >= 0.9 },
    seedMisses1vs01: {
      seed,
      judge2s,
      judge1s,
      ok: !seed.separates && judge2s.separates && judge1s.separates,
    },
  };
}
