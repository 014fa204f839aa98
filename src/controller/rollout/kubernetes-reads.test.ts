import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject, Rollout } from '../../api/index.js';
import { KubeClient, KubernetesStore } from '../../kubernetes/index.js';
import * as ops from '../../operations/index.js';
import { FakeApiServer } from '../../../test/harness/fake-apiserver.js';
import { FakeAnalysis } from '../../../test/sim/analysis.js';
import {
  IMAGE,
  NAME,
  NS,
  seedRollout,
  service,
  stableIngress,
  successShareTemplate,
} from '../../../test/sim/fixtures.js';
import { PodRealiser } from '../../../test/sim/realiser.js';
import { advanceSettling } from '../../../test/sim/settle.js';
import { FakeClock, type ReconcileReport } from '../runtime/index.js';
import { CountingStore } from '../runtime/test-stores.fixture.js';
import { RolloutController } from './controller.js';
import { WORLD_KINDS } from './observe.js';

/**
 * In Kubernetes mode every read of the store is a request to the API server. The controller (its own connection,
 * counted) drives the seed success path against a FAKE API server (test/harness/fake-apiserver.ts; no real
 * kube-apiserver runs here), with the simulated pods and analysis on a second connection, and the test counts the
 * LIST requests the server serves for the Rollout's namespace (the informers list all namespaces; so do the
 * simulated pods and analysis).
 */
function connect(fake: FakeApiServer): KubernetesStore {
  const kc = new KubeConfig();
  kc.loadFromString(fake.kubeconfig());
  return new KubernetesStore({ client: new KubeClient(kc), reconnectDelayMs: 10 });
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A LIST (not a watch) of a collection in the seed's namespace, or of the cluster-scoped templates. */
function isWorldList(request: string): boolean {
  const [method, target = ''] = request.split(' ');
  if (method !== 'GET' || target.includes('watch=true')) return false;
  const path = target.split('?')[0] ?? '';
  const inNamespace = new RegExp(`/namespaces/${NS}/[a-z]+$`).test(path);
  return inNamespace || path.endsWith('/clusteranalysistemplates');
}

describe('RolloutController against a fake API server', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('serves the seed success path without a LIST per pass', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const fake = await FakeApiServer.start({ now: () => new Date(clock.now()), bookmarkIntervalMs: 0 });
    cleanup.push(() => fake.close());
    const actors = connect(fake);
    cleanup.push(() => actors.close());
    const counting = new CountingStore(connect(fake));
    cleanup.push(() => counting.close());
    const reports: ReconcileReport[] = [];
    // A generous wait: a pass lists instead only if a watch event took longer than this.
    const controller = new RolloutController({
      store: counting,
      clock,
      cacheWaitMs: 10_000,
      onReconcile: (r) => reports.push(r),
    });
    cleanup.push(() => controller.stop());
    const pods = new PodRealiser(actors, clock, 5_000);
    const analysis = new FakeAnalysis(actors, clock);

    const settle = async (): Promise<void> => {
      let quiet = 0;
      for (let round = 0; round < 400 && quiet < 2; round++) {
        await pause(10);
        await controller.waitIdle();
        const before = fake.resourceVersion;
        const changed = (await pods.sync()) || (await analysis.sync());
        await pause(10);
        await controller.waitIdle();
        quiet = !changed && fake.resourceVersion === before ? quiet + 1 : 0;
      }
      if (quiet < 2) throw new Error('the journey against the fake API server did not settle');
    };
    const advance = (ms: number): Promise<void> => advanceSettling(clock, ms, settle);
    const status = async (): Promise<Rollout['status']> => (await actors.get<Rollout>('Rollout', NS, NAME))?.status;

    await controller.start();
    const listsAtStart = fake.requests.filter(isWorldList).length;
    const objects: KubeObject[] = [
      service('sample-app'),
      service('sample-app-canary'),
      stableIngress(),
      successShareTemplate(),
      seedRollout({ analysis: true }),
    ];
    for (const obj of objects) await actors.create(obj);
    await advance(5_001);
    expect((await status())?.phase).toBe('Healthy');
    await ops.setImage(actors, NS, NAME, 'sample-app', `${IMAGE}:2.0.0`);
    await advance(5_001);
    expect((await status())?.pauseConditions?.[0]?.reason).toBe('CanaryPauseStep');
    await ops.promote(actors, NS, NAME, { full: false });
    for (const ms of [5_001, 5 * 60_000, 5_001, 5 * 60_000, 60_000]) await advance(ms);
    const done = await status();
    expect(done?.phase).toBe('Healthy');
    expect(done?.stableRS).toBe(done?.currentPodHash);
    expect(reports.filter((r) => r.outcome === 'error')).toEqual([]);

    const passes = reports.length;
    expect(passes).toBeGreaterThan(10);
    // What the server served for the passes: no LIST of the world, one GET of the Rollout per pass.
    expect(fake.requests.filter(isWorldList).length - listsAtStart).toBe(0);
    expect(counting.count('list')).toBe(WORLD_KINDS.length + 1);
    expect(counting.count('get', 'Rollout')).toBe(passes);
  }, 60_000);
});
