import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject, ReplicaSet, Rollout } from '../../api/index.js';
import * as ops from '../../operations/index.js';
import { reconcile } from '../../rollout/index.js';
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
import { FakeClock, type ReconcileReport } from '../runtime/index.js';
import { CountingStore, LaggingStore } from '../runtime/test-stores.fixture.js';
import { RolloutController } from './controller.js';
import { WORLD_KINDS } from './observe.js';

/**
 * The Rollout controller reads its world from the informers' caches. These tests count what it asks the store
 * (a counting decorator around a real MemoryStore) and hold watch events back (as a slow watch would deliver them)
 * to check that a pass never acts on a cache that misses the controller's own writes.
 */

const START = Date.parse('2026-01-01T00:00:00Z');
/** Writes to objects; status writes are left out, their number follows how changes are batched into passes. */
const WRITES = ['create', 'patch', 'delete'];

/** The seed objects with the simulated pods and analysis stand-in around the controller. */
class CountedWorld {
  readonly clock = new FakeClock(START);
  readonly store = new LaggingStore({ now: () => new Date(this.clock.now()) });
  readonly counting = new CountingStore(this.store);
  readonly reports: ReconcileReport[] = [];
  readonly controller: RolloutController;
  readonly pods = new PodRealiser(this.store, this.clock, 5_000);
  readonly analysis = new FakeAnalysis(this.store, this.clock);
  /** Holds back watch events of the world's kinds within each settling round, releasing them at the next. */
  readonly lag: boolean;

  constructor(lag: boolean) {
    this.lag = lag;
    this.controller = new RolloutController({
      store: this.counting,
      clock: this.clock,
      // Where events are held back on purpose, a short wait keeps the test quick; else the default.
      ...(lag ? { cacheWaitMs: 5 } : {}),
      onReconcile: (r) => this.reports.push(r),
    });
  }

  async settle(): Promise<void> {
    for (let round = 0; round < 200; round++) {
      if (this.lag) {
        this.store.release();
        this.store.hold(...WORLD_KINDS);
      }
      await this.controller.waitIdle(3);
      const before = (await this.store.list('Rollout')).resourceVersion;
      const changed = (await this.pods.sync()) || (await this.analysis.sync());
      await this.controller.waitIdle(3);
      const after = (await this.store.list('Rollout')).resourceVersion;
      if (!changed && after === before && this.store.heldEvents() === 0) return;
    }
    throw new Error('the counted world did not settle');
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

  async status(): Promise<Rollout['status']> {
    return (await this.store.get<Rollout>('Rollout', NS, NAME))?.status;
  }

  /** The seed success path: first deploy, set image, pause, promote, 50 with analysis, 75, Healthy on revision 2. */
  async seedSuccessPath(): Promise<void> {
    await this.controller.start();
    const objects: KubeObject[] = [
      service('sample-app'),
      service('sample-app-canary'),
      stableIngress(),
      successShareTemplate(),
      seedRollout({ analysis: true }),
    ];
    for (const obj of objects) await this.store.create(obj);
    await this.advance(5_001);
    expect((await this.status())?.phase).toBe('Healthy');
    await ops.setImage(this.store, NS, NAME, 'sample-app', `${IMAGE}:2.0.0`);
    await this.advance(5_001);
    expect((await this.status())?.pauseConditions?.[0]?.reason).toBe('CanaryPauseStep');
    await ops.promote(this.store, NS, NAME, { full: false });
    for (const ms of [5_001, 5 * 60_000, 5_001, 5 * 60_000, 60_000]) await this.advance(ms);
    const done = await this.status();
    expect(done?.phase).toBe('Healthy');
    expect(done?.stableRS).toBe(done?.currentPodHash);
    expect(this.reports.filter((r) => r.outcome === 'error')).toEqual([]);
  }

  /** The controller's writes by "method kind", leaving out Events (their number follows the passes). */
  writes(): Record<string, number> {
    const entries = [...this.counting.calls].filter(
      ([key]) => WRITES.includes(key.split(' ')[0] ?? '') && key !== 'create Event',
    );
    return Object.fromEntries(entries.sort());
  }
}

describe('RolloutController reads from informer caches', () => {
  const worlds: CountedWorld[] = [];
  afterEach(async () => {
    for (const w of worlds.splice(0)) {
      w.store.release();
      await w.controller.stop();
    }
  });

  function world(lag: boolean): CountedWorld {
    const w = new CountedWorld(lag);
    worlds.push(w);
    return w;
  }

  it('after the informers have listed, a pass reads the Rollout (one GET) and lists nothing', async () => {
    const w = world(false);
    await w.seedSuccessPath();
    const passes = w.reports.length;
    expect(passes).toBeGreaterThan(10);
    // Each informer lists once, at start; every pass then reads its world from the caches.
    expect(w.counting.count('list')).toBe(WORLD_KINDS.length + 1);
    expect(w.counting.count('get', 'Rollout')).toBe(passes);
  });

  it('with watches delivering late, passes list what their caches miss, and make exactly the same writes', async () => {
    const prompt = world(false);
    await prompt.seedSuccessPath();
    const late = world(true);
    await late.seedSuccessPath();
    expect(late.counting.count('list')).toBeGreaterThan(WORLD_KINDS.length + 1);
    expect(late.writes()).toEqual(prompt.writes());
    expect(late.writes()['create ReplicaSet']).toBe(2);
    expect(late.writes()['create AnalysisRun']).toBe(1);
  });
});

const rollout: Rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'ns' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
    strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } },
  },
};

describe('RolloutController read-your-writes', () => {
  const running: RolloutController[] = [];
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop();
  });

  function setup() {
    const clock = new FakeClock(START);
    const store = new LaggingStore({ now: () => new Date(clock.now()) });
    const counting = new CountingStore(store);
    const reports: ReconcileReport[] = [];
    const controller = new RolloutController({
      store: counting,
      clock,
      cacheWaitMs: 20,
      onReconcile: (r) => reports.push(r),
    });
    running.push(controller);
    return { clock, store, counting, reports, controller };
  }

  it('a pass whose cache misses the ReplicaSet the last pass created lists instead, and creates it once', async () => {
    const { store, counting, reports, controller } = setup();
    await controller.start();
    await store.create(rollout);
    await controller.waitIdle();
    expect(counting.count('create', 'ReplicaSet')).toBe(1);
    const passesBefore = reports.length;

    store.hold('ReplicaSet');
    const current = await store.get<Rollout>('Rollout', 'ns', 'web');
    await store.update<Rollout>({
      ...current!,
      spec: {
        ...current!.spec,
        template: { ...rollout.spec.template!, spec: { containers: [{ name: 'web', image: 'web:2' }] } },
      },
    });
    await controller.waitIdle();
    // The status write of the pass that created the canary ReplicaSet ran another pass while its event was held.
    expect(reports.length).toBeGreaterThan(passesBefore + 1);
    expect(counting.count('create', 'ReplicaSet')).toBe(2);
    expect(counting.count('list', 'ReplicaSet')).toBeGreaterThan(1);

    store.release();
    await controller.waitIdle();
    expect(counting.count('create', 'ReplicaSet')).toBe(2);
    expect((await store.list<ReplicaSet>('ReplicaSet', { namespace: 'ns' })).items).toHaveLength(2);
    expect(reports.filter((r) => r.outcome === 'error')).toEqual([]);
  });

  it('after a create whose outcome is unknown, the next pass lists that kind and creates nothing twice', async () => {
    const { clock, store, counting, reports, controller } = setup();
    await controller.start();
    await store.create(rollout);
    await controller.waitIdle();
    const lists = counting.count('list', 'ReplicaSet');

    store.hold('ReplicaSet');
    store.loseNextCreate('ReplicaSet');
    const current = (await store.get<Rollout>('Rollout', 'ns', 'web'))!;
    await store.update<Rollout>({
      ...current,
      spec: {
        ...current.spec,
        template: { ...rollout.spec.template!, spec: { containers: [{ name: 'web', image: 'web:2' }] } },
      },
    });
    await controller.waitIdle();
    expect(reports.at(-1)?.error?.message).toMatch(/connection reset/);
    await clock.advanceAsync(1_000);
    await controller.waitIdle();
    // The retry listed the ReplicaSets (their cache still lacks the canary) and found the one the failed call made.
    expect(counting.count('create', 'ReplicaSet')).toBe(2);
    expect(counting.count('list', 'ReplicaSet')).toBeGreaterThan(lists);
    expect(reports.at(-1)?.outcome).toBe('success');
    store.release();
    await controller.waitIdle();
    expect(counting.count('create', 'ReplicaSet')).toBe(2);
    expect((await store.list<ReplicaSet>('ReplicaSet', { namespace: 'ns' })).items).toHaveLength(2);
  });

  it('a create that finds its name taken runs the Rollout again after a backoff until it sees the object', async () => {
    const { clock, store, counting, reports, controller } = setup();
    await controller.start();
    // Paused, so that the engine itself asks for no further pass.
    await store.create<Rollout>({ ...rollout, spec: { ...rollout.spec, paused: true } });
    await controller.waitIdle();
    await clock.advanceAsync(1);
    await controller.waitIdle();

    // A new template, and "someone else's" ReplicaSet under the name the controller will choose for it: neither
    // reaches the controller's caches.
    store.hold('Rollout', 'ReplicaSet');
    const current = (await store.get<Rollout>('Rollout', 'ns', 'web'))!;
    const updated = await store.update<Rollout>({
      ...current,
      spec: {
        ...current.spec,
        template: { ...rollout.spec.template!, spec: { containers: [{ name: 'web', image: 'web:2' }] } },
      },
    });
    const world = {
      replicaSets: (await store.list<ReplicaSet>('ReplicaSet', { namespace: 'ns' })).items,
      pods: [],
      services: [],
      ingresses: [],
      analysisRuns: [],
      analysisTemplates: [],
      clusterAnalysisTemplates: [],
    };
    const create = reconcile(updated, world, clock.now()).actions.find(
      (a) => a.type === 'create' && a.object.kind === 'ReplicaSet',
    );
    if (create?.type !== 'create') throw new Error('the engine creates no ReplicaSet for a new template');
    await store.create({ ...create.object, metadata: { ...create.object.metadata, namespace: 'ns' } });
    const creates = counting.count('create', 'ReplicaSet');
    const passes = reports.length;

    controller.enqueue('ns', 'web');
    await controller.waitIdle();
    expect(counting.count('create', 'ReplicaSet')).toBe(creates + 1);
    expect(reports.length).toBe(passes + 1);
    await clock.advanceAsync(1_000);
    await controller.waitIdle();
    // One more pass, after the backoff: it lists the ReplicaSets (their cache still lacks the one that clashed),
    // sees it and creates nothing; then nothing more is asked for.
    expect(reports.length).toBe(passes + 2);
    expect(counting.count('create', 'ReplicaSet')).toBe(creates + 1);
    expect(reports.filter((r) => r.outcome === 'error')).toEqual([]);
    await clock.advanceAsync(60_000);
    await controller.waitIdle();
    expect(reports.length).toBe(passes + 2);
    store.release();
    await controller.waitIdle();
    expect((await store.list<ReplicaSet>('ReplicaSet', { namespace: 'ns' })).items).toHaveLength(2);
  });
});
