import type { KubeObject } from '../../api/index.js';
import { KanaryError, RESOURCE_KINDS } from '../../common/index.js';
import { Controller } from '../../controller/runtime/index.js';
import type { Clock, TimerHandle } from '../../controller/runtime/index.js';
import type { ResourceStore, WatchEvent } from '../../store/index.js';
import { isCollectable, ownerAddress, planCollection, scopesOf } from './plan.js';
import type { KindScopes, ObjectRef, OwnerAddress } from './plan.js';

export interface GarbageCollectorOptions {
  store: ResourceStore;
  clock: Clock;
  /** The kinds to collect and to look owners up in. Default: every kind the API serves. */
  kinds?: readonly { kind: string; namespaced: boolean }[];
  log?: (message: string) => void;
}

const SWEEP = 'sweep';
const CHECK = 'check/';
/** Delay before watching a kind again after its watch failed. */
const REWATCH_MS = 500;

/**
 * Local mode's garbage collector, kube-controller-manager's with background propagation: deletes every object
 * whose owners (`metadata.ownerReferences`) are all gone. Kubernetes mode needs none: the API server collects.
 *
 * - It sweeps the whole store when it starts (owners deleted while no server ran) and after every deletion it
 *   hears. An object created with owners already gone (a controller racing its owner's deletion) is checked alone.
 * - A sweep plans from lists taken kind by kind, which may miss an owner created in between, so every object is
 *   checked again against the store, owner by owner, just before it is deleted, and deleted only at the version
 *   that check read (a concurrent change makes the pass retry).
 * - Pods are deleted gracefully, as the ReplicaSet controller does: the pod controller drains them from the
 *   router, stops their processes, then removes them. Other kinds go at once; their own dependents follow on the
 *   next pass, one level at a time.
 */
export class GarbageCollector {
  readonly #store: ResourceStore;
  readonly #clock: Clock;
  readonly #scopes: KindScopes;
  readonly #log: (message: string) => void;
  readonly #controller: Controller;
  readonly #watches = new Map<string, () => void>();
  readonly #rewatchTimers = new Set<TimerHandle>();
  #stopped = false;

  constructor(options: GarbageCollectorOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#scopes = scopesOf(options.kinds ?? RESOURCE_KINDS);
    this.#log = options.log ?? (() => undefined);
    this.#controller = new Controller({
      name: 'garbage-collector',
      clock: options.clock,
      reconcile: async (key) => {
        if (key === SWEEP) await this.#sweep();
        else await this.#collect(parseCheckKey(key));
        return undefined;
      },
      onReconcile: (report) => {
        if (report.outcome === 'error') this.#log(`garbage collector: ${report.error?.message ?? 'failed'}`);
      },
    });
  }

  /** Starts watching every kind, then sweeps once. */
  async start(): Promise<void> {
    for (const kind of this.#scopes.keys()) this.#watch(kind);
    this.#controller.enqueue(SWEEP);
    await this.#controller.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const stop of this.#watches.values()) stop();
    this.#watches.clear();
    for (const timer of this.#rewatchTimers) this.#clock.clearTimeout(timer);
    this.#rewatchTimers.clear();
    await this.#controller.stop();
  }

  /** Resolves once no pass is pending or running (tests). */
  waitIdle(): Promise<void> {
    return this.#controller.waitIdle();
  }

  #watch(kind: string): void {
    if (this.#stopped) return;
    const stop = this.#store.watch(
      kind,
      {},
      (event) => this.#heard(event),
      (err) => {
        // GONE or a lost connection: watch from now again, and sweep for what happened in between.
        this.#watches.get(kind)?.();
        this.#watches.delete(kind);
        this.#log(`garbage collector: the watch of ${kind} ended (${err.message}); watching again`);
        const timer = this.#clock.setTimeout(() => {
          this.#rewatchTimers.delete(timer);
          this.#watch(kind);
          this.#controller.enqueue(SWEEP);
        }, REWATCH_MS);
        this.#rewatchTimers.add(timer);
      },
    );
    this.#watches.set(kind, stop);
  }

  #heard(event: WatchEvent): void {
    if (event.type === 'DELETED') {
      this.#controller.enqueue(SWEEP);
    } else if (event.type === 'ADDED' && (event.object.metadata.ownerReferences?.length ?? 0) > 0) {
      const { kind, metadata } = event.object;
      this.#controller.enqueue(checkKey(kind, metadata.namespace ?? '', metadata.name ?? ''));
    }
  }

  async #sweep(): Promise<void> {
    const objects: KubeObject[] = [];
    for (const kind of this.#scopes.keys()) objects.push(...(await this.#store.list(kind)).items);
    for (const target of planCollection(objects, this.#scopes)) await this.#collect(target);
  }

  /** Deletes the object if, read again now, it is still collectable; a vanished or replaced object is skipped. */
  async #collect(target: Omit<ObjectRef, 'uid'> & { uid?: string }): Promise<void> {
    const dependent = await this.#store.get(target.kind, target.namespace, target.name);
    if (dependent === undefined) return;
    if (target.uid !== undefined && dependent.metadata.uid !== target.uid) return;
    const owners = new Map<string, KubeObject | undefined>();
    for (const ref of dependent.metadata.ownerReferences ?? []) {
      const a = ownerAddress(dependent, ref, this.#scopes);
      if (a !== undefined) owners.set(ownerKey(a), await this.#store.get(a.kind, a.namespace, a.name));
    }
    const find = (a: OwnerAddress): KubeObject | undefined => owners.get(ownerKey(a));
    if (!isCollectable(dependent, this.#scopes, find)) return;
    try {
      await this.#store.delete(target.kind, target.namespace, target.name, {
        resourceVersion: dependent.metadata.resourceVersion,
        ...(target.kind === 'Pod' ? { graceful: true } : {}),
      });
    } catch (err) {
      if (err instanceof KanaryError && err.code === 'NOT_FOUND') return;
      throw err;
    }
  }
}

function ownerKey(a: OwnerAddress): string {
  return `${a.kind}/${a.namespace}/${a.name}`;
}

function checkKey(kind: string, namespace: string, name: string): string {
  return `${CHECK}${kind}/${namespace}/${name}`;
}

function parseCheckKey(key: string): { kind: string; namespace: string; name: string } {
  const [kind = '', namespace = '', name = ''] = key.slice(CHECK.length).split('/');
  return { kind, namespace, name };
}
