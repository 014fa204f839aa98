import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun, Metric } from '../../api/index.js';
import { createProviderRegistry } from '../../analysis/providers/index.js';
import { sendJson, startTestServer, type TestServer } from '../../analysis/providers/test-server.js';
import { MemoryStore } from '../../store/index.js';
import { FakeClock } from '../runtime/index.js';
import { AnalysisRunController } from './controller.js';

/**
 * The controller over a real MemoryStore, a fake clock and the real web provider against a local HTTP server whose
 * answer the test sets.
 */
let server: TestServer;
let answer: { status: number; body: unknown } = { status: 200, body: { ok: true } };

beforeAll(async () => {
  server = await startTestServer((_req, _body, res) => sendJson(res, answer.status, answer.body));
});
afterAll(async () => {
  await server.close();
});

const T0 = Date.parse('2026-01-01T00:00:00Z');

function webMetric(fields: Partial<Metric> = {}, path = '/health'): Metric {
  return {
    name: 'health',
    successCondition: 'result.ok == true',
    ...fields,
    provider: { web: { url: `${server.url}${path}` } },
  };
}

function newRun(metrics: Metric[], spec: Partial<AnalysisRun['spec']> = {}): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'run', namespace: 'ns' },
    spec: { metrics, ...spec },
  };
}

async function setup() {
  const clock = new FakeClock(T0);
  const store = new MemoryStore({ now: () => new Date(clock.now()) });
  const controller = new AnalysisRunController({ store, clock, providers: createProviderRegistry() });
  await controller.start();
  const get = async () => (await store.get<AnalysisRun>('AnalysisRun', 'ns', 'run'))?.status;
  /** Moves the fake clock and lets the controller finish what fell due (real HTTP happens meanwhile). */
  const advance = async (ms: number) => {
    await clock.advanceAsync(ms);
    await controller.waitIdle();
  };
  return { clock, store, controller, get, advance };
}

describe('AnalysisRunController', () => {
  it('measures on creation, again after each interval, and completes when the count is reached', async () => {
    answer = { status: 200, body: { ok: true } };
    const t = await setup();
    await t.store.create(newRun([webMetric({ count: 3, interval: '30s' })]));
    await t.controller.waitIdle();
    expect(await t.get()).toMatchObject({ phase: 'Running', startedAt: new Date(T0).toISOString() });
    expect((await t.get())?.metricResults?.[0]?.measurements).toHaveLength(1);
    await t.advance(30_001);
    expect((await t.get())?.metricResults?.[0]?.count).toBe(2);
    await t.advance(30_001);
    const status = await t.get();
    expect(status).toMatchObject({ phase: 'Successful', runSummary: { count: 1, successful: 1 } });
    expect(status?.completedAt).toBe(new Date(T0 + 60_002).toISOString());
    await t.controller.stop();
  });

  it("a failing measurement fails the run with Argo's message", async () => {
    answer = { status: 200, body: { ok: false } };
    const t = await setup();
    await t.store.create(newRun([webMetric({ interval: '1m' })]));
    await t.controller.waitIdle();
    expect(await t.get()).toMatchObject({
      phase: 'Failed',
      message: 'Metric "health" assessed Failed due to failed (1) > failureLimit (0)',
    });
    await t.controller.stop();
  });

  it('spec.terminate set by someone else ends an unbounded run: Successful, "Run Terminated"', async () => {
    answer = { status: 200, body: { ok: true } };
    const t = await setup();
    await t.store.create(newRun([webMetric({ interval: '1m' })]));
    await t.controller.waitIdle();
    await t.store.patch('AnalysisRun', 'ns', 'run', { spec: { terminate: true } });
    await t.controller.waitIdle();
    expect(await t.get()).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
    await t.controller.stop();
  });

  it('errors are retried every 10 s and the fifth in a row errors the run', async () => {
    answer = { status: 503, body: {} };
    const t = await setup();
    await t.store.create(newRun([webMetric({ interval: '5m' })]));
    await t.controller.waitIdle();
    for (let i = 0; i < 4; i++) await t.advance(10_001);
    const status = await t.get();
    expect(status?.phase).toBe('Error');
    expect(status?.message).toBe(
      'Metric "health" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "Error Message: received non 2xx response code: 503"',
    );
    expect(status?.metricResults?.[0]?.measurements?.map((m) => m.startedAt)).toEqual(
      [0, 10_001, 20_002, 30_003, 40_004].map((d) => new Date(T0 + d).toISOString()),
    );
    await t.controller.stop();
  });

  it('secretKeyRef args are read from the Secret and redacted as ***** in the status', async () => {
    answer = { status: 401, body: {} };
    const t = await setup();
    await t.store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'ns' },
      data: { token: Buffer.from('hunter2').toString('base64') },
    });
    const metric: Metric = {
      name: 'health',
      consecutiveErrorLimit: 0,
      provider: { web: { url: `http://127.0.0.1:1/{{args.token}}`, timeoutSeconds: 1 } },
    };
    await t.store.create(
      newRun([metric], { args: [{ name: 'token', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }] }),
    );
    await t.controller.waitIdle();
    const status = await t.get();
    expect(status?.phase).toBe('Error');
    expect(JSON.stringify(status)).not.toContain('hunter2');
    expect(status?.metricResults?.[0]?.measurements?.[0]?.message).toContain('http://127.0.0.1:1/*****');
    await t.controller.stop();
  });

  it('a metric whose provider Kanary does not run records Error measurements naming it', async () => {
    const t = await setup();
    await t.store.create(newRun([{ name: 'dd', consecutiveErrorLimit: 0, provider: { datadog: { query: 'x' } } }]));
    await t.controller.waitIdle();
    const status = await t.get();
    expect(status?.phase).toBe('Error');
    expect(status?.metricResults?.[0]?.measurements?.[0]?.message).toContain(
      'provider "datadog" is not supported by Kanary',
    );
    await t.controller.stop();
  });

  it('ttlStrategy deletes a completed run once secondsAfterSuccess have passed', async () => {
    answer = { status: 200, body: { ok: true } };
    const t = await setup();
    await t.store.create(newRun([webMetric()], { ttlStrategy: { secondsAfterSuccess: 30 } }));
    await t.controller.waitIdle();
    expect((await t.get())?.phase).toBe('Successful');
    await t.advance(29_000);
    expect(await t.get()).toBeDefined();
    await t.advance(1_000);
    expect(await t.store.get('AnalysisRun', 'ns', 'run')).toBeUndefined();
    await t.controller.stop();
  });
});
