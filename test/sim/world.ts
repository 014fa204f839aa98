import type { AnalysisRun, Ingress, KubeObject, Pod, ReplicaSet, Rollout, Service } from '../../src/api/index.js';
import { RolloutController } from '../../src/controller/rollout/index.js';
import { FakeClock } from '../../src/controller/runtime/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { FakeAnalysis } from './analysis.js';
import type { JourneyWorld } from './journey-world.js';
import * as read from './read.js';
import type { SimEvent } from './read.js';
import { PodRealiser } from './realiser.js';
import { advanceSettling, settleUntilQuiet } from './settle.js';

export type { SimEvent } from './read.js';

export const START = Date.parse('2026-01-01T00:00:00.000Z');

export interface WorldOptions {
  /** How long a new pod takes to become ready. Default 5 s. */
  readyAfterMs?: number;
}

/**
 * A simulated cluster: an in-memory store on a fake clock, the real Rollout controller, a simulated ReplicaSet and
 * kubelet (PodRealiser) and a stand-in AnalysisRun controller. `settle` runs everything until nothing changes;
 * `advance` moves time, stopping at every timer on the way so each due moment is observed.
 */
export class World implements JourneyWorld {
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

  /** Runs controller, pods and analysis until a whole round changes nothing. */
  async settle(): Promise<void> {
    await settleUntilQuiet(
      {
        idle: () => this.controller.waitIdle(3),
        pods: this.pods,
        analysis: this.analysis,
        version: async () => (await this.store.list('Rollout')).resourceVersion,
      },
      { maxRounds: 300, quietRounds: 1, what: 'the simulated world' },
    );
    const first = this.errors[0];
    if (first) throw first;
  }

  /** Moves the clock forward by `ms`, settling at every timer that falls due. */
  async advance(ms: number): Promise<void> {
    await advanceSettling(this.clock, ms, () => this.settle());
  }

  /** Creates or replaces (spec and metadata) an object. */
  async apply<T extends KubeObject>(obj: T): Promise<T> {
    return read.applyObject(this.store, obj);
  }

  async rollout(ns: string, name: string): Promise<Rollout> {
    return read.readRollout(this.store, ns, name);
  }

  async replicaSets(ns: string): Promise<ReplicaSet[]> {
    return read.replicaSetsOf(this.store, ns);
  }

  async podsOf(ns: string): Promise<Pod[]> {
    return read.podsOf(this.store, ns);
  }

  async service(ns: string, name: string): Promise<Service | undefined> {
    return read.serviceOf(this.store, ns, name);
  }

  async ingress(ns: string, name: string): Promise<Ingress | undefined> {
    return read.ingressOf(this.store, ns, name);
  }

  async analysisRuns(ns: string): Promise<AnalysisRun[]> {
    return read.analysisRunsOf(this.store, ns);
  }

  async events(ns: string): Promise<SimEvent[]> {
    return read.eventsOf(this.store, ns);
  }
}
