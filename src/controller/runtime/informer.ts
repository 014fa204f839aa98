import type { KubeObject } from '../../api/meta.js';
import { KanaryError } from '../../common/index.js';
import type { ResourceStore, WatchEvent } from '../../store/index.js';
import type { Clock, TimerHandle } from './clock.js';
import { keyOf, objectKey } from './keys.js';

export interface InformerOptions {
  store: ResourceStore;
  kind: string;
  /** Only this namespace; all namespaces when absent. */
  namespace?: string;
  clock: Clock;
  /** First delay before listing again after a failed list or a broken watch; doubles per failure. Default 200 ms. */
  retryBaseMs?: number;
  /** Cap of that delay. Default 30 s. */
  retryMaxMs?: number;
  /** Hears list and watch failures (which the informer recovers from) and handler exceptions. */
  onError?: (err: Error) => void;
}

/** Callbacks for changes the informer observes. Objects are the cache's own, frozen: clone before changing. */
export interface InformerHandlers<T extends KubeObject> {
  onAdd?: (obj: T) => void;
  onUpdate?: (oldObj: T, newObj: T) => void;
  onDelete?: (obj: T) => void;
}

/**
 * A read cache of one kind, kept current by list-then-watch: it lists, then watches from the list's
 * resourceVersion, so no change falls between the two. When the watch ends with GONE it lists again at once;
 * after any other failure it lists again after a backoff (on the injected clock). A relist is diffed against the
 * cache, so handlers see adds, updates and deletes that happened while the watch was down, each once.
 *
 * Cached objects are deep-frozen: controllers share them, and a reconcile that mutated one would corrupt what
 * every other reader sees. `start()` is idempotent, so controllers can share one informer.
 */
export class Informer<T extends KubeObject = KubeObject> {
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly #store: ResourceStore;
  readonly #clock: Clock;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #onError: (err: Error) => void;
  readonly #cache = new Map<string, T>();
  readonly #handlers = new Set<InformerHandlers<T>>();
  readonly #progress = new Set<() => void>();
  #started: Promise<void> | undefined;
  #markSynced: (() => void) | undefined;
  #synced = false;
  #stopped = false;
  /** True while a watch from the latest list is open: the cache follows the store (with the watch's lag). */
  #watching = false;
  /** Bumped by every (re)list and by stop: callbacks of an older list or watch are ignored. */
  #epoch = 0;
  #stopWatch: (() => void) | undefined;
  #retryTimer: TimerHandle | undefined;
  #failures = 0;
  #resourceVersion = '';

  constructor(options: InformerOptions) {
    this.kind = options.kind;
    this.namespace = options.namespace;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#retryBaseMs = options.retryBaseMs ?? 200;
    this.#retryMaxMs = options.retryMaxMs ?? 30_000;
    this.#onError = options.onError ?? (() => undefined);
  }

  /**
   * Registers handlers; returns a function that unregisters them. Handlers added after the first sync are first
   * told about every cached object through `onAdd`, so they start from the same picture as earlier ones.
   */
  addHandlers(handlers: InformerHandlers<T>): () => void {
    this.#handlers.add(handlers);
    if (this.#synced) for (const obj of this.list()) this.#call(() => handlers.onAdd?.(obj));
    return () => this.#handlers.delete(handlers);
  }

  /** Starts listing and watching; resolves once the cache holds a complete list. Idempotent. */
  start(): Promise<void> {
    if (this.#started === undefined) {
      this.#started = new Promise((resolve) => (this.#markSynced = resolve));
      void this.#relist();
    }
    return this.#started;
  }

  /** Stops watching; the cache keeps its last state. */
  stop(): void {
    this.#stopped = true;
    this.#watching = false;
    this.#epoch++;
    this.#stopWatch?.();
    this.#stopWatch = undefined;
    if (this.#retryTimer !== undefined) this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  /** True once a complete list has been loaded. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** The resourceVersion of the latest list or event the cache reflects. */
  lastResourceVersion(): string {
    return this.#resourceVersion;
  }

  /**
   * True when the cache is following the store: it has listed and its watch from that list is open. False while it
   * waits to list again after a failure (the cache then misses changes) and after `stop`.
   */
  isCurrent(): boolean {
    return this.#synced && this.#watching && !this.#stopped;
  }

  /**
   * True when the cache reflects every change of this kind up to `resourceVersion` (a version the store returned
   * for a write of this kind): watch events arrive in version order, and a list is as new as its version, so a
   * cache that has reached that version has seen the write, or something newer of the same object. Versions that
   * are not decimal (the store contract promises decimals) only count when equal.
   */
  hasSeen(resourceVersion: string): boolean {
    const order = compareResourceVersions(this.#resourceVersion, resourceVersion);
    return order !== undefined && order >= 0;
  }

  /**
   * Calls `listener` after every change the cache takes in (a watch event or a list), after the handlers; returns
   * a function that stops the calls. For callers that wait until the cache has caught up with something.
   */
  onProgress(listener: () => void): () => void {
    this.#progress.add(listener);
    return () => this.#progress.delete(listener);
  }

  get(namespace: string, name: string): T | undefined {
    return this.#cache.get(keyOf(namespace, name));
  }

  /** Cached objects, in one namespace or all, ordered by key. */
  list(namespace?: string): T[] {
    const keys = [...this.#cache.keys()].sort();
    const all = keys.map((k) => this.#cache.get(k)).filter((o): o is T => o !== undefined);
    return namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? '') === namespace);
  }

  async #relist(): Promise<void> {
    if (this.#stopped) return;
    const epoch = ++this.#epoch;
    this.#watching = false;
    this.#stopWatch?.();
    this.#stopWatch = undefined;
    const listOptions = this.namespace === undefined ? {} : { namespace: this.namespace };
    let listed;
    try {
      listed = await this.#store.list<T>(this.kind, listOptions);
    } catch (err) {
      if (epoch === this.#epoch) this.#retry(err, false);
      return;
    }
    if (epoch !== this.#epoch) return;
    this.#replace(listed.items);
    this.#resourceVersion = listed.resourceVersion;
    if (!this.#synced) {
      this.#synced = true;
      this.#markSynced?.();
    }
    try {
      this.#watching = true;
      this.#stopWatch = this.#store.watch<T>(
        this.kind,
        { ...listOptions, resourceVersion: listed.resourceVersion },
        (event) => {
          if (epoch === this.#epoch) this.#apply(event);
        },
        (err) => {
          if (epoch !== this.#epoch) return;
          this.#stopWatch = undefined;
          this.#retry(err, err instanceof KanaryError && err.code === 'GONE');
        },
      );
    } catch (err) {
      this.#retry(err, false);
    }
    this.#notifyProgress();
  }

  /** Lists again: at once for the first GONE in a row (the normal way to catch up), else after a backoff. */
  #retry(err: unknown, gone: boolean): void {
    if (this.#stopped) return;
    this.#watching = false;
    const error = err instanceof Error ? err : new Error(String(err));
    if (!gone) this.#onError(error);
    const delay =
      gone && this.#failures === 0
        ? 0
        : Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    this.#epoch++;
    this.#notifyProgress();
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#relist();
    }, delay);
  }

  #apply(event: WatchEvent<T>): void {
    this.#failures = 0;
    const obj = deepFreeze(event.object);
    const key = objectKey(obj);
    this.#resourceVersion = obj.metadata.resourceVersion ?? this.#resourceVersion;
    const old = this.#cache.get(key);
    if (event.type === 'DELETED') {
      this.#cache.delete(key);
      this.#emit((h) => h.onDelete?.(obj));
    } else {
      this.#cache.set(key, obj);
      if (old === undefined) this.#emit((h) => h.onAdd?.(obj));
      else this.#emit((h) => h.onUpdate?.(old, obj));
    }
    this.#notifyProgress();
  }

  #notifyProgress(): void {
    for (const listener of [...this.#progress]) this.#call(listener);
  }

  /** Replaces the cache with a fresh list, telling handlers what changed since the previous picture. */
  #replace(items: T[]): void {
    const previous = new Map(this.#cache);
    this.#cache.clear();
    for (const item of items) {
      const obj = deepFreeze(item);
      const key = objectKey(obj);
      this.#cache.set(key, obj);
      const old = previous.get(key);
      previous.delete(key);
      if (old === undefined) this.#emit((h) => h.onAdd?.(obj));
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#emit((h) => h.onUpdate?.(old, obj));
    }
    for (const gone of previous.values()) this.#emit((h) => h.onDelete?.(gone));
  }

  #emit(call: (h: InformerHandlers<T>) => void): void {
    for (const h of [...this.#handlers]) this.#call(() => call(h));
  }

  /** A throwing handler must not break the cache or the other handlers: its error is reported instead. */
  #call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#onError(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

/** Orders two resourceVersions: negative, zero or positive as `a` is older, the same or newer; undefined if unknown. */
export function compareResourceVersions(a: string, b: string): number | undefined {
  if (a === b) return 0;
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
