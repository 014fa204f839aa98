import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../../src/api/index.js';
import { createProviderRegistry } from '../../src/analysis/providers/index.js';
import { AnalysisRunController, runAnalysisPass } from '../../src/controller/analysis/index.js';
import { FakeClock } from '../../src/controller/runtime/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { prometheusAvailability, startPrometheus } from '../harness/prometheus.js';
import { execa } from 'execa';
import { join } from 'node:path';
import { ROOT, SEED_TEMPLATE, seedRun, startScenario, type Scenario } from './analysis-support.js';

const KANARY = join(ROOT, 'bin/kanary.js');

/**
 * The seed's success-share analysis against a REAL Prometheus scraping the REAL sample app every second: the query's
 * value for each traffic mix, the template's verdicts, and what happens when Prometheus goes away or never answers.
 */
const availability = prometheusAvailability();
const skip = !availability.ok;
if (!availability.ok) console.warn(`skipping real-Prometheus analysis tests: ${availability.reason}`);

/** One pass of the seed run with the real providers, the address pointed at the test Prometheus. */
async function measureSeed(prometheusUrl: string, run: AnalysisRun, clock: FakeClock): Promise<AnalysisRun> {
  const providers = createProviderRegistry({ prometheus: { addressOverride: prometheusUrl } });
  const result = await runAnalysisPass(run, { clock, providers });
  return { ...run, status: result.status };
}

type Mix = 'allSuccess' | 'halfErrors' | 'noTraffic';

const MIXES: Record<Mix, Parameters<typeof startScenario>[0]> = {
  allSuccess: { prime: { success: 1, errors: 0 }, success: 20, errors: 0 },
  halfErrors: { prime: { success: 1, errors: 1 }, success: 10, errors: 10 },
  noTraffic: { prime: { success: 0, errors: 0 }, success: 0, errors: 0 },
};

const scenarios = new Map<Mix, Scenario>();

/** Prometheus takes ~5 s to hand static targets to its scrapers, so the three mixes start side by side. */
async function startAll(): Promise<void> {
  const started = await Promise.allSettled(
    (Object.keys(MIXES) as Mix[]).map(async (mix) => scenarios.set(mix, await startScenario(MIXES[mix]))),
  );
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function scenario(mix: Mix): Scenario {
  const s = scenarios.get(mix);
  if (s === undefined) throw new Error(`scenario ${mix} did not start`);
  return s;
}

describe.skipIf(skip)('seed success-share query against a real Prometheus', () => {
  beforeAll(startAll, 60_000);
  afterAll(async () => {
    await Promise.all([...scenarios.values()].map((s) => s.stop()));
  });

  it.each([
    ['all-success traffic gives [1]; the template says Successful', 'allSuccess', '[1]', 'Successful'],
    ['half errors give [0.5]; the template says Failed', 'halfErrors', '[0.5]', 'Failed'],
    ['no traffic gives []; the template says Successful', 'noTraffic', '[]', 'Successful'],
  ] as const)('%s', async (_title, mix, value, verdict) => {
    const url = scenario(mix).prometheus.url;
    const clock = new FakeClock(Date.now());
    let run = await measureSeed(url, seedRun(), clock);
    const result = run.status?.metricResults?.[0];
    const m = result?.measurements?.[0];
    expect(m?.value, m?.message).toBe(value);
    expect(m?.phase).toBe(verdict);
    expect(m?.metadata?.ResolvedPrometheusQuery).toContain('sample_app_requests_count{service="sample-app-canary"');
    expect(result?.metadata?.ResolvedPrometheusQuery).toBe(m?.metadata?.ResolvedPrometheusQuery);
    if (verdict === 'Failed') {
      expect(run.status).toMatchObject({
        phase: 'Failed',
        message: 'Metric "success-share" assessed Failed due to failed (1) > failureLimit (0)',
      });
    } else {
      // interval: 1m and no count: the metric runs until the rollout terminates the run.
      expect(run.status?.phase).toBe('Running');
      run = await measureSeed(url, { ...run, spec: { ...run.spec, terminate: true } }, clock);
      expect(run.status).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
    }
  });

  it('kanary analyze on the seed template with half errors prints the measurement and exits 1 (Failed)', async () => {
    const url = scenario('halfErrors').prometheus.url;
    const result = await execa('node', [KANARY, 'analyze', '-f', SEED_TEMPLATE, '--prometheus-address', url], {
      cwd: ROOT,
      reject: false,
      timeout: 30_000,
    });
    expect(result.exitCode, result.stderr).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('AnalysisRun sample-app-analyze: success-share');
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z {2}success-share {2}Failed {2}\[0\.5\]$/);
    expect(lines[2]).toBe('Failed: Metric "success-share" assessed Failed due to failed (1) > failureLimit (0)');
  });

  it('kanary analyze keeps measuring a passing unbounded metric until Ctrl-C, which terminates it: exit 0', async () => {
    const url = scenario('allSuccess').prometheus.url;
    const child = execa('node', [KANARY, 'analyze', '-f', SEED_TEMPLATE, '--prometheus-address', url], {
      cwd: ROOT,
      reject: false,
      timeout: 30_000,
    });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Successful  [1]')) resolve();
      });
    });
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('Successful: Run Terminated');
    expect(result.stderr).toContain('terminating the run');
  });
});

describe.skipIf(skip)('faults against a real Prometheus', () => {
  it('Prometheus stopped mid-run: Error measurements every 10 s, then consecutiveErrors (5) > consecutiveErrorLimit (4)', async () => {
    const prometheus = await startPrometheus({ targets: [] });
    const clock = new FakeClock(Date.now());
    const store = new MemoryStore({ now: () => new Date(clock.now()) });
    const providers = createProviderRegistry({ prometheus: { addressOverride: prometheus.url } });
    const controller = new AnalysisRunController({ store, clock, providers });
    try {
      await controller.start();
      await store.create(seedRun('faulty'));
      await controller.waitIdle();
      const get = async () => (await store.get<AnalysisRun>('AnalysisRun', 'sample-app', 'faulty'))?.status;
      expect((await get())?.metricResults?.[0]?.measurements?.[0]).toMatchObject({ phase: 'Successful', value: '[]' });
      await prometheus.stop();
      await clock.advanceAsync(60_001);
      await controller.waitIdle();
      for (let i = 0; i < 4; i++) {
        expect((await get())?.phase).toBe('Running');
        await clock.advanceAsync(10_001);
        await controller.waitIdle();
      }
      const status = await get();
      const measurements = status?.metricResults?.[0]?.measurements ?? [];
      expect(measurements.map((m) => m.phase)).toEqual(['Successful', 'Error', 'Error', 'Error', 'Error', 'Error']);
      expect(measurements[1]?.message).toContain(`prometheus query to ${prometheus.url} failed`);
      expect(measurements[1]?.message).toContain('ECONNREFUSED');
      expect(status?.phase).toBe('Error');
      expect(status?.message).toBe(
        `Metric "success-share" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "Error Message: ${measurements[5]?.message ?? ''}"`,
      );
    } finally {
      await controller.stop();
      await prometheus.stop();
    }
  });

  it('a Prometheus address that accepts but never answers is cut at `timeout`', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const run = seedRun('silent');
      const metric = run.spec.metrics[0];
      if (metric?.provider.prometheus) metric.provider.prometheus.timeout = 2;
      const measured = await measureSeed(address, run, new FakeClock(Date.now()));
      const m = measured.status?.metricResults?.[0]?.measurements?.[0];
      expect(m).toMatchObject({ phase: 'Error', message: `prometheus query to ${address} failed: timed out after 2s` });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
