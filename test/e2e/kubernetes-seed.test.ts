import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { Rollout } from '../../src/api/index.js';
import { FakeClock } from '../../src/controller/runtime/index.js';
import {
  INSTANCE_ID_LABEL,
  KubeClient,
  KubernetesStore,
  startController,
  type RunningController,
} from '../../src/kubernetes/index.js';
import { FakeApiServer } from '../harness/fake-apiserver.js';
import { FakeAnalysis } from '../sim/analysis.js';
import { Journey } from '../sim/dsl.js';
import { NAME, NS, seedRollout } from '../sim/fixtures.js';
import type { JourneyWorld } from '../sim/journey-world.js';
import { PodRealiser } from '../sim/realiser.js';
import { describeSeedJourney } from '../sim/seed-journey.js';
import { advanceSettling, settleUntilQuiet } from '../sim/settle.js';
import { START } from '../sim/world.js';

/**
 * The seed journeys in Kubernetes mode: the composed `kanary controller` (KubernetesStore, instance-id view,
 * Rollout controller, metrics) against a FAKE API server (test/harness/fake-apiserver.ts; no real kube-apiserver
 * can run here), with the simulated ReplicaSet-to-pods realiser and analysis stand-in of the local journeys
 * (test/sim), on a fake clock. The journey is the one of rollout-seed.test.ts (test/sim/seed-journey.ts); this file
 * adds what only a Kubernetes API server has: the instance-id label, metrics, watches and resource versions.
 */
class KubeWorld implements JourneyWorld {
  readonly pods: PodRealiser;
  readonly analysis: FakeAnalysis;

  private constructor(
    readonly clock: FakeClock,
    readonly fake: FakeApiServer,
    /** The journey's own connection (as kubectl would be); the controller has another. */
    readonly store: KubernetesStore,
    readonly controller: RunningController,
  ) {
    this.pods = new PodRealiser(store, clock, 5_000);
    this.analysis = new FakeAnalysis(store, clock);
  }

  static async start(): Promise<KubeWorld> {
    const clock = new FakeClock(START);
    const fake = await FakeApiServer.start({ now: () => new Date(clock.now()), bookmarkIntervalMs: 50 });
    const controller = await startController({
      store: connect(fake),
      clock,
      metricsPort: 0,
      metricsHost: '127.0.0.1',
      runAnalysis: false,
      log: () => undefined,
    });
    return new KubeWorld(clock, fake, connect(fake), controller);
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    await this.store.close();
    await this.fake.close();
  }

  /** As the simulated world settles, but two quiet rounds in a row, with real time between for HTTP to land. */
  async settle(): Promise<void> {
    await settleUntilQuiet(
      {
        idle: async () => {
          await pause(10);
          await this.controller.waitIdle();
        },
        pods: this.pods,
        analysis: this.analysis,
        version: () => Promise.resolve(this.fake.resourceVersion),
      },
      { maxRounds: 400, quietRounds: 2, what: 'the journey against the fake API server' },
    );
  }

  async advance(ms: number): Promise<void> {
    await advanceSettling(this.clock, ms, () => this.settle());
  }
}

function connect(fake: FakeApiServer): KubernetesStore {
  const kc = new KubeConfig();
  kc.loadFromString(fake.kubeconfig());
  return new KubernetesStore({ client: new KubeClient(kc), reconnectDelayMs: 10 });
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Given the seed objects behind the fake API server, the Rollout opted in to Kanary, revision 1 deployed. */
async function given(): Promise<Journey<KubeWorld>> {
  // Opt in to Kanary (ADR 0003): the label Argo's instance-id mechanism uses.
  return Journey.givenIn(await KubeWorld.start(), { analysis: true, labels: { [INSTANCE_ID_LABEL]: 'kanary' } });
}

describeSeedJourney('Kubernetes mode journeys: the seed scenario against a fake API server', {
  given,
  backgroundRunLabels: { [INSTANCE_ID_LABEL]: 'kanary' },
  afterSuccess: async (j) => {
    // The controller's metrics describe what it sees, under Argo's names.
    const text = await (await fetch(`http://127.0.0.1:${j.world.controller.metricsPort ?? 0}/metrics`)).text();
    expect(text).toContain(
      `rollout_info{namespace="${NS}",name="${NAME}",strategy="canary",traffic_router="Nginx",phase="Completed"} 1`,
    );
    expect(text).toMatch(new RegExp(`rollout_reconcile_count\\{namespace="${NS}",name="${NAME}"\\} [1-9]`));
  },
});

describe('Kubernetes mode journeys: watches and ownership against a fake API server', () => {
  let j: Journey<KubeWorld> | undefined;
  afterEach(async () => {
    await j?.stop();
    j = undefined;
  });

  it('recovers from dropped watches and a 410 Gone mid-rollout without missing a step', async () => {
    j = await given();
    const fake = j.world.fake;
    fake.dropWatches();
    await j.whenImageSet('2.0.0');
    fake.compact();
    fake.dropWatches();
    await j.whenPodsBecomeReady();
    await j.thenPhase('Paused', 'CanaryPauseStep');
    await j.thenWeight(25);
    fake.compact();
    fake.dropWatches();
    await j.whenPromoted();
    await j.thenWeight(50);
    await j.thenStep(3);
  });

  it('leaves a Rollout without the instance-id label to Argo Rollouts: Kanary never writes it', async () => {
    j = await given();
    const argoOwned = seedRollout({ analysis: false });
    argoOwned.metadata.name = 'argo-owned';
    const created = await j.world.store.create(argoOwned);
    await j.whenTimePasses(5_001);
    const after = await j.world.store.get<Rollout>('Rollout', NS, 'argo-owned');
    expect(after?.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(after?.status).toBeUndefined();
    expect((await j.replicaSets()).filter((r) => r.metadata.ownerReferences?.[0]?.name === 'argo-owned')).toEqual([]);
  });
});
