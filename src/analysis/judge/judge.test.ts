import { describe, expect, it } from 'vitest';
import { KanaryError } from '../../common/index.js';
import { DEFAULT_JUDGE_CONFIG, resolveJudgeConfig } from './config.js';
import { evaluateJudge, initJudgeState, stepJudge, updateJudge } from './judge.js';
import type { JudgeBatch, JudgeState, JudgeUpdate } from './judge.js';

const batch = (nc: number, xc: number, ns: number, xs: number, lat?: [number[], number[]]): JudgeBatch => ({
  canary: { requests: nc, errors: xc, ...(lat ? { latenciesMs: lat[0] } : {}) },
  stable: { requests: ns, errors: xs, ...(lat ? { latenciesMs: lat[1] } : {}) },
});

function feed(batches: readonly JudgeBatch[], config = resolveJudgeConfig()): JudgeUpdate[] {
  let state = initJudgeState(config);
  return batches.map((b) => {
    const u = updateJudge(state, b, config);
    state = u.state;
    return u;
  });
}

const last = <T>(xs: readonly T[]): T => xs[xs.length - 1]!;

describe('updateJudge: explicit cases', () => {
  it('without traffic keeps E = 1, p = 1 and says continue', () => {
    const u = last(feed(Array.from({ length: 50 }, () => batch(0, 0, 0, 0))));
    expect(u.verdict).toBe('continue');
    expect(u.evidence.eValue).toBe(1);
    expect(u.evidence.pValueAlwaysValid).toBe(1);
    expect(u.evidence.estimates.canaryErrorRate).toBeNull();
    expect(u.evidence.counts.batches).toBe(50);
    expect(u.evidence.explanation).toMatch(/no traffic/);
  });

  it('fails a canary that serves errors against a stable with none', () => {
    const updates = feed(Array.from({ length: 20 }, () => batch(10, 5, 10, 0)));
    const firstFail = updates.findIndex((u) => u.verdict === 'fail');
    expect(firstFail).toBeGreaterThanOrEqual(0);
    expect(firstFail).toBeLessThan(5);
    const u = updates[firstFail]!;
    expect(u.evidence.eValue).toBeGreaterThanOrEqual(u.evidence.threshold);
    expect(u.evidence.estimates.stableErrorRate).toBe(0);
    expect(u.evidence.estimates.errorRateRatio).toBeNull();
    expect(u.state.failed).toEqual({ atBatch: firstFail + 1, cause: 'errors' });
    expect(u.evidence.explanation).toMatch(/^fail: the canary is more error-prone/);
  });

  it('does not fail on a single canary error when stable has none', () => {
    const u = last(feed([batch(10, 1, 10, 0), ...Array.from({ length: 30 }, () => batch(10, 0, 10, 0))]));
    expect(u.verdict).toBe('pass');
    expect(u.evidence.eValue).toBeLessThan(2);
  });

  it('says continue until both arms reached the minimum requests, then pass', () => {
    const config = resolveJudgeConfig({ minRequests: { canary: 30, stable: 50 } });
    const verdicts = feed(
      Array.from({ length: 6 }, () => batch(10, 0, 10, 0)),
      config,
    ).map((u) => u.verdict);
    expect(verdicts).toEqual(['continue', 'continue', 'continue', 'continue', 'pass', 'pass']);
  });

  it('keeps fail once reached, even if the canary then behaves', () => {
    const bad = Array.from({ length: 10 }, () => batch(10, 8, 10, 0));
    const good = Array.from({ length: 200 }, () => batch(10, 0, 10, 1));
    const updates = feed([...bad, ...good]);
    expect(last(updates).verdict).toBe('fail');
    expect(last(updates).evidence.eValue).toBeLessThan(last(updates).evidence.threshold);
  });

  it('reports p = min(1, 1/max E) and never lets it increase', () => {
    const rows = [
      batch(10, 2, 10, 0),
      batch(10, 0, 10, 2),
      batch(10, 3, 10, 0),
      batch(10, 0, 10, 5),
      batch(10, 1, 10, 1),
    ];
    const updates = feed(rows, resolveJudgeConfig({ latency: { enabled: false } }));
    let maxE = 1;
    let previousP = 1;
    for (const u of updates) {
      maxE = Math.max(maxE, u.evidence.eValue);
      expect(u.evidence.pValueAlwaysValid).toBeCloseTo(Math.min(1, 1 / maxE), 12);
      expect(u.evidence.pValueAlwaysValid).toBeLessThanOrEqual(previousP);
      previousP = u.evidence.pValueAlwaysValid;
    }
  });

  it('averages the error and latency e-values when latency is on', () => {
    const lat: [number[], number[]] = [
      [100, 110, 120, 130, 140],
      [10, 11, 12, 13, 14],
    ];
    const u = last(feed([batch(5, 0, 5, 0, lat)]));
    expect(u.evidence.latency).not.toBeNull();
    expect(u.evidence.eValue).toBeCloseTo((u.evidence.errors.eValue + u.evidence.latency!.eValue) / 2, 12);
    expect(u.evidence.estimates.latency).toEqual({ canaryMeanMs: 120, stableMeanMs: 12, slowerShare: 1 });
  });

  it('fails a clearly slower canary on latency alone', () => {
    const lat: [number[], number[]] = [
      [200, 210, 220, 230, 240, 250, 260, 270, 280, 290],
      [50, 51, 52, 53, 54, 55, 56, 57, 58, 59],
    ];
    const updates = feed(Array.from({ length: 30 }, () => batch(10, 0, 10, 0, lat)));
    const u = updates.find((x) => x.verdict === 'fail');
    expect(u?.state.failed?.cause).toBe('latency');
    expect(u?.evidence.explanation).toMatch(/slower/);
  });

  it('reads latency histograms (one bet per interval) and counts their requests', () => {
    const h = (counts: number[]) => ({ upperBoundsMs: [50, 100, 250], counts });
    const b: JudgeBatch = {
      canary: { requests: 10, errors: 0, latencyHistogram: h([0, 0, 10, 0]) },
      stable: { requests: 10, errors: 0, latencyHistogram: h([10, 0, 0, 0]) },
    };
    const updates = feed(Array.from({ length: 30 }, () => b));
    expect(last(updates).evidence.counts.canaryLatencySamples).toBe(300);
    expect(last(updates).evidence.estimates.latency?.slowerShare).toBe(1);
    expect(last(updates).evidence.estimates.latency?.canaryMeanMs).toBeNull();
    expect(updates.find((u) => u.verdict === 'fail')?.state.failed?.cause).toBe('latency');
  });

  it.each([
    ['only one arm has a histogram', { upperBoundsMs: [50], counts: [1, 0] }, undefined],
    [
      'the arms use different buckets',
      { upperBoundsMs: [50], counts: [1, 0] },
      { upperBoundsMs: [60], counts: [1, 0] },
    ],
  ])('rejects latency histograms when %s', (_name, canaryHistogram, stableHistogram) => {
    const config = resolveJudgeConfig();
    const b: JudgeBatch = {
      canary: { requests: 1, errors: 0, latencyHistogram: canaryHistogram },
      stable: { requests: 1, errors: 0, ...(stableHistogram ? { latencyHistogram: stableHistogram } : {}) },
    };
    expect(() => updateJudge(initJudgeState(config), b, config)).toThrow(/same bucket bounds/);
  });

  it('ignores latency when disabled', () => {
    const config = resolveJudgeConfig({ latency: { enabled: false } });
    const u = last(
      feed(
        [
          batch(5, 0, 5, 0, [
            [900, 900],
            [1, 1],
          ]),
        ],
        config,
      ),
    );
    expect(u.evidence.latency).toBeNull();
    expect(u.evidence.estimates.latency).toBeNull();
    expect(u.evidence.eValue).toBe(u.evidence.errors.eValue);
  });
});

describe('updateJudge: state', () => {
  it('is plain JSON: a round-tripped state continues exactly like the original', () => {
    const config = resolveJudgeConfig();
    const rows = [
      batch(10, 1, 12, 0, [
        [40, 50],
        [45, 47, 52],
      ]),
      batch(9, 2, 11, 1),
      batch(0, 0, 0, 0),
    ];
    let original: JudgeState = initJudgeState(config);
    let roundTripped: JudgeState = JSON.parse(JSON.stringify(original)) as JudgeState;
    for (const b of rows) {
      original = updateJudge(original, b, config).state;
      roundTripped = JSON.parse(JSON.stringify(updateJudge(roundTripped, b, config).state)) as JudgeState;
    }
    expect(roundTripped).toEqual(original);
    expect(evaluateJudge(roundTripped, config)).toEqual(evaluateJudge(original, config));
  });

  it('stepJudge gives the same state and verdict as updateJudge', () => {
    const config = resolveJudgeConfig();
    const state = initJudgeState(config);
    const b = batch(10, 4, 10, 0);
    const full = updateJudge(state, b, config);
    expect(stepJudge(state, b, config)).toEqual({ state: full.state, verdict: full.verdict });
  });

  it('refuses to continue with different margins', () => {
    const state = initJudgeState(resolveJudgeConfig());
    const other = resolveJudgeConfig({ relativeMargin: 0.5 });
    expect(() => updateJudge(state, batch(1, 0, 1, 0), other)).toThrow(/margins changed/);
  });

  it('accepts a different alpha on the same state (it only moves the threshold)', () => {
    const state = initJudgeState(resolveJudgeConfig());
    const u = updateJudge(state, batch(10, 0, 10, 0), resolveJudgeConfig({ alpha: 0.01 }));
    expect(u.evidence.threshold).toBeCloseTo(100, 9);
  });

  it.each([
    ['more errors than requests', batch(3, 4, 3, 0)],
    ['negative requests', batch(-1, 0, 3, 0)],
    ['a non-finite count', batch(Number.NaN, 0, 3, 0)],
    ['a negative latency', batch(1, 0, 1, 0, [[-5], [1]])],
  ])('rejects a batch with %s', (_name, b) => {
    const config = resolveJudgeConfig();
    let thrown: unknown;
    try {
      updateJudge(initJudgeState(config), b, config);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(KanaryError);
    expect((thrown as KanaryError).code).toBe('PROVIDER_UNAVAILABLE');
  });
});

describe('resolveJudgeConfig', () => {
  it('fills the documented defaults', () => {
    expect(resolveJudgeConfig()).toEqual(DEFAULT_JUDGE_CONFIG);
    expect(DEFAULT_JUDGE_CONFIG).toMatchObject({ alpha: 0.05, relativeMargin: 0.2, absoluteMargin: 0.001 });
  });

  it('merges partial nested settings', () => {
    const c = resolveJudgeConfig({ minRequests: { canary: 5 }, latency: { toleranceMs: 50 } });
    expect(c.minRequests).toEqual({ canary: 5, stable: DEFAULT_JUDGE_CONFIG.minRequests.stable });
    expect(c.latency).toEqual({ ...DEFAULT_JUDGE_CONFIG.latency, toleranceMs: 50 });
  });

  it.each([
    ['alpha', { alpha: 0 }],
    ['alpha', { alpha: 1.5 }],
    ['relativeMargin', { relativeMargin: -0.1 }],
    ['absoluteMargin', { absoluteMargin: 1 }],
    ['minRequests.canary', { minRequests: { canary: Number.NaN } }],
    ['latency.toleranceMs', { latency: { toleranceMs: -1 } }],
    ['latency.groupSize', { latency: { groupSize: 2.5 } }],
  ])('rejects a bad %s', (field, input) => {
    expect(() => resolveJudgeConfig(input)).toThrow(new RegExp(`field "${field.replace('.', '\\.')}"`));
  });
});
