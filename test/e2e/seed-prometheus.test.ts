import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../../src/api/index.js';
import {
  GOOD_IMAGE,
  RolloutObserver,
  SEED_NAMESPACE,
  SEED_ROLLOUT,
  runDemo,
  startSeedEnvironment,
  withClusterLock,
  type SeedEnvironment,
} from '../../src/demo/index.js';
import { prometheusAvailability } from '../harness/prometheus.js';

/**
 * The seed scenario end to end on the embedded default with a REAL Prometheus (HTTP service discovery, 1 s scrape)
 * and the seed's exact AnalysisTemplate (only the interval shortened): the good version completes Healthy under
 * load with the split each step promises; a faulty version is aborted with Argo's message, both when errors are
 * driven to the canary with `X-Canary: always` as in the article and when the version itself fails requests; and
 * the seed's blind spot, a canary serving only errors, passes the article's condition.
 */
const availability = prometheusAvailability();
const skip = !availability.ok;
if (!availability.ok) console.warn(`skipping the seed journeys with Prometheus: ${availability.reason}`);

const abortMessage = (revision: number): string =>
  `RolloutAborted: Rollout aborted update to revision ${revision}: Background analysis phase error/failed: ` +
  'Metric "success-share" assessed Failed due to failed (1) > failureLimit (0)';

/** `curl <router>/PATH -H "Host: sample.app" -H "X-Canary: always"`: the status code. */
async function curlCanary(env: SeedEnvironment, path: '/success' | '/error'): Promise<number> {
  const res = await request(`${env.routerUrl}${path}`, { headers: { Host: 'sample.app', 'X-Canary': 'always' } });
  await res.body.text();
  return res.statusCode;
}

/** Sends `paths` round-robin about every 100 ms until `stop` aborts; counts answers by status. */
function keepSending(
  env: SeedEnvironment,
  paths: ('/success' | '/error')[],
  stop: AbortSignal,
): Promise<Map<number, number>> {
  return (async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; !stop.aborted; i++) {
      const status = await curlCanary(env, paths[i % paths.length] ?? '/success').catch(() => 0);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      await sleep(100);
    }
    return statuses;
  })();
}

async function runsOf(env: SeedEnvironment): Promise<AnalysisRun[]> {
  return env.client.list<AnalysisRun>('analysisruns', SEED_NAMESPACE);
}

describe.skipIf(skip)('the seed scenario on a local cluster with a real Prometheus', () => {
  let env: SeedEnvironment | undefined;
  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  it('good version Healthy with the promised split, then a version with an error rate aborted by analysis', async () => {
    const lines: string[] = [];
    const report = await withClusterLock(() => runDemo({ prometheus: true, out: (l) => lines.push(l) }));
    const log = lines.join('\n');
    expect(report.source, log).toBe('prometheus');
    expect(report.problems, log).toEqual([]);
    expect(report.good?.phase).toBe('Healthy');
    expect(report.good?.load.thresholdsPassed).toBe(true);
    expect(report.good?.load.metrics.checks.rate).toBeGreaterThan(0.9);
    expect(report.good?.load.metrics.http_req_failed.passes).toBe(0);
    // Every step's weight, each share within a binomial bound of it.
    expect(report.good?.splits.map((s) => s.weight)).toEqual([25, 50, 75]);
    for (const s of report.good?.splits ?? []) {
      expect(s.stable + s.canary, `weight ${s.weight}`).toBeGreaterThanOrEqual(40);
      expect(s.ok, `weight ${s.weight}: share ${s.share} bound ${s.bound}\n${log}`).toBe(true);
    }
    expect(report.faulty?.phase).toBe('Degraded');
    expect(report.faulty?.message).toBe(abortMessage(3));
    expect(report.faulty?.failedBeforeAbort).toBeGreaterThan(0);
    expect(report.faulty?.failedAfterAbort).toBe(0);
    expect(log).toMatch(/success-share measured \[0\.\d+\] -> Failed/);
  }, 180_000);

  it('errors driven to the canary with X-Canary: always, as in the article, abort the rollout', async () => {
    await withClusterLock(async () => {
      // Long pauses, as the article's 5m: the abort must come from the analysis, not the end of the steps.
      env = await startSeedEnvironment({ source: 'prometheus', timing: { pause: '60s', interval: '2s' } });
      const e = env;
      const observer = new RolloutObserver(e.client, SEED_NAMESPACE, SEED_ROLLOUT, () => undefined);
      await observer.start();
      const stop = new AbortController();
      try {
        await e.client.operate(SEED_NAMESPACE, SEED_ROLLOUT, 'set-image', {
          container: 'sample-app',
          image: GOOD_IMAGE,
        });
        await observer.until(
          (v) => v.phase === 'Paused' && v.step === 1 && v.revision === '2',
          'the pause at 25%',
          30_000,
        );
        await e.client.operate(SEED_NAMESPACE, SEED_ROLLOUT, 'promote');
        await observer.until((v) => v.step === 3 && v.weight === 50, 'step 3 at 50%', 10_000);
        const sending = keepSending(e, ['/success', '/error'], stop.signal);
        const end = await observer.until((v) => v.phase === 'Degraded', 'the abort', 60_000);
        stop.abort();
        const statuses = await sending;
        expect(end.message).toBe(abortMessage(2));
        expect(end.weight).toBe(0);
        expect(statuses.get(200)).toBeGreaterThan(0);
        expect(statuses.get(500)).toBeGreaterThan(0);
        const failed = (await runsOf(e)).find((r) => r.status?.phase === 'Failed');
        const measurements = failed?.status?.metricResults?.[0]?.measurements ?? [];
        const last = measurements.at(-1);
        expect(last?.phase).toBe('Failed');
        const value = JSON.parse(last?.value ?? '[]') as number[];
        expect(value[0]).toBeLessThan(0.99);
        expect(failed?.status?.message).toBe(
          'Metric "success-share" assessed Failed due to failed (1) > failureLimit (0)',
        );
      } finally {
        stop.abort();
        observer.stop();
      }
    });
  }, 180_000);

  it("the seed's blind spot: a canary that serves only errors gives an empty result, which passes", async () => {
    await withClusterLock(async () => {
      env = await startSeedEnvironment({ source: 'prometheus', timing: { pause: '6s', interval: '2s' } });
      const e = env;
      const prometheus = e.prometheus;
      if (prometheus === undefined) throw new Error('no prometheus');
      const observer = new RolloutObserver(e.client, SEED_NAMESPACE, SEED_ROLLOUT, () => undefined);
      await observer.start();
      const stop = new AbortController();
      try {
        await e.client.operate(SEED_NAMESPACE, SEED_ROLLOUT, 'set-image', {
          container: 'sample-app',
          image: GOOD_IMAGE,
        });
        await observer.until(
          (v) => v.phase === 'Paused' && v.step === 1 && v.revision === '2',
          'the pause at 25%',
          30_000,
        );
        const sending = keepSending(e, ['/error'], stop.signal);
        // Wait until Prometheus sees the canary's errors, so the analysis below measures with them in the window.
        const errorsSeen = Date.now() + 30_000;
        while (
          (
            await prometheus.query(
              'sum(rate(sample_app_requests_count{service="sample-app-canary", success="false"}[1m])) > 0',
            )
          ).length === 0
        ) {
          if (Date.now() > errorsSeen)
            throw new Error(`prometheus never saw the canary's errors:\n${prometheus.log()}`);
          await sleep(250);
        }
        await e.client.operate(SEED_NAMESPACE, SEED_ROLLOUT, 'promote');
        const end = await observer.until((v) => v.phase === 'Healthy' || v.phase === 'Degraded', 'the end', 60_000);
        stop.abort();
        const statuses = await sending;
        expect(statuses.get(500)).toBeGreaterThan(10);
        expect(statuses.get(200)).toBeUndefined();
        // Every request failed, yet the rollout completed: the query's numerator has no series at all.
        expect(end.phase).toBe('Healthy');
        const run = (await runsOf(e))[0];
        const measurements = run?.status?.metricResults?.[0]?.measurements ?? [];
        expect(measurements.length).toBeGreaterThanOrEqual(2);
        for (const m of measurements) expect([m.value, m.phase]).toEqual(['[]', 'Successful']);
      } finally {
        stop.abort();
        observer.stop();
      }
    });
  }, 180_000);
});
