import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_APP_MAIN, spawnSampleApp, type SpawnedSampleApp } from './testing.js';

const IDENTITY = {
  KUBERNETES_NODE: 'kind-control-plane',
  KUBERNETES_NAMESPACE: 'sample-app',
  KUBERNETES_POD: 'sample-app-6d9c8f7b5-abcde',
  KUBERNETES_DEPLOYMENT: 'stable',
};

const running: SpawnedSampleApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
});

async function start(env: Record<string, string>): Promise<SpawnedSampleApp> {
  const app = await spawnSampleApp(env);
  running.push(app);
  return app;
}

async function get(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

async function counterLines(metricsUrl: string): Promise<string[]> {
  const { body } = await get(`${metricsUrl}/monitoring/metrics`);
  return body.split('\n').filter((l) => l.startsWith('sample_app_requests_count'));
}

describe('sample app process', () => {
  it('answers /success with the identity as compact JSON in the seed field order and a trailing newline', async () => {
    const app = await start(IDENTITY);
    const res = await get(`${app.baseUrl}/success`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe(
      '{"node":"kind-control-plane","namespace":"sample-app","pod":"sample-app-6d9c8f7b5-abcde","deployment":"stable"}\n',
    );
  });

  it('answers "" for every unset identity variable', async () => {
    const app = await start({});
    const res = await get(`${app.baseUrl}/success`);
    expect(res.body).toBe('{"node":"","namespace":"","pod":"","deployment":""}\n');
  });

  it.each(['GET', 'POST', 'PUT', 'DELETE'])('accepts any method (%s) on /success and /error', async (method) => {
    const app = await start(IDENTITY);
    expect((await get(`${app.baseUrl}/success`, { method })).status).toBe(200);
    expect((await get(`${app.baseUrl}/error`, { method })).status).toBe(500);
  });

  it('answers /error with 500 and an empty body', async () => {
    const app = await start(IDENTITY);
    const res = await get(`${app.baseUrl}/error`);
    expect(res.status).toBe(500);
    expect(res.body).toBe('');
    expect(res.headers.get('content-length')).toBe('0');
  });

  it.each(['/', '/success/', '/errors', '/monitoring/metrics', '/Success'])(
    'answers Go default 404 for %s and does not count it',
    async (path) => {
      const app = await start({ ...IDENTITY, METRICS_PORT: '0' });
      const res = await get(`${app.baseUrl}${path}`);
      expect(res.status).toBe(404);
      expect(res.body).toBe('404 page not found\n');
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await counterLines(app.metricsUrl!)).toEqual([]);
    },
  );

  it('ignores the query string when matching paths', async () => {
    const app = await start(IDENTITY);
    expect((await get(`${app.baseUrl}/success?x=1`)).status).toBe(200);
  });

  it('runs no metrics server when METRICS_PORT is absent', async () => {
    const app = await start(IDENTITY);
    expect(app.metricsUrl).toBeUndefined();
  });

  it('exposes the counter lazily: no series before the first request, then one child per outcome', async () => {
    const app = await start({ ...IDENTITY, METRICS_PORT: '0' });
    const metricsUrl = app.metricsUrl!;
    const empty = await get(`${metricsUrl}/monitoring/metrics`);
    expect(empty.status).toBe(200);
    expect(empty.body).not.toContain('sample_app_requests_count');

    for (let i = 0; i < 3; i++) await get(`${app.baseUrl}/success`);
    expect(await counterLines(metricsUrl)).toEqual(['sample_app_requests_count{success="true"} 3']);

    await get(`${app.baseUrl}/error`);
    await get(`${app.baseUrl}/error`);
    const res = await get(`${metricsUrl}/monitoring/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('# HELP sample_app_requests_count Request counter\n');
    expect(res.body).toContain('# TYPE sample_app_requests_count counter\n');
    expect(await counterLines(metricsUrl)).toEqual([
      'sample_app_requests_count{success="false"} 2',
      'sample_app_requests_count{success="true"} 3',
    ]);
  });

  it.each(['/', '/metrics', '/monitoring/metrics/', '/success'])(
    'answers 404 on the metrics port for %s',
    async (path) => {
      const app = await start({ ...IDENTITY, METRICS_PORT: '0' });
      const res = await get(`${app.metricsUrl!}${path}`);
      expect(res.status).toBe(404);
      expect(res.body).toBe('404 page not found\n');
    },
  );

  it('binds the address in HOST', async () => {
    const app = await start({ ...IDENTITY, HOST: '127.0.0.2', METRICS_PORT: '0' });
    expect(app.baseUrl).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    expect(app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    expect((await get(`${app.baseUrl}/success`)).status).toBe(200);
  });

  it('answers every /success as an injected error when ERROR_RATE=1, counted as success="false"', async () => {
    const app = await start({ ...IDENTITY, METRICS_PORT: '0', ERROR_RATE: '1' });
    for (let i = 0; i < 4; i++) {
      const res = await get(`${app.baseUrl}/success`);
      expect(res.status).toBe(500);
      expect(res.body).toBe('');
    }
    expect(await counterLines(app.metricsUrl!)).toEqual(['sample_app_requests_count{success="false"} 4']);
  });

  it('injects errors at about ERROR_RATE, reproducibly for a given RANDOM_SEED', async () => {
    const n = 200;
    const outcomes = async (): Promise<number[]> => {
      const app = await start({ ...IDENTITY, ERROR_RATE: '0.3', RANDOM_SEED: '42' });
      const statuses: number[] = [];
      for (let i = 0; i < n; i++) statuses.push((await get(`${app.baseUrl}/success`)).status);
      return statuses;
    };
    const first = await outcomes();
    const second = await outcomes();
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 500]));
    const errors = first.filter((s) => s === 500).length;
    // Binomial(200, 0.3): mean 60, sd ≈ 6.5; 5 sd either side.
    expect(errors).toBeGreaterThan(60 - 33);
    expect(errors).toBeLessThan(60 + 33);
  });

  it('waits at least LATENCY_MS before answering /success and /error, but not 404s', async () => {
    const app = await start({ ...IDENTITY, LATENCY_MS: '300' });
    for (const path of ['/success', '/error']) {
      const t0 = performance.now();
      await get(`${app.baseUrl}${path}`);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    }
  });

  it('exits 0 on SIGTERM', async () => {
    const app = await spawnSampleApp(IDENTITY);
    expect((await get(`${app.baseUrl}/success`)).status).toBe(200);
    expect(await app.stop()).toBe(0);
  });

  it('finishes an in-flight request before exiting on SIGTERM', async () => {
    const app = await spawnSampleApp({ ...IDENTITY, LATENCY_MS: '500' });
    const pending = get(`${app.baseUrl}/success`);
    await new Promise((r) => setTimeout(r, 100));
    const exit = app.stop();
    expect((await pending).status).toBe(200);
    expect(await exit).toBe(0);
  });

  it.each([
    ['ERROR_RATE', '1.5'],
    ['ERROR_RATE', 'lots'],
    ['LATENCY_MS', '-1'],
    ['HTTP_PORT', '70000'],
    ['METRICS_PORT', 'x'],
  ])('refuses %s=%s with a message naming the variable, exit 1', (name, value) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', SAMPLE_APP_MAIN], {
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', HTTP_PORT: '0', [name]: value },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${name}="${value}"`);
  });
});
