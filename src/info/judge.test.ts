import { describe, expect, it } from 'vitest';
import {
  appendToTrail,
  describeJudgeResult,
  encodeTrail,
  initJudgeState,
  judgeResultOf,
  resolveJudgeConfig,
  trailPointOf,
  updateJudge,
  type EvidenceTrail,
  type JudgeResult,
} from '../analysis/judge/index.js';
import type { AnalysisRun } from '../api/index.js';
import {
  InfoCache,
  judgeChartPoints,
  judgeTrailOf,
  toRolloutInfo,
  type MeasurementInfo,
  type MetricInfo,
} from './index.js';
import { NOW, cluster } from './testdata.js';

const at = (s: number): string => new Date(NOW - s * 1000).toISOString();

/** Results of the real judge over 2 s batches where the canary fails 20% and stable 0%, until it fails. */
function judgeResults(): JudgeResult[] {
  const config = resolveJudgeConfig({ alpha: 0.05 });
  let state = initJudgeState(config);
  const out: JudgeResult[] = [];
  for (let i = 0; i < 40 && out.at(-1)?.verdict !== 'fail'; i++) {
    const update = updateJudge(
      state,
      { canary: { requests: 5, errors: 1 }, stable: { requests: 5, errors: 0 } },
      config,
    );
    state = update.state;
    out.push(judgeResultOf(update));
  }
  return out;
}

function judgeRun(
  values: (string | undefined)[],
  judge: Record<string, unknown> = {},
  args?: { name: string; value?: string }[],
  uid = 'r1',
): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name: 'sample-app-judge-2',
      namespace: 'demo',
      uid,
      creationTimestamp: at(600),
      annotations: { 'rollout.argoproj.io/revision': '2' },
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'sample-app', uid: 'u1' }],
    },
    spec: {
      ...(args === undefined ? {} : { args }),
      metrics: [
        {
          name: 'judge',
          interval: '2s',
          failureCondition: 'result.verdict == "fail"',
          provider: { judge: { canaryService: 'sample-app-canary', stableService: 'sample-app', ...judge } },
        },
        {
          name: 'success-share',
          successCondition: 'result[0] >= 0.99',
          provider: { prometheus: { address: 'http://127.0.0.1:9090', query: 'q' } },
        },
      ],
    },
    status: {
      phase: 'Running',
      metricResults: [
        {
          name: 'judge',
          phase: 'Running',
          measurements: values.map((value, i) => ({
            phase: value === undefined ? ('Error' as const) : ('Successful' as const),
            ...(value === undefined ? { message: 'router unreachable' } : { value }),
            startedAt: at(100 - 2 * i),
            finishedAt: at(100 - 2 * i),
            metadata: { judgeState: '{"big":"state"}' },
          })),
        },
        {
          name: 'success-share',
          phase: 'Successful',
          measurements: [{ phase: 'Successful', value: '[0.995]', startedAt: at(50), finishedAt: at(50) }],
        },
      ],
    },
  };
}

function metricsOf(runs: AnalysisRun[]): MetricInfo[] {
  const c = cluster('Paused');
  const info = toRolloutInfo(c.rollout, c.replicaSets, c.pods, runs, NOW);
  return info.revisions.flatMap((r) => r.analysisRuns.flatMap((run) => run.metrics));
}

describe('judge metrics in the view model', () => {
  const results = judgeResults();

  it('reads every judge measurement back and summarises the latest', () => {
    expect(results.at(-1)?.verdict).toBe('fail');
    expect(results.length).toBeGreaterThan(6);
    const [judge, other] = metricsOf([judgeRun(results.map((r) => JSON.stringify(r)))]);
    expect(judge?.provider).toBe('judge');
    expect(judge?.measurements.map((m) => m.judge?.eValue)).toEqual(results.map((r) => r.eValue));
    expect(judge?.measurements.map((m) => m.number)).toEqual(results.map((r) => r.eValue));
    const last = results.at(-1)!;
    expect(judge?.judge).toEqual({
      alpha: 0.05,
      threshold: 20,
      latest: last,
      summary: describeJudgeResult(last),
      peakEValue: expect.closeTo(last.eValue, 6) as number, // the evidence only grew here
      trail: [], // these measurements carry no trail
    });
    expect(judge?.judge?.summary).toMatch(/^canary error rate 20\.0% vs stable 0\.0% over \d+ vs \d+ requests/);
    expect(other?.provider).toBe('prometheus');
    expect(other?.judge).toBeUndefined();
    expect(other?.measurements[0]?.judge).toBeUndefined();
  });

  it('keeps the latest readable result when the newest measurement is an Error', () => {
    const values = [JSON.stringify(results[0]), JSON.stringify(results[1]), undefined];
    const [judge] = metricsOf([judgeRun(values)]);
    expect(judge?.measurements.map((m) => m.judge === undefined)).toEqual([false, false, true]);
    expect(judge?.judge?.latest).toEqual(results[1]);
  });

  it.each([
    ['no alpha', {}, undefined, 20],
    ['alpha 0.01', { alpha: 0.01 }, undefined, 100],
    ['alpha as a string', { alpha: '0.1' }, undefined, 10],
    ['alpha from args', { alpha: '{{args.alpha}}' }, [{ name: 'alpha', value: '0.02' }], 50],
    ['an unresolved arg', { alpha: '{{args.alpha}}' }, [], 20],
    ['alpha out of range', { alpha: 2 }, undefined, 20],
  ])('before any measurement, %s sets the threshold', (_, judge, args, threshold) => {
    const [metric] = metricsOf([judgeRun([], judge, args)]);
    expect(metric?.judge?.threshold).toBeCloseTo(threshold, 9);
    expect(metric?.judge?.latest).toBeUndefined();
    expect(metric?.judge?.summary).toBeUndefined();
  });

  it('takes the threshold from the result once there is one', () => {
    const [metric] = metricsOf([judgeRun([JSON.stringify(results[0])], { alpha: '{{args.alpha}}' })]);
    expect(metric?.judge?.threshold).toBe(results[0]?.threshold);
  });
});

describe('InfoCache measurement history', () => {
  const results = judgeResults().map((r) => JSON.stringify(r));
  const seed = cluster('Paused');
  const cacheWith = (): InfoCache => {
    const cache = new InfoCache();
    cache.replace('Rollout', [seed.rollout], '1');
    return cache;
  };
  const runAt = (rv: string, values: string[], from: number, uid = 'r1'): AnalysisRun => {
    const run = judgeRun(values, {}, undefined, uid);
    run.metadata.resourceVersion = rv;
    // shift the times so that value i of this list is measurement `from + i` of the whole run
    for (const [i, m] of (run.status?.metricResults?.[0]?.measurements ?? []).entries()) {
      m.startedAt = at(100 - 2 * (from + i));
      m.finishedAt = m.startedAt;
    }
    return run;
  };
  const judgeOf = (cache: InfoCache): MetricInfo | undefined =>
    cache.info('demo', 'sample-app', NOW)?.revisions[0]?.analysisRuns[0]?.metrics[0];

  it('keeps the measurements a run no longer retains, in time order', () => {
    const cache = cacheWith();
    cache.apply({ type: 'ADDED', object: runAt('2', results.slice(0, 3), 0) });
    cache.apply({ type: 'MODIFIED', object: runAt('3', results.slice(2, 4), 2) });
    cache.apply({ type: 'MODIFIED', object: runAt('4', results.slice(4, 6), 4) });
    const metric = judgeOf(cache);
    expect(metric?.measurements.map((m) => m.value)).toEqual(results.slice(0, 6));
    expect(metric?.measurements.every((m) => !('metadata' in m))).toBe(true);
    expect(metric?.judge?.latest).toEqual(JSON.parse(results[5] ?? ''));
  });

  it('forgets a deleted run, and a new run of the same name starts afresh', () => {
    const cache = cacheWith();
    cache.apply({ type: 'ADDED', object: runAt('2', results.slice(0, 3), 0) });
    cache.apply({ type: 'DELETED', object: runAt('3', results.slice(0, 3), 0) });
    cache.apply({ type: 'ADDED', object: runAt('4', results.slice(3, 4), 3, 'r2') });
    expect(judgeOf(cache)?.measurements.map((m) => m.value)).toEqual(results.slice(3, 4));
  });

  it('keeps history across a fresh list of the same runs', () => {
    const cache = cacheWith();
    cache.replace('AnalysisRun', [runAt('2', results.slice(0, 2), 0)], '2');
    cache.replace('AnalysisRun', [runAt('3', results.slice(1, 3), 1)], '3');
    expect(judgeOf(cache)?.measurements.map((m) => m.value)).toEqual(results.slice(0, 3));
  });
});

/** The trail the provider would have written after each of `results`, measured 2 s apart ending `endAgo` s ago. */
function trailsOf(results: readonly JudgeResult[], endAgo = 0): { texts: string[]; trails: EvidenceTrail[] } {
  const texts: string[] = [];
  const trails: EvidenceTrail[] = [];
  let trail: EvidenceTrail = [];
  results.forEach((r, i) => {
    trail = appendToTrail(trail, trailPointOf(r, Date.parse(at(endAgo + 2 * (results.length - 1 - i)))));
    trails.push(trail);
    texts.push(encodeTrail(trail));
  });
  return { texts, trails };
}

describe('the judge evidence trail in the view model', () => {
  const results = judgeResults();
  const n = results.length;

  /** A run that kept its last two measurements of `results`, each with the trail the provider wrote. */
  function lateRun(): AnalysisRun {
    const { texts } = trailsOf(results);
    const run = judgeRun(results.slice(-2).map((r) => JSON.stringify(r)));
    const kept = run.status?.metricResults?.[0]?.measurements ?? [];
    kept.forEach((m, i) => {
      m.startedAt = at(2 * (1 - i));
      m.finishedAt = m.startedAt;
      m.metadata = { judgeState: '{"big":"state"}', judgeTrail: texts[n - 2 + i] ?? '' };
    });
    return run;
  }

  it('a view built from a run that keeps two measurements still has every point of the run', () => {
    const [metric] = metricsOf([lateRun()]);
    expect(metric?.measurements).toHaveLength(2);
    expect(metric?.judge?.trail).toEqual(trailsOf(results).trails.at(-1));
    expect(metric?.judge?.trail).toHaveLength(n);
    const points = judgeChartPoints(metric?.measurements ?? [], metric?.judge?.trail ?? []);
    expect(points).toHaveLength(n);
    expect(points.map((p) => p.at)).toEqual(results.map((_, i) => Date.parse(at(2 * (n - 1 - i)))));
    // the two measurements at hand give their exact values; the older points come from the trail
    expect(points.slice(-2).map((p) => p.eValue)).toEqual(results.slice(-2).map((r) => r.eValue));
    expect(points[0]?.eValue).toBe(Number(results[0]?.eValue.toPrecision(4)));
  });

  it('an InfoCache that sees the run for the first time (a page opened late) charts the whole run', () => {
    const cache = new InfoCache();
    const seed = cluster('Paused');
    cache.replace('Rollout', [seed.rollout], '1');
    cache.replace('AnalysisRun', [lateRun()], '2');
    const metric = cache.info('demo', 'sample-app', NOW)?.revisions[0]?.analysisRuns[0]?.metrics[0];
    expect(judgeChartPoints(metric?.measurements ?? [], metric?.judge?.trail ?? [])).toHaveLength(n);
  });

  it.each<[string, (string | undefined)[], number]>([
    ['the latest measurement’s trail', ['T1', 'T2'], 2],
    ['the trail an Error measurement carried forward', ['T1', 'T2', 'T2'], 2],
    ['the latest trail when a later measurement has none', ['T1', undefined], 1],
    ['nothing when no measurement has one', [undefined, undefined], 0],
  ])('reads %s', (_, which, points) => {
    const { texts } = trailsOf(results.slice(0, 2));
    const stored = which.map((w) => ({
      phase: 'Successful' as const,
      ...(w === undefined ? {} : { metadata: { judgeTrail: w === 'T1' ? (texts[0] ?? '') : (texts[1] ?? '') } }),
    }));
    expect(judgeTrailOf(stored)).toHaveLength(points);
  });

  it('an unreadable trail is no trail', () => {
    expect(judgeTrailOf([{ phase: 'Successful', metadata: { judgeTrail: '{"v":1,"points":[[1]]}' } }])).toEqual([]);
  });

  it('merges trail points and measurements by time, the measurement winning', () => {
    const m = (t: number, eValue: number): MeasurementInfo => {
      const r = results[0];
      if (r === undefined) throw new Error('no result');
      return {
        phase: 'Successful',
        value: undefined,
        number: eValue,
        startedAt: new Date(t - 5).toISOString(),
        finishedAt: new Date(t).toISOString(),
        message: undefined,
        judge: { ...r, eValue, errorsEValue: eValue, latencyEValue: null },
      };
    };
    const noResult: MeasurementInfo = { ...m(3500, 1), judge: undefined, phase: 'Error' };
    const points = judgeChartPoints(
      [m(2000, 20), noResult, m(5000, 50)],
      [
        { at: 1000, eValue: 1 },
        { at: 2000, eValue: 2 },
        { at: 3000, eValue: 3, driver: 'latency' },
      ],
    );
    expect(points).toEqual([
      { at: 1000, eValue: 1, errorsEValue: null, latencyEValue: null },
      { at: 2000, eValue: 20, errorsEValue: 20, latencyEValue: null },
      { at: 3000, eValue: 3, errorsEValue: null, latencyEValue: null },
      { at: 5000, eValue: 50, errorsEValue: 50, latencyEValue: null },
    ]);
  });
});
