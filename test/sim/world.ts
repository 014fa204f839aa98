import type { AnalysisRun, Ingress, KubeObject, Pod, ReplicaSet, Rollout, Service } from '../../src/api/index.js';
import { RolloutController } from '../../src/controller/rollout/index.js';
import { FakeClock } from '../../src/controller/runtime/index.js';
import { revisionOf } from '../../src/rollout/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { FakeAnalysis } from './analysis.js';
import { PodRealiser } from './realiser.js';

export const START = Date.parse('2026-01-01T00:00:00.000Z');

export interface WorldOptions {
  /** How long a new pod takes to become ready. Default 5 s. */
  readyAfterMs?: number;
}

export interface SimEvent {
  type: string;
  reason: string;
  message: string;
  at: string;
}

/**
 * A simulated cluster: an in-memory store on a fake clock, the real Rollout controller, a simulated ReplicaSet and
 * kubelet (PodRealiser) and a stand-in AnalysisRun controller. `settle` runs everything until nothing changes;
 * `advance` moves time, stopping at every timer on the way so each due moment is observed.
 */
export class World {
  readonly clock = new FakeClock(START);
  readonly store: MemoryStore;
  readonly controller: RolloutController;
  readonly pods: PodRealiser;
  readonly analysis: FakeAnalysis;
  readonly errors: Error[] = [];
  #uid = 0;

  private constructor(options: WorldOptions) {
    let seed = 42;
    this.store = new MemoryStore({
      now: () => new Date(this.clock.now()),
      uid: () => `uid-${++this.#uid}`,
      random: () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      },
    });
    this.controller = new RolloutController({
      store: this.store,
      clock: this.clock,
      onReconcile: (r) => {
        if (r.outcome === 'error' && r.error) this.errors.push(r.error);
      },
    });
    this.pods = new PodRealiser(this.store, this.clock, options.readyAfterMs ?? 5_000);
    this.analysis = new FakeAnalysis(this.store, this.clock);
  }

  static async start(options: WorldOptions = {}): Promise<World> {
    const world = new World(options);
    await world.controller.start();
    return world;
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    await this.store.close();
  }

  async #version(): Promise<string> {
    return (await this.store.list('Rollout')).resourceVersion;
  }

  /** Runs controller, pods and analysis until a whole round changes nothing. */
  async settle(): Promise<void> {
    let last = '';
    for (let round = 0; round < 300; round++) {
      await this.controller.waitIdle(3);
      const a = await this.pods.sync();
      const b = await this.analysis.sync();
      await this.controller.waitIdle(3);
      const version = await this.#version();
      if (!a && !b && version === last) {
        const first = this.errors[0];
        if (first) throw first;
        return;
      }
      last = version;
    }
    throw new Error('the simulated world did not settle in 300 rounds: a reconcile keeps changing something');
  }

  /** Moves the clock forward by `ms`, settling at every timer that falls due. */
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

  /** Creates or replaces (spec and metadata) an object. */
  async apply<T extends KubeObject>(obj: T): Promise<T> {
    const ns = obj.metadata.namespace ?? '';
    const current = await this.store.get<T>(obj.kind, ns, obj.metadata.name ?? '');
    if (!current) return this.store.create(obj);
    return this.store.update({
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion },
    });
  }

  async rollout(ns: string, name: string): Promise<Rollout> {
    const ro = await this.store.get<Rollout>('Rollout', ns, name);
    if (!ro) throw new Error(`no rollout ${ns}/${name}`);
    return ro;
  }

  async replicaSets(ns: string): Promise<ReplicaSet[]> {
    const items = (await this.store.list<ReplicaSet>('ReplicaSet', { namespace: ns })).items;
    return items.sort((a, b) => revisionOf(a) - revisionOf(b));
  }

  async podsOf(ns: string): Promise<Pod[]> {
    return (await this.store.list<Pod>('Pod', { namespace: ns })).items;
  }

  async service(ns: string, name: string): Promise<Service | undefined> {
    return this.store.get<Service>('Service', ns, name);
  }

  async ingress(ns: string, name: string): Promise<Ingress | undefined> {
    return this.store.get<Ingress>('Ingress', ns, name);
  }

  async analysisRuns(ns: string): Promise<AnalysisRun[]> {
    return (await this.store.list<AnalysisRun>('AnalysisRun', { namespace: ns })).items.sort(
      (a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
        Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
    );
  }

  async events(ns: string): Promise<SimEvent[]> {
    const items = (await this.store.list<KubeObject & Record<string, unknown>>('Event', { namespace: ns })).items;
    return items
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .map((e) => ({
        type: String(e.type),
        reason: String(e.reason),
        message: String(e.message),
        at: String(e.lastTimestamp),
      }));
  }
}
