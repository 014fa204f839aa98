import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisRun, Measurement, Metric } from '../../api/index.js';
import { decodeTrail, encodeTrail, parseJudgeResult, trailPointOf, type JudgeResult } from '../judge/index.js';
import { prometheusAvailability, startPrometheus, type RunningPrometheus } from '../../../test/harness/prometheus.js';
import { providerContract } from './contract.js';
import { JUDGE_STATE_KEY, JUDGE_TRAIL_KEY, JudgeProvider, type JudgeReader } from './judge.js';
import { startRoutedPair, type RoutedPair } from './kanary-testing.js';
import { closedPort } from './test-server.js';

let clock = Date.parse('2026-05-06T07:08:09.000Z');
const ctx = { now: () => clock };

function judgeMetric(judge: Record<string, unknown>, fields: Partial<Metric> = {}): Metric {
  return {
    name: 'judge',
    failureCondition: 'result.verdict == "fail"',
    ...fields,
    provider: { judge: { canaryService: 'sample-app-canary', stableService: 'sample-app', ...judge } },
  };
}

function emptyRun(): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'r', namespace: 'default' },
    spec: { metrics: [] },
  };
}

/** The run as the engine leaves it after a measurement: the measurement appended to the metric's result. */
function withMeasurement(run: AnalysisRun, name: string, m: Measurement): AnalysisRun {
  const results = run.status?.metricResults ?? [];
  const old = results.find((r) => r.name === name);
  const others = results.filter((r) => r.name !== name);
  const measurements = [...(old?.measurements ?? []), m];
  return { ...run, status: { ...run.status, metricResults: [...others, { name, phase: 'Running', measurements }] } };
}

/** Measures, books the measurement into the run, and returns both plus the parsed result. */
async function measure(provider: JudgeProvider, run: AnalysisRun, metric: Metric) {
  clock += 2000;
  const m = await provider.run(run, metric, ctx);
  return { m, run: withMeasurement(run, metric.name, m), result: parseJudgeResult(m.value) };
}

providerContract('judge', async () => {
  const pair = await startRoutedPair();
  const refused = `http://127.0.0.1:${await closedPort()}`;
  return {
    provider: new JudgeProvider({ routerAddress: pair.router.url }),
    successful: judgeMetric({}),
    failed: judgeMetric({}, { failureCondition: undefined, successCondition: 'result.verdict == "pass"' }),
    error: judgeMetric({ address: refused }),
    errorMentions: [refused, 'ECONNREFUSED'],
    close: () => pair.close(),
  };
});

describe('judge provider against a real router', () => {
  let pair: RoutedPair;
  beforeEach(async () => {
    pair = await startRoutedPair();
  });
  afterEach(async () => {
    await pair.close();
  });

  it('takes a baseline first, then fails a canary that serves errors while stable does not', async () => {
    const provider = new JudgeProvider({ routerAddress: pair.router.url });
    await pair.send('canary', '/status/500', 20); // before the analysis: never counted
    const metric = judgeMetric({});
    const first = await measure(provider, emptyRun(), metric);
    expect(first.m.phase, first.m.message).toBe('Successful');
    expect(first.result?.verdict).toBe('continue');
    expect(first.result?.canary.requests).toBe(0);
    await pair.send('stable', '/ok', 15);
    await pair.send('canary', '/ok', 5);
    const second = await measure(provider, first.run, metric);
    expect(second.result?.verdict).toBe('continue');
    expect(second.result?.canary.requests).toBe(5);
    await pair.send('canary', '/status/500', 15);
    await pair.send('stable', '/ok', 15);
    const third = await measure(provider, second.run, metric);
    expect(third.m.phase, third.result?.explanation).toBe('Failed');
    const r = third.result as JudgeResult;
    expect([r.verdict, r.cause, r.canary.errors, r.stable.errors, r.stable.requests]).toEqual([
      'fail',
      'errors',
      15,
      0,
      30,
    ]);
    expect(r.eValue).toBeGreaterThanOrEqual(r.threshold);
    expect(r.pValue).toBeLessThanOrEqual(0.05);
    expect(r.canary.meanLatencyMs).not.toBeNull();
  });

  it('an identical canary keeps passing once both arms served minRequests', async () => {
    const provider = new JudgeProvider({ routerAddress: pair.router.url });
    const metric = judgeMetric({ minRequests: { canary: 20, stable: 20 } });
    let step = await measure(provider, emptyRun(), metric);
    for (let i = 0; i < 3; i++) {
      await pair.send('canary', '/ok', 10);
      await pair.send('stable', '/ok', 10);
      step = await measure(provider, step.run, metric);
      expect(step.m.phase).toBe('Successful');
    }
    expect(step.result?.verdict).toBe('pass');
    expect(step.result?.canary.requests).toBe(30);
  });

  it('an Error measurement carries the state, so the evidence survives a failed read', async () => {
    const good = judgeMetric({ address: pair.router.url });
    const bad = judgeMetric({ address: `http://127.0.0.1:${await closedPort()}` });
    const provider = new JudgeProvider();
    const first = await measure(provider, emptyRun(), good);
    await pair.send('canary', '/status/500', 12);
    await pair.send('stable', '/ok', 12);
    const failedRead = await measure(provider, first.run, bad);
    expect(failedRead.m.phase).toBe('Error');
    expect(failedRead.m.metadata?.[JUDGE_STATE_KEY]).toBe(first.m.metadata?.[JUDGE_STATE_KEY]);
    expect(failedRead.m.metadata?.[JUDGE_TRAIL_KEY]).toBe(first.m.metadata?.[JUDGE_TRAIL_KEY]);
    const third = await measure(provider, failedRead.run, good);
    expect(third.result?.canary.errors).toBe(12);
    // The trail has a point per result, none for the Error.
    const trail = decodeTrail(third.m.metadata?.[JUDGE_TRAIL_KEY] ?? '');
    expect(trail?.map((p) => p.at)).toEqual([first.m.finishedAt, third.m.finishedAt].map((t) => Date.parse(t ?? '')));
  });

  it('without conditions the verdict decides the phase', async () => {
    const provider = new JudgeProvider({ routerAddress: pair.router.url });
    const metric = judgeMetric({}, { failureCondition: undefined });
    const first = await measure(provider, emptyRun(), metric);
    await pair.send('canary', '/status/502', 25);
    await pair.send('stable', '/ok', 25);
    const second = await measure(provider, first.run, metric);
    expect([first.m.phase, second.m.phase]).toEqual(['Successful', 'Failed']);
  });

  it.each([
    [{ alpha: 2 }, 'alpha'],
    [{ canaryService: '' }, 'judge.canaryService'],
    [{ source: 'prometheus' }, 'prometheus.address'],
    [{ margin: 'lots' }, 'judge.margin'],
  ])('a bad setting %j is an Error naming it', async (config, words) => {
    const provider = new JudgeProvider({ routerAddress: pair.router.url });
    const m = await provider.run(emptyRun(), judgeMetric(config), ctx);
    expect(m.phase).toBe('Error');
    expect(m.message).toContain(words);
  });

  it('accepts numbers given as strings (values substituted from args)', async () => {
    const provider = new JudgeProvider({ routerAddress: pair.router.url });
    const m = await provider.run(emptyRun(), judgeMetric({ alpha: '0.01', margin: '0.5' }), ctx);
    expect(m.phase, m.message).toBe('Successful');
    expect(parseJudgeResult(m.value)?.threshold).toBeCloseTo(100, 9);
  });
});

describe('judge provider state handling with an injected reader', () => {
  const totals = { canary: { requests: 0, errors: 0 }, stable: { requests: 0, errors: 0 }, epoch: 'a' };
  const reader: JudgeReader = () =>
    Promise.resolve({
      ok: true,
      reading: { canary: { ...totals.canary }, stable: { ...totals.stable }, epoch: totals.epoch },
    });
  const provider = new JudgeProvider({ readers: { router: reader } });

  it('a counter restart (new epoch) is a new baseline, not a negative interval', async () => {
    const metric = judgeMetric({});
    let step = await measure(provider, emptyRun(), metric);
    totals.canary = { requests: 100, errors: 50 };
    totals.stable = { requests: 100, errors: 0 };
    totals.epoch = 'b';
    step = await measure(provider, step.run, metric);
    expect(step.result?.canary.requests).toBe(0);
    totals.canary = { requests: 110, errors: 50 };
    totals.stable = { requests: 110, errors: 0 };
    step = await measure(provider, step.run, metric);
    expect([step.result?.canary.requests, step.result?.canary.errors]).toEqual([10, 0]);
  });

  /** The run as the engine leaves it with `measurementRetention: limit 2`. */
  function keepTwo(run: AnalysisRun): AnalysisRun {
    const result = run.status?.metricResults?.[0];
    if (result === undefined) return run;
    const measurements = result.measurements?.slice(-2) ?? [];
    return { ...run, status: { ...run.status, metricResults: [{ ...result, measurements }] } };
  }

  it('the trail keeps the whole evidence history although the run keeps two measurements', async () => {
    const metric = judgeMetric({});
    const fresh = new JudgeProvider({ readers: { router: reader } });
    totals.epoch = 'trail';
    let step = await measure(fresh, emptyRun(), metric);
    const seen = [step];
    for (let i = 0; i < 30; i++) {
      totals.canary = { requests: totals.canary.requests + 10, errors: totals.canary.errors + (i % 3 === 0 ? 1 : 0) };
      totals.stable = { requests: totals.stable.requests + 10, errors: totals.stable.errors };
      step = await measure(fresh, keepTwo(step.run), metric);
      seen.push(step);
    }
    expect(step.run.status?.metricResults?.[0]?.measurements).toHaveLength(3); // two kept + the new one
    const trail = decodeTrail(step.m.metadata?.[JUDGE_TRAIL_KEY] ?? '');
    expect(trail?.map((p) => p.at)).toEqual(seen.map((s) => Date.parse(s.m.finishedAt ?? '')));
    expect(trail?.map((p) => p.eValue)).toEqual(seen.map((s) => Number(s.result?.eValue.toPrecision(4))));
    expect(trail?.[0]?.eValue).toBe(1); // the baseline
    // A provider that never saw this run (a restarted server) continues the same trail from the status.
    const restarted = new JudgeProvider({ readers: { router: reader } });
    const after = await measure(restarted, keepTwo(step.run), metric);
    expect(decodeTrail(after.m.metadata?.[JUDGE_TRAIL_KEY] ?? '')?.slice(0, -1)).toEqual(trail);
  });

  it.each([
    ['an unreadable', 'not a trail'],
    ['a missing (a state written before trails existed)', undefined],
  ])('with %s trail, a fresh trail starts and measuring goes on', async (_, stored) => {
    const metric = judgeMetric({});
    const first = await measure(provider, emptyRun(), metric);
    const { [JUDGE_TRAIL_KEY]: _written, ...rest } = first.m.metadata ?? {};
    const metadata = stored === undefined ? rest : { ...rest, [JUDGE_TRAIL_KEY]: stored };
    const run = withMeasurement(emptyRun(), 'judge', { ...first.m, metadata });
    const next = await measure(provider, run, metric);
    expect(next.m.phase, next.m.message).toBe('Successful');
    if (next.result === undefined) throw new Error('no result');
    expect(next.result.batches).toBe(1); // the state was read: this is no new baseline
    expect(decodeTrail(next.m.metadata?.[JUDGE_TRAIL_KEY] ?? '')).toEqual([
      trailPointOf(next.result, Date.parse(next.m.finishedAt ?? '')),
    ]);
  });

  it('carries an existing trail forward verbatim in an Error measurement', async () => {
    const failing = new JudgeProvider({
      readers: { router: () => Promise.resolve({ ok: false, error: 'no router' }) },
    });
    const trail = encodeTrail([{ at: clock, eValue: 3 }]);
    const run = withMeasurement(emptyRun(), 'judge', {
      phase: 'Successful',
      metadata: {
        [JUDGE_STATE_KEY]: (await measure(provider, emptyRun(), judgeMetric({}))).m.metadata?.[JUDGE_STATE_KEY] ?? '',
        [JUDGE_TRAIL_KEY]: trail,
      },
    });
    const m = await failing.run(run, judgeMetric({}), ctx);
    expect(m.phase).toBe('Error');
    expect(m.metadata?.[JUDGE_TRAIL_KEY]).toBe(trail);
  });

  it('an unreadable stored state is an Error, never a silent restart', async () => {
    const metric = judgeMetric({});
    const run = withMeasurement(emptyRun(), 'judge', {
      phase: 'Successful',
      metadata: { [JUDGE_STATE_KEY]: '{"oops":1}' },
    });
    const m = await provider.run(run, metric, ctx);
    expect(m.phase).toBe('Error');
    expect(m.message).toContain('unreadable');
  });
});

const prom = prometheusAvailability();

describe.skipIf(!prom.ok)('judge provider, source prometheus, against a real Prometheus scraping the router', () => {
  let pair: RoutedPair;
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    pair = await startRoutedPair();
    prometheus = await startPrometheus({
      targets: [{ address: pair.router.url.replace('http://', ''), metricsPath: '/_kanary/metrics' }],
      scrapeIntervalSeconds: 1,
    });
  }, 40_000);
  afterAll(async () => {
    await prometheus.stop();
    await pair.close();
  });

  it('reads the counters through PromQL and fails an erroring canary', async () => {
    const metric = judgeMetric({
      source: 'prometheus',
      prometheus: {
        address: prometheus.url,
        latencyQuery:
          'sum by (le) (kanary_router_request_duration_seconds_bucket{namespace="$namespace",service="$service"})',
      },
    });
    const provider = new JudgeProvider();
    await pair.send('stable', '/ok', 3);
    await pair.send('canary', '/ok', 3);
    await prometheus.waitForScrapes(2);
    const first = await measure(provider, emptyRun(), metric);
    expect(first.m.phase, first.m.message).toBe('Successful');
    await pair.send('canary', '/status/500', 20);
    await pair.send('stable', '/ok', 20);
    await prometheus.waitForScrapes(2);
    const second = await measure(provider, first.run, metric);
    expect(second.m.phase, second.m.message ?? second.result?.explanation).toBe('Failed');
    expect([second.result?.canary.requests, second.result?.canary.errors, second.result?.stable.requests]).toEqual([
      20, 20, 20,
    ]);
    expect(second.result?.latencyEValue).not.toBeNull();
  }, 60_000);

  it('a query Prometheus rejects is an Error naming it', async () => {
    const metric = judgeMetric({ source: 'prometheus', prometheus: { address: prometheus.url, requestQuery: 'sum(' } });
    const m = await new JudgeProvider().run(emptyRun(), metric, ctx);
    expect(m.phase).toBe('Error');
    expect(m.message).toContain('sum(');
  });
});
