import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  AnalysisPhase,
  AnalysisRun,
  Ingress,
  KubeObject,
  ReplicaSet,
  Rollout,
  RolloutStatus,
  Service,
} from '../../src/api/index.js';
import { parseDuration } from '../../src/api/index.js';
import { FakeClock } from '../../src/controller/runtime/index.js';
import {
  INSTANCE_ID_LABEL,
  KubeClient,
  KubernetesStore,
  startController,
  type RunningController,
} from '../../src/kubernetes/index.js';
import * as ops from '../../src/operations/index.js';
import { POD_TEMPLATE_HASH_LABEL, ROLLOUT_TYPE_LABEL, revisionOf } from '../../src/rollout/index.js';
import { FakeApiServer } from '../harness/fake-apiserver.js';
import { FakeAnalysis } from '../sim/analysis.js';
import {
  IMAGE,
  NAME,
  NS,
  SEED_FAILURE_MESSAGE,
  seedRollout,
  service,
  stableIngress,
  successShareTemplate,
} from '../sim/fixtures.js';
import { PodRealiser } from '../sim/realiser.js';
import { START } from '../sim/world.js';

/**
 * The seed journeys in Kubernetes mode: the composed `kanary controller` (KubernetesStore, instance-id view,
 * Rollout controller, metrics) against a FAKE API server (test/harness/fake-apiserver.ts; no real kube-apiserver
 * can run here), with the simulated ReplicaSet-to-pods realiser and analysis stand-in of the local journeys
 * (test/sim), on a fake clock. Assertions are the ones of test/e2e/rollout-seed.test.ts.
 */
class KubeJourney {
  readonly clock = new FakeClock(START);
  readonly ns = NS;
  fake!: FakeApiServer;
  store!: KubernetesStore;
  controller!: RunningController;
  pods!: PodRealiser;
  analysis!: FakeAnalysis;

  static async given(): Promise<KubeJourney> {
    const j = new KubeJourney();
    j.fake = await FakeApiServer.start({ now: () => new Date(j.clock.now()), bookmarkIntervalMs: 50 });
    const kc = new KubeConfig();
    kc.loadFromString(j.fake.kubeconfig());
    j.store = new KubernetesStore({ client: new KubeClient(kc), reconnectDelayMs: 10 });
    j.pods = new PodRealiser(j.store, j.clock, 5_000);
    j.analysis = new FakeAnalysis(j.store, j.clock);
    const kc2 = new KubeConfig();
    kc2.loadFromString(j.fake.kubeconfig());
    j.controller = await startController({
      store: new KubernetesStore({ client: new KubeClient(kc2), reconnectDelayMs: 10 }),
      clock: j.clock,
      metricsPort: 0,
      metricsHost: '127.0.0.1',
      runAnalysis: false,
      log: () => undefined,
    });
    await j.store.create(service('sample-app'));
    await j.store.create(service('sample-app-canary'));
    await j.store.create(stableIngress());
    await j.store.create(successShareTemplate());
    const ro = seedRollout({ analysis: true });
    // Opt in to Kanary (ADR 0003): the label Argo's instance-id mechanism uses.
    ro.metadata.labels = { ...ro.metadata.labels, [INSTANCE_ID_LABEL]: 'kanary' };
    await j.store.create(ro);
    await j.advance(5_001);
    return j;
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    await this.store.close();
    await this.fake.close();
  }

  /** Runs controller, pods and analysis until two rounds in a row change nothing; real time lets HTTP land. */
  async settle(): Promise<void> {
    let last = '';
    let quiet = 0;
    for (let round = 0; round < 400; round++) {
      await pause(10);
      await this.controller.waitIdle();
      const a = await this.pods.sync();
      const b = await this.analysis.sync();
      await pause(10);
      await this.controller.waitIdle();
      const version = this.fake.resourceVersion;
      if (!a && !b && version === last) {
        if (++quiet >= 2) return;
      } else {
        quiet = 0;
      }
      last = version;
    }
    throw new Error('the journey did not settle in 400 rounds');
  }

  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    await this.settle();
    for (let next = this.clock.nextTimerAt(); next !== undefined && next <= target; next = this.clock.nextTimerAt()) {
      this.clock.advance(Math.max(0, next - this.clock.now()));
      await this.settle();
    }
    this.clock.advance(Math.max(0, target - this.clock.now()));
    await this.settle();
  }

  async whenImageSet(tag: string): Promise<void> {
    await ops.setImage(this.store, NS, NAME, 'sample-app', `${IMAGE}:${tag}`);
    await this.settle();
  }

  async whenPromoted(): Promise<void> {
    await ops.promote(this.store, NS, NAME, { full: false });
    await this.settle();
  }

  async whenTimePasses(d: string): Promise<void> {
    await this.advance(parseDuration(d));
  }

  async whenBackgroundRunEnds(phase: AnalysisPhase, message?: string): Promise<void> {
    const run = (await this.liveRuns()).find((r) => r.metadata.labels?.[ROLLOUT_TYPE_LABEL] === 'Background');
    if (!run) throw new Error('no live Background AnalysisRun');
    await this.analysis.setPhase(NS, run.metadata.name ?? '', phase, message);
    await this.settle();
  }

  async status(): Promise<RolloutStatus> {
    return (await this.store.get<Rollout>('Rollout', NS, NAME))?.status ?? {};
  }

  async weight(): Promise<number | undefined> {
    const ing = await this.store.get<Ingress>('Ingress', NS, 'sample-app-sample-app-canary');
    const w = ing?.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'];
    return w === undefined ? undefined : Number(w);
  }

  async replicaSets(): Promise<ReplicaSet[]> {
    return (await this.store.list<ReplicaSet>('ReplicaSet', { namespace: NS })).items.sort(
      (a, b) => revisionOf(a) - revisionOf(b),
    );
  }

  async rsOfHash(hash: string | undefined): Promise<ReplicaSet | undefined> {
    return (await this.replicaSets()).find((r) => r.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash);
  }

  async replicaSetOfRevision(revision: number): Promise<ReplicaSet> {
    const rs = (await this.replicaSets()).find((r) => revisionOf(r) === revision);
    if (!rs) throw new Error(`no ReplicaSet of revision ${revision}`);
    return rs;
  }

  async selectorOf(name: string): Promise<string | undefined> {
    return (await this.store.get<Service>('Service', NS, name))?.spec?.selector?.[POD_TEMPLATE_HASH_LABEL];
  }

  async runs(): Promise<AnalysisRun[]> {
    return (await this.store.list<AnalysisRun>('AnalysisRun', { namespace: NS })).items.sort(
      (a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
    );
  }

  async liveRuns(): Promise<AnalysisRun[]> {
    return (await this.runs()).filter((r) => r.spec.terminate !== true && (r.status?.phase ?? 'Pending') === 'Running');
  }

  async events(reason: string): Promise<{ message: string }[]> {
    const items = (
      await this.store.list<KubeObject & { reason?: string; message?: string }>('Event', { namespace: NS })
    ).items;
    return items
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .filter((e) => e.reason === reason)
      .map((e) => ({ message: String(e.message) }));
  }

  async podDeployments(): Promise<(string | undefined)[]> {
    return (await this.store.list<KubeObject>('Pod', { namespace: NS })).items.map(
      (p) => p.metadata.labels?.deployment,
    );
  }

  async thenPhase(phase: string, message?: string): Promise<void> {
    const s = await this.status();
    expect({ phase: s.phase, message: s.message }).toEqual({ phase, message: message ?? s.message });
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('Kubernetes mode journeys: the seed scenario against a fake API server', () => {
  let j: KubeJourney | undefined;
  afterEach(async () => {
    await j?.stop();
    j = undefined;
  });

  it('success path: set image, pause at 25, promote, 50 with analysis, 75, then Healthy on revision 2', async () => {
    j = await KubeJourney.given();
    const first = await j.status();
    expect(first.phase).toBe('Healthy');
    expect(await j.podDeployments()).toEqual(['stable']);

    await j.whenImageSet('2.0.0');
    await j.advance(5_001);
    await j.thenPhase('Paused', 'CanaryPauseStep');
    expect((await j.status()).currentStepIndex).toBe(1);
    expect(await j.weight()).toBe(25);
    const canary = await j.rsOfHash((await j.status()).currentPodHash);
    expect(canary?.spec.replicas).toBe(1);
    expect((await j.rsOfHash((await j.status()).stableRS))?.spec.replicas).toBe(1);
    expect(await j.selectorOf('sample-app-canary')).toBe((await j.status()).currentPodHash);
    const ing = await j.store.get<Ingress>('Ingress', NS, 'sample-app-sample-app-canary');
    expect(ing?.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '25',
      'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
    });
    expect(ing?.spec?.rules?.[0]?.http?.paths[0]?.backend.service?.name).toBe('sample-app-canary');
    expect(await j.runs()).toHaveLength(0);

    await j.whenPromoted();
    expect((await j.status()).currentStepIndex).toBe(3);
    expect(await j.weight()).toBe(50);
    await j.thenPhase('Paused', 'CanaryPauseStep');
    const runs = await j.liveRuns();
    expect(runs.map((r) => r.metadata.name)).toEqual([`sample-app-${(await j.status()).currentPodHash ?? ''}-2`]);
    expect(runs[0]?.metadata.labels).toMatchObject({ 'rollout-type': 'Background', [INSTANCE_ID_LABEL]: 'kanary' });
    expect(runs[0]?.metadata.annotations).toMatchObject({ 'rollout.argoproj.io/revision': '2' });

    await j.whenTimePasses('5m');
    expect((await j.status()).currentStepIndex).toBe(5);
    expect(await j.weight()).toBe(75);
    await j.whenTimePasses('5m');
    await j.thenPhase('Healthy', '');
    const s = await j.status();
    expect(s.stableRS).toBe(s.currentPodHash);
    expect(await j.weight()).toBe(0);
    expect(await j.selectorOf('sample-app')).toBe(s.stableRS);
    expect(await j.selectorOf('sample-app-canary')).toBe(s.stableRS);
    const bg = (await j.runs())[0];
    expect(bg?.spec.terminate).toBe(true);
    expect(bg?.status?.phase).toBe('Successful');
    expect((await j.replicaSetOfRevision(1)).spec.replicas).toBe(1);
    await j.whenTimePasses('31s');
    expect((await j.replicaSetOfRevision(1)).spec.replicas).toBe(0);
    expect(await j.podDeployments()).toEqual(['stable']);
    expect((await j.events('RolloutCompleted')).at(-1)?.message).toBe(
      `Rollout completed update to revision 2 (${s.stableRS ?? ''}): Completed all 6 canary steps`,
    );

    // The controller's metrics describe what it sees, under Argo's names.
    const text = await (await fetch(`http://127.0.0.1:${j.controller.metricsPort ?? 0}/metrics`)).text();
    expect(text).toContain(
      `rollout_info{namespace="${NS}",name="${NAME}",strategy="canary",traffic_router="Nginx",phase="Completed"} 1`,
    );
    expect(text).toMatch(new RegExp(`rollout_reconcile_count\\{namespace="${NS}",name="${NAME}"\\} [1-9]`));
  });

  it('failure path: the background run fails, the rollout aborts to weight 0, Degraded, canary down 30 s later', async () => {
    j = await KubeJourney.given();
    await j.whenImageSet('2.0.0');
    await j.advance(5_001);
    await j.whenPromoted();
    expect(await j.weight()).toBe(50);
    await j.whenTimePasses('1m');
    await j.whenBackgroundRunEnds('Failed', SEED_FAILURE_MESSAGE);
    await j.thenPhase(
      'Degraded',
      `RolloutAborted: Rollout aborted update to revision 2: Background analysis phase error/failed: ${SEED_FAILURE_MESSAGE}`,
    );
    expect(await j.weight()).toBe(0);
    expect((await j.status()).currentStepIndex).toBe(0);
    const s = await j.status();
    expect(s.abort).toBe(true);
    expect(await j.selectorOf('sample-app-canary')).toBe(s.stableRS);
    const canaryHash = s.currentPodHash;
    expect((await j.rsOfHash(canaryHash))?.spec.replicas).toBe(1);
    await j.whenTimePasses('29s');
    expect((await j.rsOfHash(canaryHash))?.spec.replicas).toBe(1);
    await j.whenTimePasses('2s');
    expect((await j.rsOfHash(canaryHash))?.spec.replicas).toBe(0);
    await j.thenPhase('Degraded');
    expect((await j.events('RolloutAborted')).map((e) => e.message)).toEqual([
      `Rollout aborted update to revision 2: Background analysis phase error/failed: ${SEED_FAILURE_MESSAGE}`,
    ]);
  });

  it('recovers from dropped watches and a 410 Gone mid-rollout without missing a step', async () => {
    j = await KubeJourney.given();
    j.fake.dropWatches();
    await j.whenImageSet('2.0.0');
    j.fake.compact();
    j.fake.dropWatches();
    await j.advance(5_001);
    await j.thenPhase('Paused', 'CanaryPauseStep');
    expect(await j.weight()).toBe(25);
    j.fake.compact();
    j.fake.dropWatches();
    await j.whenPromoted();
    expect(await j.weight()).toBe(50);
    expect((await j.status()).currentStepIndex).toBe(3);
  });

  it('leaves a Rollout without the instance-id label to Argo Rollouts: Kanary never writes it', async () => {
    j = await KubeJourney.given();
    const argoOwned = seedRollout({ analysis: false });
    argoOwned.metadata.name = 'argo-owned';
    const created = await j.store.create(argoOwned);
    await j.advance(5_001);
    const after = await j.store.get<Rollout>('Rollout', NS, 'argo-owned');
    expect(after?.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(after?.status).toBeUndefined();
    expect((await j.replicaSets()).filter((r) => r.metadata.ownerReferences?.[0]?.name === 'argo-owned')).toEqual([]);
  });
});
