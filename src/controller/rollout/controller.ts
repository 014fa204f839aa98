import type { KubeObject, ReplicaSet, Rollout } from '../../api/index.js';
import { reconcile, type ReconcileResult } from '../../rollout/index.js';
import type { ResourceStore } from '../../store/index.js';
import {
  Controller,
  Informer,
  controllerOwnerKeys,
  keyOf,
  parseKey,
  type Clock,
  type ReconcileReport,
} from '../runtime/index.js';
import { applyAction } from './apply.js';
import { observe } from './observe.js';

export interface RolloutControllerOptions {
  store: ResourceStore;
  clock: Clock;
  /** Only Rollouts in this namespace; all when absent. */
  namespace?: string;
  /** Hears every pass (errors are retried with backoff, conflicts at once). */
  onReconcile?: (report: ReconcileReport) => void;
  /** Shared informers by kind, if the caller already runs some; the rest are created (and owned) here. */
  informers?: Partial<Record<string, Informer>>;
}

/** Kinds whose changes can change what a Rollout should do. */
const WATCHED = [
  'Rollout',
  'ReplicaSet',
  'Pod',
  'AnalysisRun',
  'Service',
  'Ingress',
  'AnalysisTemplate',
  'ClusterAnalysisTemplate',
] as const;

/**
 * The level-triggered Rollout controller: informers turn every relevant change into the key of the Rollout it
 * concerns; a worker takes keys from the deduplicating queue, reads the Rollout and its world fresh from the store,
 * runs the pure engine, applies its actions, writes the status once (optimistic concurrency: a CONFLICT re-runs
 * the pass at once) and arms the engine's "run again after" timer.
 */
export class RolloutController {
  readonly #store: ResourceStore;
  readonly #clock: Clock;
  readonly #controller: Controller;
  readonly #informers = new Map<string, Informer>();
  readonly #owned: Informer[] = [];

  constructor(options: RolloutControllerOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#controller = new Controller({
      name: 'rollout',
      clock: options.clock,
      reconcile: (key) => this.sync(key),
      ...(options.onReconcile ? { onReconcile: options.onReconcile } : {}),
    });
    for (const kind of WATCHED) {
      let informer = options.informers?.[kind];
      if (!informer) {
        const namespace = kind === 'ClusterAnalysisTemplate' ? undefined : options.namespace;
        informer = new Informer({
          store: options.store,
          kind,
          clock: options.clock,
          ...(namespace === undefined ? {} : { namespace }),
        });
        this.#owned.push(informer);
      }
      this.#informers.set(kind, informer);
      this.#controller.watches(informer, (obj) => this.#keysFor(kind, obj));
    }
  }

  /** Starts watching and working; resolves once every informer has listed. */
  start(): Promise<void> {
    return this.#controller.start();
  }

  /** Stops the worker (after its pass in flight) and the informers this controller created. */
  async stop(): Promise<void> {
    await this.#controller.stop();
    for (const informer of this.#owned) informer.stop();
  }

  /** Queues a pass over a Rollout. */
  enqueue(namespace: string, name: string): void {
    this.#controller.enqueue(keyOf(namespace, name));
  }

  /** Resolves once no pass is queued or running (timers may be pending). */
  waitIdle(settleRounds?: number): Promise<void> {
    return this.#controller.waitIdle(settleRounds);
  }

  #rolloutKeys(namespace: string | undefined): string[] {
    const rollouts = this.#informers.get('Rollout')?.list(namespace) ?? [];
    return rollouts.map((r) => keyOf(r.metadata.namespace ?? '', r.metadata.name ?? ''));
  }

  #keysFor(kind: string, obj: KubeObject): string[] {
    const ns = obj.metadata.namespace ?? '';
    switch (kind) {
      case 'Rollout':
        return [keyOf(ns, obj.metadata.name ?? '')];
      case 'ReplicaSet':
      case 'AnalysisRun':
        return controllerOwnerKeys('Rollout')(obj);
      case 'Pod': {
        const replicaSets = this.#informers.get('ReplicaSet');
        return controllerOwnerKeys('ReplicaSet')(obj).flatMap((rsKey) => {
          const { namespace, name } = parseKey(rsKey);
          const rs = replicaSets?.get(namespace, name) as ReplicaSet | undefined;
          return rs ? controllerOwnerKeys('Rollout')(rs) : [];
        });
      }
      case 'ClusterAnalysisTemplate':
        return this.#rolloutKeys(undefined);
      default:
        return this.#rolloutKeys(ns);
    }
  }

  /** One pass for one Rollout key ("namespace/name"). Public so tools and tests can drive passes by hand. */
  async sync(key: string): Promise<ReconcileResult | undefined> {
    const { namespace, name } = parseKey(key);
    const rollout = await this.#store.get<Rollout>('Rollout', namespace, name);
    if (!rollout) return undefined;
    const observed = await observe(this.#store, rollout);
    const now = this.#clock.now();
    const result = reconcile(rollout, observed, now);
    // The Rollout's own metadata (revision annotation) is written after the status, which carries the
    // resourceVersion read above: writing it first would make every status write conflict.
    const own = result.actions.filter((a) => a.type === 'patch' && a.kind === 'Rollout');
    for (const action of result.actions) {
      if (!own.includes(action)) await applyAction(this.#store, rollout, action, new Date(now));
    }
    if (JSON.stringify(rollout.status ?? {}) !== JSON.stringify(result.status)) {
      await this.#store.updateStatus<Rollout>({ ...rollout, status: result.status });
    }
    for (const action of own) await applyAction(this.#store, rollout, action, new Date(now));
    return result;
  }
}
