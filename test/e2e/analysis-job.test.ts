import { describe, expect, it } from 'vitest';
import type { AnalysisRun, Metric } from '../../src/api/index.js';
import { createProviderRegistry } from '../../src/analysis/providers/index.js';
import { AnalysisRunController } from '../../src/controller/analysis/index.js';
import { FakeClock } from '../../src/controller/runtime/index.js';
import { MemoryStore } from '../../src/store/index.js';

/**
 * The job provider through the AnalysisRun controller: the Job's container runs as a real process, the controller
 * resumes it at its resumeAt (on a fake clock), and terminate kills it.
 */
function jobMetric(script: string, fields: Partial<Metric> = {}): Metric {
  return {
    name: 'smoke',
    ...fields,
    provider: {
      job: {
        spec: {
          template: {
            spec: { containers: [{ name: 'smoke', image: 'node', command: [process.execPath, '-e', script] }] },
          },
        },
      },
    },
  };
}

async function setup(metric: Metric) {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const store = new MemoryStore({ now: () => new Date(clock.now()) });
  const controller = new AnalysisRunController({ store, clock, providers: createProviderRegistry() });
  await controller.start();
  await store.create<AnalysisRun>({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'job-run', namespace: 'ns' },
    spec: { metrics: [metric] },
  });
  await controller.waitIdle();
  const status = async () => (await store.get<AnalysisRun>('AnalysisRun', 'ns', 'job-run'))?.status;
  /** Lets the real process move on, then the fake clock reach the next resumeAt. */
  const tick = async () => {
    await new Promise((r) => setTimeout(r, 300));
    await clock.advanceAsync(1_000);
    await controller.waitIdle();
  };
  return { store, controller, status, tick };
}

describe('job metrics through the AnalysisRun controller', () => {
  it('a job that exits 0 makes the run Successful; the output is the message', async () => {
    const t = await setup(jobMetric('console.log("smoke ok")'));
    expect((await t.status())?.metricResults?.[0]?.measurements?.[0]?.phase).toBe('Running');
    for (let i = 0; i < 20 && (await t.status())?.phase === 'Running'; i++) await t.tick();
    const status = await t.status();
    expect(status?.phase).toBe('Successful');
    expect(status?.metricResults?.[0]?.measurements?.[0]).toMatchObject({ phase: 'Successful', message: 'smoke ok' });
    await t.controller.stop();
  });

  it('a job that exits non-zero fails the run', async () => {
    const t = await setup(jobMetric('console.error("bad gateway"); process.exit(2)'));
    for (let i = 0; i < 20 && (await t.status())?.phase === 'Running'; i++) await t.tick();
    expect(await t.status()).toMatchObject({
      phase: 'Failed',
      message:
        'Metric "smoke" assessed Failed due to failed (1) > failureLimit (0): "Error Message: job exited with code 2; output: bad gateway"',
    });
    await t.controller.stop();
  });

  it('terminating the run kills a running job: Successful, "Run Terminated", measurement "Metric Terminated"', async () => {
    const t = await setup(jobMetric('setTimeout(() => {}, 60000)'));
    await t.store.patch('AnalysisRun', 'ns', 'job-run', { spec: { terminate: true } });
    await t.controller.waitIdle();
    const status = await t.status();
    expect(status).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
    expect(status?.metricResults?.[0]?.measurements?.[0]).toMatchObject({
      phase: 'Successful',
      message: 'Metric Terminated',
    });
    await t.controller.stop();
  });
});
