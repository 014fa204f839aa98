import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSampleApp, type SpawnedSampleApp } from '../../examples/sample-app/src/testing.js';
import type { LoadProgress } from './progress.js';
import { runLoad } from './run.js';
import { constantProfile } from './schedule.js';

const IDENTITY = {
  KUBERNETES_NODE: 'kind-control-plane',
  KUBERNETES_NAMESPACE: 'sample-app',
  KUBERNETES_POD: 'sample-app-6d9c8f7b5-abcde',
};

const apps: SpawnedSampleApp[] = [];
async function sampleApp(env: Record<string, string>): Promise<SpawnedSampleApp> {
  const app = await spawnSampleApp({ ...IDENTITY, ...env });
  apps.push(app);
  return app;
}
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
});

describe('runLoad against the real sample app', () => {
  it('runs 2 s at 50 it/s: 100 iterations, every check passing, all canary, progress adding up', async () => {
    const app = await sampleApp({ KUBERNETES_DEPLOYMENT: 'canary' });
    const ticks: LoadProgress[] = [];
    const summary = await runLoad(
      { url: app.baseUrl, profile: constantProfile(50, 2_000), expect: { node: 'kind-control-plane' } },
      { onProgress: (p) => ticks.push(p) },
    );
    expect(summary.metrics.iterations.count).toBe(100);
    expect(summary.metrics.http_reqs.count).toBe(100);
    expect(summary.metrics.dropped_iterations.count).toBe(0);
    expect(summary.checks).toEqual([
      { name: 'status code is 200', passes: 100, fails: 0 },
      { name: 'node is kind-control-plane', passes: 100, fails: 0 },
      { name: 'namespace is sample-app', passes: 100, fails: 0 },
      { name: 'pod is sample-app-*', passes: 100, fails: 0 },
      { name: 'deployment is stable or canary', passes: 100, fails: 0 },
    ]);
    expect(summary.deployments).toEqual({ stable: { count: 0, share: 0 }, canary: { count: 100, share: 1 } });
    expect(summary.metrics.http_req_failed.rate).toBe(0);
    expect(summary.metrics.http_req_duration.min).toBeGreaterThan(0);
    expect(summary.thresholdsPassed).toBe(true);
    expect(summary.state).toMatchObject({ aborted: false });
    expect(summary.state.testRunDurationMs).toBeGreaterThanOrEqual(2_000);
    expect(summary.target.url).toBe(`${app.baseUrl}/success`);

    expect(ticks.at(-1)!.final).toBe(true);
    expect(ticks.filter((t) => t.final)).toHaveLength(1);
    expect(ticks.map((t) => t.second)).toEqual(ticks.map((_, i) => i + 1));
    const sum = (f: (t: LoadProgress) => number): number => ticks.reduce((s, t) => s + f(t), 0);
    expect(sum((t) => t.window.started)).toBe(100);
    expect(sum((t) => t.window.completed)).toBe(100);
    expect(sum((t) => t.window.deployments.canary)).toBe(100);
    expect(sum((t) => t.window.checks.passes)).toBe(500);
    expect(ticks.at(-1)!.totals).toMatchObject({ completed: 100, deployments: { stable: 0, canary: 100 } });
  });

  it('fails the checks threshold when the app injects errors, and the share counts only answered requests', async () => {
    const app = await sampleApp({ KUBERNETES_DEPLOYMENT: 'stable', ERROR_RATE: '0.6', RANDOM_SEED: '7' });
    const summary = await runLoad({ url: app.baseUrl, profile: constantProfile(50, 2_000) });
    const [status] = summary.checks;
    expect(status!.passes + status!.fails).toBe(100);
    expect(status!.fails).toBeGreaterThan(36); // 60 expected; below 36.7 the checks rate would pass 0.9
    expect(summary.metrics.interrupted_iterations.count).toBe(status!.fails);
    expect(summary.deployments.stable.count).toBe(status!.passes);
    expect(summary.metrics.http_req_failed.passes).toBe(status!.fails);
    expect(summary.thresholds.find((t) => t.metric === 'checks')).toMatchObject({ ok: false });
    expect(summary.thresholdsPassed).toBe(false);
  });

  it('caps requests in flight at maxVUs and drops the arrivals beyond, as k6 does', async () => {
    const app = await sampleApp({ KUBERNETES_DEPLOYMENT: 'stable', LATENCY_MS: '400' });
    const ticks: LoadProgress[] = [];
    const summary = await runLoad(
      { url: app.baseUrl, profile: constantProfile(50, 1_000), maxVUs: 2 },
      { onProgress: (p) => ticks.push(p) },
    );
    expect(summary.metrics.iterations.count + summary.metrics.dropped_iterations.count).toBe(50);
    expect(summary.metrics.dropped_iterations.count).toBeGreaterThan(0);
    expect(ticks.every((t) => t.inFlight <= 2)).toBe(true);
    expect(summary.metrics.http_req_duration.min).toBeGreaterThanOrEqual(390);
  });

  it('stops on abort, abandoning requests in flight, and still returns a summary', async () => {
    const app = await sampleApp({ KUBERNETES_DEPLOYMENT: 'stable' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const summary = await runLoad(
      { url: app.baseUrl, profile: constantProfile(20, 30_000) },
      { signal: controller.signal },
    );
    expect(summary.state.aborted).toBe(true);
    expect(summary.metrics.iterations.count).toBeGreaterThan(0);
    expect(summary.metrics.iterations.count).toBeLessThan(600);
  });
});

describe('runLoad against plain test servers', () => {
  let server: Server;
  let url: string;
  const seen: IncomingHttpHeaders[] = [];
  let n = 0;

  beforeAll(async () => {
    // Answers stable, stable, stable, canary, … so the canary share is exactly 1/4.
    server = createServer((req, res) => {
      seen.push(req.headers);
      const deployment = n++ % 4 === 3 ? 'canary' : 'stable';
      res.end(JSON.stringify({ node: 'n', namespace: 'sample-app', pod: 'sample-app-x', deployment }) + '\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  afterEach(() => {
    seen.length = 0;
    n = 0;
  });

  it('sends the seed headers by default and given headers when asked', async () => {
    await runLoad({ url, profile: constantProfile(5, 400) });
    expect(seen[0]).toMatchObject({ host: 'sample.app', 'content-type': 'application/json' });
    seen.length = 0;
    await runLoad({ url, profile: constantProfile(5, 400), headers: { Host: 'sample.app', 'X-Canary': 'always' } });
    expect(seen[0]).toMatchObject({ host: 'sample.app', 'x-canary': 'always' });
    expect(seen[0]!['content-type']).toBeUndefined();
  });

  it('measures the per-deployment share from the deployment field', async () => {
    const summary = await runLoad({ url, profile: constantProfile(40, 1_000) });
    expect(summary.deployments).toEqual({ stable: { count: 30, share: 0.75 }, canary: { count: 10, share: 0.25 } });
    expect(summary.metrics['http_req_rate{deployment:canary}']).toEqual({ rate: 0.25, passes: 10, fails: 30 });
    expect(summary.metrics.http_req_rate.rate).toBe(0.5);
  });

  it('counts refused connections as failed requests with the reason, without durations', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const summary = await runLoad({ url: `http://127.0.0.1:${port}`, profile: constantProfile(10, 500) });
    expect(summary.metrics.http_reqs.count).toBe(5);
    expect(summary.metrics.http_req_failed).toEqual({ rate: 1, passes: 5, fails: 0 });
    expect(summary.metrics.http_req_duration.max).toBe(0);
    expect(summary.errors[0]).toMatchObject({ count: 5 });
    expect(summary.errors[0]!.message).toMatch(/ECONNREFUSED/);
    expect(summary.checks).toEqual([{ name: 'status code is 200', passes: 0, fails: 5 }]);
    expect(summary.thresholdsPassed).toBe(false);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const summary = await runLoad({ url, profile: constantProfile(50, 1_000) }, { signal: AbortSignal.abort() });
    expect(summary.state.aborted).toBe(true);
    expect(summary.metrics.iterations.count).toBe(0);
    expect(seen).toHaveLength(0);
  });

  it('refuses invalid options before sending anything', async () => {
    await expect(runLoad({ url, maxVUs: 0 })).rejects.toThrow(/max VUs 0/);
    await expect(runLoad({ url, thresholds: ['checks>1'] })).rejects.toThrow(/METRIC=EXPRESSION/);
    await expect(runLoad({ url: 'nope' })).rejects.toThrow(/is not a URL/);
    expect(seen).toHaveLength(0);
  });
});
