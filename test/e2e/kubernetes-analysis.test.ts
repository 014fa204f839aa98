import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnalysisRun } from '../../src/api/index.js';
import {
  INSTANCE_ID_LABEL,
  KubeClient,
  KubernetesStore,
  startController,
  type RunningController,
} from '../../src/kubernetes/index.js';
import { FakeApiServer } from '../harness/fake-apiserver.js';

/**
 * The composed `kanary controller` measuring AnalysisRuns in Kubernetes mode: the real AnalysisRun controller and
 * web provider, over the KubernetesStore and a FAKE API server (test/harness/fake-apiserver.ts; no real
 * kube-apiserver can run here), against a local HTTP endpoint whose answer the test sets.
 */
describe('Kubernetes mode: AnalysisRuns measured by the composed controller (fake API server)', () => {
  let fake: FakeApiServer;
  let store: KubernetesStore;
  let controller: RunningController;
  let endpoint: Server;
  let healthy = true;

  beforeEach(async () => {
    endpoint = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: healthy })),
    );
    await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
    fake = await FakeApiServer.start({ bookmarkIntervalMs: 100 });
    const connect = (): KubeClient => {
      const kc = new KubeConfig();
      kc.loadFromString(fake.kubeconfig());
      return new KubeClient(kc);
    };
    store = new KubernetesStore({ client: connect() });
    controller = await startController({
      store: new KubernetesStore({ client: connect() }),
      metricsPort: -1,
      log: () => undefined,
    });
  });
  afterEach(async () => {
    await controller.stop();
    await store.close();
    await fake.close();
    await new Promise((r) => endpoint.close(r));
  });

  function run(name: string, labelled: boolean): AnalysisRun {
    const { port } = endpoint.address() as AddressInfo;
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name, namespace: 'shop', ...(labelled ? { labels: { [INSTANCE_ID_LABEL]: 'kanary' } } : {}) },
      spec: {
        metrics: [
          {
            name: 'health',
            successCondition: 'result.ok == true',
            provider: { web: { url: `http://127.0.0.1:${port}/health` } },
          },
        ],
      },
    };
  }

  it.each([
    [true, 'Successful'],
    [false, 'Failed'],
  ])(
    'a labelled run against an endpoint answering ok=%s ends %s; an unlabelled one (Argo’s) is left alone',
    async (ok, phase) => {
      healthy = ok;
      await store.create(run('argos', false));
      await store.create(run('ours', true));
      await vi.waitFor(
        async () => expect((await store.get<AnalysisRun>('AnalysisRun', 'shop', 'ours'))?.status?.phase).toBe(phase),
        {
          timeout: 10_000,
          interval: 50,
        },
      );
      const ours = await store.get<AnalysisRun>('AnalysisRun', 'shop', 'ours');
      expect(ours?.status?.metricResults?.[0]?.measurements?.[0]?.phase).toBe(phase);
      await controller.waitIdle();
      expect((await store.get<AnalysisRun>('AnalysisRun', 'shop', 'argos'))?.status).toBeUndefined();
    },
  );
});
