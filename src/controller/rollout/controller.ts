import type { KubeObject, ReplicaSet, Rollout } from '../../api/index.js';
import { reconcile, type Observed, type ReconcileResult } from '../../rollout/index.js';
import type { ResourceStore } from '../../store/index.js';
import {
  Controller,
  Informer,
  WriteExpectations,
  compareResourceVersions,
  controllerOwnerKeys,
  keyOf,
  parseKey,
  type Clock,
  type ReconcileReport,
  type ReconcileResult as PassResult,
} from '../runtime/index.js';
import { applyAction, type Applied } from './apply.js';
import { WORLD_KINDS, observeWith, type WorldKind } from './observe.js';

export interface RolloutControllerOptions {
  store: ResourceStore;
  clock: Clock;
  /** Only Rollouts in this namespace; all when absent. */
  namespace?: string;
  /** Hears every pass (errors are retried with backoff, conflicts at once). */
  onReconcile?: (report: ReconcileReport) => void;
  /** Shared informers by kind, if the caller already runs some; the rest are created (and owned) here. */
  informers?: Partial<Record<string, Informer>>;
  /**
   * How long, in real milliseconds, a pass waits for the informers to show the controller's own earlier writes
   * before it lists that kind from the store instead. Default 1000.
   */
  cacheWaitMs?: number;
  /** The clock of that wait: real time unless a test needs to control it (see WriteExpectations). */
  cacheWaitClock?: Clock;
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
 * concerns; a worker takes keys from the deduplicating queue, reads the Rollout fresh from the store and its world
 * from the informers' caches, runs the pure engine, applies its actions, writes the status once (optimistic
 * concurrency: a CONFLICT re-runs the pass at once) and arms the engine's "run again after" timer.
 *
 * Reads, and why they are safe:
 * - The Rollout itself is read from the store (one GET). The status write carries the version of that read, so it
 *   fails rather than overwrite a newer status; but the actions applied before it (Service selectors, Ingress
 *   weights, scaling) are computed from the same read, and a cached Rollout that missed the previous pass's own
 *   status write (a step advanced) would have them undo that step before the status write is refused.
 * - The world (ReplicaSets, Pods, Services, Ingresses, AnalysisRuns and templates) comes from the informers, which
 *   the controller runs anyway to hear changes, once they have listed (`start` waits for that). Every write a pass
 *   makes is recorded in WriteExpectations; a later pass uses a kind's cache only once that informer has seen all of
 *   them (waiting up to `cacheWaitMs` for the watch to deliver), and otherwise lists that kind from the store, as
 *   it does for kinds whose informer is not following the store (a broken watch) or does not cover the namespace.
 *   So a pass never misses the controller's own writes: it cannot create a ReplicaSet or AnalysisRun twice or patch
 *   a Service or Ingress back. See WriteExpectations for the argument.
 * - A create that finds its name taken means the picture was behind someone else's write: the pass records the
 *   existing object's version as an expectation and asks for another pass after the key's backoff.
 * - A write that fails may still have gone through (a response lost on the way back), leaving no version to wait
 *   for: the next read of that kind lists it, and the cache is trusted again once it is as new as that list.
 */
export class RolloutController {
  readonly #store: ResourceStore;
  readonly #clock: Clock;
  readonly #controller: Controller;
  readonly #informers = new Map<string, Informer>();
  readonly #owned: Informer[] = [];
  readonly #expectations: WriteExpectations;
  /** Kinds a write to which failed without telling whether it took effect: their next read lists them. */
  readonly #unsure = new Set<string>();

  constructor(options: RolloutControllerOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#expectations = new WriteExpectations({
      ...(options.cacheWaitMs === undefined ? {} : { waitMs: options.cacheWaitMs }),
      ...(options.cacheWaitClock === undefined ? {} : { clock: options.cacheWaitClock }),
    });
    this.#controller = new Controller({
      name: 'rollout',
      clock: options.clock,
      reconcile: (key) => this.#reconcileKey(key),
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
    return (await this.#pass(key))?.result;
  }

  async #reconcileKey(key: string): Promise<PassResult | undefined> {
    const pass = await this.#pass(key);
    if (!pass) return undefined;
    const after = pass.result.requeueAfterMs;
    return { ...(after === undefined ? {} : { requeueAfterMs: after }), ...(pass.clashed ? { backoff: true } : {}) };
  }

  async #pass(key: string): Promise<{ result: ReconcileResult; clashed: boolean } | undefined> {
    const { namespace, name } = parseKey(key);
    const rollout = await this.#store.get<Rollout>('Rollout', namespace, name);
    if (!rollout) return undefined;
    const observed = await observeWith((kind, ns) => this.#read(kind, ns), rollout);
    const now = this.#clock.now();
    const result = reconcile(rollout, observed, now);
    let clashed = false;
    const apply = async (action: (typeof result.actions)[number]): Promise<void> => {
      let applied: Applied;
      try {
        applied = await applyAction(this.#store, rollout, action, new Date(now));
      } catch (err) {
        // The write may have gone through (a lost response): no version to wait for, so list that kind next time.
        if (action.type === 'create') this.#unsure.add(action.object.kind);
        else if (action.type !== 'event') this.#unsure.add(action.kind);
        throw err;
      }
      if (applied.outcome === 'exists') clashed = true;
      await this.#remember(applied, observed);
    };
    // The Rollout's own metadata (revision annotation) is written after the status, which carries the
    // resourceVersion read above: writing it first would make every status write conflict.
    const own = result.actions.filter((a) => a.type === 'patch' && a.kind === 'Rollout');
    for (const action of result.actions) {
      if (!own.includes(action)) await apply(action);
    }
    if (JSON.stringify(rollout.status ?? {}) !== JSON.stringify(result.status)) {
      await this.#store.updateStatus<Rollout>({ ...rollout, status: result.status });
    }
    for (const action of own) await apply(action);
    return { result, clashed };
  }

  /**
   * The informer that caches objects of `kind` in `namespace`, if any: only the world's kinds (the Rollout is read
   * fresh), and only where the informer watches that namespace.
   */
  #cacheOf(kind: string, namespace: string): Informer | undefined {
    const informer = (WORLD_KINDS as readonly string[]).includes(kind) ? this.#informers.get(kind) : undefined;
    return informer?.namespace === undefined || informer.namespace === namespace ? informer : undefined;
  }

  /** Objects of a kind in a namespace: from the cache when it holds every write this controller made, else listed. */
  async #read(kind: WorldKind, namespace: string): Promise<readonly KubeObject[]> {
    const informer = this.#cacheOf(kind, namespace);
    if (informer && this.#unsure.delete(kind)) {
      // Whatever that failed write did is in this list; later passes use the cache once it is as new.
      const listed = (await this.#store.list(kind, { namespace })).items;
      this.#expectations.expectVersion(informer, newestVersion(listed));
      return listed;
    }
    if (informer && (await this.#expectations.caughtUp(informer))) return informer.list(namespace);
    return (await this.#store.list(kind, { namespace })).items;
  }

  /** Records what a write did, so later passes wait for the cache to show it (read your writes). */
  async #remember(applied: Applied, observed: Observed): Promise<void> {
    switch (applied.outcome) {
      case 'event':
        return;
      case 'written': {
        const informer = this.#cacheOf(applied.object.kind, applied.object.metadata.namespace ?? '');
        if (informer) this.#expectations.expectWritten(informer, applied.object);
        return;
      }
      case 'gone': {
        const informer = this.#cacheOf(applied.kind, applied.namespace);
        const uid = observedUid(observed, applied.kind, applied.name);
        if (informer) this.#expectations.expectGone(informer, applied.namespace, applied.name, uid);
        return;
      }
      case 'exists': {
        // Someone else's object (or a write the picture missed): wait for the cache to show it as it is now.
        const informer = this.#cacheOf(applied.kind, applied.namespace);
        if (!informer) return;
        const existing = await this.#store.get(applied.kind, applied.namespace, applied.name);
        if (existing) this.#expectations.expectWritten(informer, existing);
        return;
      }
    }
  }
}

const OBSERVED_BY_KIND: Partial<Record<string, keyof Observed>> = {
  ReplicaSet: 'replicaSets',
  Pod: 'pods',
  Service: 'services',
  Ingress: 'ingresses',
  AnalysisRun: 'analysisRuns',
  AnalysisTemplate: 'analysisTemplates',
  ClusterAnalysisTemplate: 'clusterAnalysisTemplates',
};

/** The newest resourceVersion among `objects` ("0" for none: nothing to wait for). */
function newestVersion(objects: readonly KubeObject[]): string {
  let newest = '0';
  for (const o of objects) {
    const version = o.metadata.resourceVersion ?? '';
    const order = compareResourceVersions(version, newest);
    // A version that cannot be ordered cannot be waited for either: leave it to the readers to list.
    if (order === undefined) return '';
    if (order > 0) newest = version;
  }
  return newest;
}

/** The uid of the object of that kind and name the pass saw, if it saw one. */
function observedUid(observed: Observed, kind: string, name: string): string | undefined {
  const field = OBSERVED_BY_KIND[kind];
  const objects: readonly KubeObject[] = field === undefined ? [] : observed[field];
  return objects.find((o) => o.metadata.name === name)?.metadata.uid;
}
