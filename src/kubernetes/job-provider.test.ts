import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisRun, KubeObject, Metric } from '../api/index.js';
import { FakeApiServer } from '../../test/harness/fake-apiserver.js';
import { KubeClient } from './client.js';
import { ANALYSIS_RUN_METRIC_LABEL, KubernetesJobProvider } from './job-provider.js';
import { KubernetesStore } from './store.js';

/** The Kubernetes job provider, creating batch/v1 Jobs on a FAKE API server (nothing runs them: the test plays the Job controller). */
describe('KubernetesJobProvider (fake API server)', () => {
  let fake: FakeApiServer;
  let store: KubernetesStore;
  let now = 0;
  const ctx = { now: () => now };

  beforeEach(async () => {
    now = Date.parse('2026-01-01T00:00:00Z');
    fake = await FakeApiServer.start({ bookmarkIntervalMs: 0 });
    const kc = new KubeConfig();
    kc.loadFromString(fake.kubeconfig());
    store = new KubernetesStore({ client: new KubeClient(kc) });
  });
  afterEach(async () => {
    await store.close();
    await fake.close();
  });

  const run = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'web-abc-2', namespace: 'shop', uid: 'UID-1' },
    spec: { metrics: [] },
    status: { phase: 'Running', metricResults: [{ name: 'smoke', phase: 'Running', count: 1, measurements: [] }] },
  } as unknown as AnalysisRun;
  const metric = {
    name: 'smoke',
    provider: {
      job: {
        metadata: { labels: { team: 'web' } },
        spec: {
          backoffLimit: 0,
          template: {
            spec: { restartPolicy: 'Never', containers: [{ name: 'smoke', image: 'curl', command: ['true'] }] },
          },
        },
      },
    },
  } as unknown as Metric;

  async function finishJob(name: string, condition: Record<string, string>): Promise<void> {
    const job = await store.get<KubeObject>('Job', 'shop', name);
    if (!job) throw new Error(`no Job ${name}`);
    await store.updateStatus({ ...job, status: { conditions: [{ status: 'True', ...condition }] } });
  }

  it.each([
    ['Complete', { type: 'Complete' }, 'Successful', undefined],
    [
      'Failed',
      { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
      'Failed',
      'BackoffLimitExceeded: Job has reached the specified backoff limit',
    ],
  ])('creates an owned Job, stays Running until it is %s', async (_what, condition, phase, message) => {
    const m = new KubernetesJobProvider({ store, pollMs: 5_000 });
    const started = await m.run(run, metric, ctx);
    expect(started).toMatchObject({
      phase: 'Running',
      resumeAt: '2026-01-01T00:00:05.000Z',
      metadata: { 'job-name': 'uid-1.smoke.2' },
    });
    const job = fake.peek('jobs', 'shop', 'uid-1.smoke.2', 'batch') as KubeObject | undefined;
    expect(job?.metadata.labels).toEqual({
      team: 'web',
      'analysisrun.argoproj.io/name': 'web-abc-2',
      [ANALYSIS_RUN_METRIC_LABEL]: 'smoke',
    });
    expect(job?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'AnalysisRun', uid: 'UID-1', controller: true });
    now += 5_000;
    expect(await m.resume(run, metric, started, ctx)).toMatchObject({
      phase: 'Running',
      resumeAt: '2026-01-01T00:00:10.000Z',
    });
    await finishJob('uid-1.smoke.2', condition);
    const done = await m.resume(run, metric, started, ctx);
    expect(done.phase).toBe(phase);
    expect(done.message).toBe(message);
    expect(done.resumeAt).toBeUndefined();
  });

  it('deletes the Job when the run terminates, and errors when the Job vanished', async () => {
    const m = new KubernetesJobProvider({ store });
    const started = await m.run(run, metric, ctx);
    const terminated = await m.terminate(run, metric, started, ctx);
    expect(terminated.phase).toBe('Successful');
    expect(fake.peek('jobs', 'shop', 'uid-1.smoke.2', 'batch')).toBeUndefined();
    expect((await m.resume(run, metric, started, ctx)).phase).toBe('Error');
  });
});
