import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingInput } from './build.js';
import { buildRoutingTable } from './build.js';
import { RouterClient } from './client.js';
import type { RunningRouter } from './server.js';
import { startRouter } from './server.js';
import type { Upstream } from './testing.js';
import { canaryAnnotations, ingress, pod, podIp, service, startUpstream } from './testing.js';

const TOKEN = 'test-token-0123456789abcdef';
const agent = new Agent({ connections: 64, keepAliveTimeout: 1000 });

let dir: string;
let stable: Upstream;
let stable2: Upstream;
let canary: Upstream;
let other: Upstream;
const routers: RunningRouter[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kanary-router-'));
  [stable, stable2, canary, other] = await Promise.all([
    startUpstream(podIp(0), 'sample-app-aaa-1'),
    startUpstream(podIp(1), 'sample-app-aaa-2'),
    startUpstream(podIp(2), 'sample-app-bbb-1'),
    startUpstream(podIp(3), 'other-ccc-1'),
  ]);
});

afterAll(async () => {
  await Promise.all([stable, stable2, canary, other].map((u) => u.close()));
  await agent.close();
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
});

async function router(stateName = `state-${routers.length}-${Date.now()}.json`): Promise<RunningRouter> {
  const r = await startRouter({ port: 0, stateFile: join(dir, stateName), adminToken: TOKEN });
  routers.push(r);
  return r;
}

function objects(opts: {
  canary?: Record<string, string>;
  stablePods?: Upstream[];
  canaryPods?: Upstream[];
}): RoutingInput {
  const stablePods = opts.stablePods ?? [stable];
  const canaryPods = opts.canaryPods ?? [canary];
  const lbl = (hash: string) => ({ app: 'sample-app', 'rollouts-pod-template-hash': hash });
  return {
    ingresses: [
      ingress('sample-app', { host: 'sample.app', service: 'sample-app' }),
      ingress('other', { host: 'other.app', path: '/api', service: 'other' }),
      ingress('empty', { host: 'empty.app', service: 'empty' }),
      ...(opts.canary === undefined
        ? []
        : [
            ingress('sample-app-sample-app-canary', {
              host: 'sample.app',
              service: 'sample-app-canary',
              annotations: canaryAnnotations(opts.canary),
            }),
          ]),
    ],
    services: [
      service('sample-app', lbl('aaa')),
      service('sample-app-canary', lbl('bbb')),
      service('other', { app: 'other' }),
      service('empty', { app: 'nobody' }),
    ],
    pods: [
      ...stablePods.map((u) => pod(u.name, lbl('aaa'), u.ip, u.port)),
      ...canaryPods.map((u) => pod(u.name, lbl('bbb'), u.ip, u.port)),
      pod(other.name, { app: 'other', 'rollouts-pod-template-hash': 'ccc' }, other.ip, other.port),
    ],
  };
}

async function push(r: RunningRouter, input: RoutingInput) {
  return new RouterClient({ url: r.url, token: TOKEN }).pushTable(buildRoutingTable(input));
}

async function get(r: RunningRouter, host: string, path = '/', headers: Record<string, string> = {}) {
  const res = await request(`${r.url}${path}`, { headers: { host, ...headers }, dispatcher: agent });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    pod: res.statusCode === 200 ? (JSON.parse(text) as { pod: string }).pod : undefined,
  };
}

describe('router: routing', () => {
  it('routes by host and path, 404 for an unknown host or path, 503 without ready endpoints', async () => {
    const r = await router();
    await push(r, objects({}));
    expect((await get(r, 'sample.app', '/success')).pod).toBe(stable.name);
    expect((await get(r, 'other.app', '/api/x')).pod).toBe(other.name);
    expect((await get(r, 'other.app', '/apix')).status).toBe(404);
    expect((await get(r, 'unknown.app')).status).toBe(404);
    expect((await get(r, 'empty.app')).status).toBe(503);
  });

  it('sets forwarding and attribution headers and strips hop-by-hop ones', async () => {
    const r = await router();
    await push(r, objects({}));
    // node:http sends a Connection header as given (undici's client would not).
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${r.url}/x`, {
        headers: { host: 'sample.app:8080', 'x-custom': 'kept', 'x-gone': 'y', connection: 'close, x-gone' },
      });
      req.on('response', (response) => {
        response.resume();
        resolve(response);
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-canary-backend']).toBe('stable');
    expect(res.headers['x-kanary-revision']).toBe('aaa');
    expect(res.headers['x-kanary-pod']).toBe(stable.name);
    const seen = stable.lastHeaders!;
    expect(seen.host).toBe('sample.app:8080');
    expect(seen['x-custom']).toBe('kept');
    expect(seen['x-gone']).toBeUndefined();
    expect(seen['x-forwarded-host']).toBe('sample.app:8080');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('streams a request body to the upstream and back', async () => {
    const r = await router();
    await push(r, objects({}));
    const body = 'x'.repeat(200_000);
    const res = await request(`${r.url}/echo`, {
      method: 'POST',
      body,
      headers: { host: 'sample.app' },
      dispatcher: agent,
    });
    const json = (await res.body.json()) as { body: string; method: string };
    expect(res.statusCode).toBe(200);
    expect(json.method).toBe('POST');
    expect(json.body).toBe(body);
  });

  it('balances round robin over ready endpoints', async () => {
    const r = await router();
    await push(r, objects({ stablePods: [stable, stable2] }));
    const pods: string[] = [];
    for (let i = 0; i < 10; i++) pods.push((await get(r, 'sample.app')).pod!);
    expect(pods.filter((p) => p === stable.name)).toHaveLength(5);
    expect(pods.filter((p) => p === stable2.name)).toHaveLength(5);
  });

  it('answers 502 when the only endpoint refuses connections, and retries another endpoint when one does', async () => {
    const deadPort = await freePort(podIp(4));
    const dead = { ...stable, name: 'dead', ip: podIp(4), port: deadPort };
    const r = await router();
    await push(r, objects({ stablePods: [dead] }));
    expect((await get(r, 'sample.app')).status).toBe(502);
    await push(r, objects({ stablePods: [dead, stable] }));
    for (let i = 0; i < 20; i++) expect((await get(r, 'sample.app')).pod).toBe(stable.name);
  });
});

describe('router: endpoint changes', () => {
  it('lets in-flight requests to a removed endpoint finish', async () => {
    const r = await router();
    await push(r, objects({ stablePods: [stable2] }));
    const inflight = Array.from({ length: 5 }, () => get(r, 'sample.app', '/slow/300'));
    await new Promise((res) => setTimeout(res, 100));
    await push(r, objects({ stablePods: [stable] }));
    const results = await Promise.all(inflight);
    expect(results.map((x) => x.pod)).toEqual(Array(5).fill(stable2.name));
    expect((await get(r, 'sample.app')).pod).toBe(stable.name);
  });
});

describe('router: canary annotations over real sockets', () => {
  it('splits traffic by weight within a binomial bound over 2,000 requests', async () => {
    const r = await router();
    await push(r, objects({ canary: { 'canary-weight': '25' } }));
    const n = 2000;
    let canaryHits = 0;
    for (let i = 0; i < n; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => get(r, 'sample.app')));
      for (const res of batch) {
        expect(res.status).toBe(200);
        if (res.headers['x-canary-backend'] === 'canary') {
          canaryHits++;
          expect(res.pod).toBe(canary.name);
        } else expect(res.pod).toBe(stable.name);
      }
    }
    const p = 0.25;
    const bound = 3.89 * Math.sqrt(n * p * (1 - p)); // two-sided 99.99%
    expect(Math.abs(canaryHits - n * p)).toBeLessThan(bound);
  });

  it.each<[string, Record<string, string>, Record<string, string>, string]>([
    ['header always', { 'canary-by-header': 'X-Canary' }, { 'x-canary': 'always' }, 'canary'],
    ['header never', { 'canary-by-header': 'X-Canary', 'canary-weight': '100' }, { 'x-canary': 'never' }, 'stable'],
    [
      'header value',
      { 'canary-by-header': 'X-Canary', 'canary-by-header-value': 'me' },
      { 'x-canary': 'me' },
      'canary',
    ],
    [
      'header pattern',
      { 'canary-by-header': 'X-Canary', 'canary-by-header-pattern': '^b.t+a$' },
      { 'x-canary': 'beta' },
      'canary',
    ],
    ['cookie always', { 'canary-by-cookie': 'cny' }, { cookie: 'x=1; cny=always' }, 'canary'],
    ['cookie never', { 'canary-by-cookie': 'cny', 'canary-weight': '100' }, { cookie: 'cny=never' }, 'stable'],
  ])('%s', async (_name, annotations, headers, expected) => {
    const r = await router();
    await push(r, objects({ canary: annotations }));
    for (let i = 0; i < 20; i++) {
      const res = await get(r, 'sample.app', '/', headers);
      expect(res.headers['x-canary-backend']).toBe(expected);
      expect(res.pod).toBe(expected === 'canary' ? canary.name : stable.name);
    }
  });
});

describe('router: table push and persistence', () => {
  it('needs the bearer token and is idempotent', async () => {
    const r = await router();
    const table = buildRoutingTable(objects({}));
    const put = (auth?: string) =>
      request(`${r.url}/_kanary/table`, {
        method: 'PUT',
        body: JSON.stringify(table),
        headers: { 'content-type': 'application/json', ...(auth === undefined ? {} : { authorization: auth }) },
        dispatcher: agent,
      });
    for (const auth of [undefined, 'Bearer wrong', `Basic ${TOKEN}`]) {
      const res = await put(auth);
      await res.body.dump();
      expect(res.statusCode).toBe(401);
    }
    expect((await get(r, 'sample.app')).status).toBe(404);
    const first = await put(`Bearer ${TOKEN}`);
    expect(await first.body.json()).toEqual({ version: table.version, changed: true });
    const second = await put(`Bearer ${TOKEN}`);
    expect(await second.body.json()).toEqual({ version: table.version, changed: false });
    expect((await new RouterClient({ url: r.url }).getTable()).version).toBe(table.version);
    const bad = await request(`${r.url}/_kanary/table`, {
      method: 'PUT',
      body: '{"hosts": 3}',
      headers: { authorization: `Bearer ${TOKEN}` },
      dispatcher: agent,
    });
    expect(bad.statusCode).toBe(400);
    expect(await bad.body.text()).toMatch(/routing table rejected/);
  });

  it('keeps the last table on disk and serves it after a restart without any push', async () => {
    const first = await router('persist.json');
    await push(first, objects({ canary: { 'canary-weight': '100' } }));
    const version = first.table().version;
    await first.close();
    routers.splice(routers.indexOf(first), 1);
    const onDisk = JSON.parse(await readFile(join(dir, 'persist.json'), 'utf8')) as { version: string };
    expect(onDisk.version).toBe(version);
    const second = await router('persist.json');
    expect(second.table().version).toBe(version);
    expect((await get(second, 'sample.app')).pod).toBe(canary.name);
  });

  it('loses no request across 100 weight changes under load', async () => {
    const r = await router();
    await push(r, objects({ canary: { 'canary-weight': '0' } }));
    let stop = false;
    const failures: string[] = [];
    const seen = { stable: 0, canary: 0 };
    const worker = async () => {
      while (!stop) {
        try {
          const res = await get(r, 'sample.app');
          if (res.status !== 200) failures.push(String(res.status));
          else seen[res.headers['x-canary-backend'] === 'canary' ? 'canary' : 'stable']++;
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    const client = new RouterClient({ url: r.url, token: TOKEN });
    for (let i = 1; i <= 100; i++) {
      await client.pushTable(buildRoutingTable(objects({ canary: { 'canary-weight': String((i * 37) % 101) } })));
      await new Promise((res) => setTimeout(res, 5));
    }
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(seen.stable).toBeGreaterThan(0);
    expect(seen.canary).toBeGreaterThan(0);
  });
});

describe('router: metrics', () => {
  it('exposes per-Service, per-revision counts and latency in Prometheus text, JSON and window stats', async () => {
    const r = await router();
    await push(r, objects({ canary: { 'canary-by-header': 'X-Canary' } }));
    for (let i = 0; i < 6; i++) await get(r, 'sample.app');
    for (let i = 0; i < 3; i++) await get(r, 'sample.app', '/status/500', { 'x-canary': 'always' });
    await get(r, 'empty.app');

    const text = await (await request(`${r.url}/_kanary/metrics`, { dispatcher: agent })).body.text();
    expect(text).toContain(
      'kanary_router_requests_total{namespace="default",service="sample-app",revision="aaa",ingress="sample-app",code_class="2xx"} 6',
    );
    expect(text).toContain(
      'kanary_router_requests_total{namespace="default",service="sample-app-canary",revision="bbb",ingress="sample-app-sample-app-canary",code_class="5xx"} 3',
    );
    expect(text).toContain(
      'kanary_router_requests_total{namespace="default",service="empty",revision="",ingress="empty",code_class="5xx"} 1',
    );
    expect(text).toMatch(
      /kanary_router_request_duration_seconds_count\{namespace="default",service="sample-app",revision="aaa",ingress="sample-app"\} 6/,
    );
    const viaMetrics = await request(`${r.url}/metrics`, { headers: { host: 'router.local' }, dispatcher: agent });
    expect(await viaMetrics.body.text()).toContain('kanary_router_requests_total');

    const stats = await new RouterClient({ url: r.url }).stats('default/sample-app-canary', '30s');
    expect(stats.total.requests).toBe(3);
    expect(stats.total.errorRate).toBe(1);
    expect(stats.revisions.bbb!.errors).toBe(3);
    expect(stats.revisions.bbb!.p50).toBeGreaterThan(0);

    const snap = await new RouterClient({ url: r.url }).metricsSnapshot();
    expect(snap.timestamp).toBeGreaterThan(0);
    const aaa = snap.series.find((s) => s.service === 'sample-app' && s.revision === 'aaa')!;
    expect(aaa.requests['2xx']).toBe(6);

    const badStats = await request(`${r.url}/_kanary/stats?service=nope&window=30s`, { dispatcher: agent });
    expect(badStats.statusCode).toBe(400);
    await badStats.body.dump();
  });
});

describe('router process', () => {
  it('runs as its own process, prints where it listens, serves a pushed table and stops on SIGTERM', async () => {
    const stateFile = join(dir, 'process-state.json');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'process.ts'), '--port', '0', '--state', stateFile],
      {
        env: { ...process.env, KANARY_ROUTER_TOKEN: TOKEN },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`router exited with ${code}`)));
      });
      const info = JSON.parse(line) as { event: string; url: string; port: number };
      expect(info.event).toBe('listening');
      await new RouterClient({ url: info.url, token: TOKEN }).pushTable(buildRoutingTable(objects({})));
      const res = await request(`${info.url}/`, { headers: { host: 'sample.app' }, dispatcher: agent });
      expect(((await res.body.json()) as { pod: string }).pod).toBe(stable.name);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

async function freePort(host: string): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, host, resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
