import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../api/meta.js';
import { KanaryError } from '../common/index.js';
import { applyMergePatch, cloneJson, isPlainObject } from './json.js';
import {
  addressOf,
  checkName,
  checkVersion,
  describe,
  generatedName,
  matchesLabels,
  notFound,
  planCreate,
  planStatus,
  planUpdate,
  requireKind,
  timestamp,
  unchanged,
  type ObjectAddress,
} from './object-rules.js';
import type {
  DeleteOptions,
  ListOptions,
  ListResult,
  PatchOptions,
  ResourceStore,
  WatchEvent,
  WatchOptions,
} from './types.js';
import { WatchHub, type ChangeSource, type StoredChange } from './watch-hub.js';

/**
 * What a synchronous, single-writer-at-a-time storage engine provides: objects as JSON text by address, a version
 * counter and a bounded change log. `BackedStore` puts the API-server semantics on top, so the memory and SQLite
 * stores share one implementation of the rules and differ only in where bytes live.
 */
export interface SyncBackend extends ChangeSource {
  /** Runs `fn` on a consistent snapshot (a read transaction). */
  read<R>(fn: () => R): R;
  /** Runs `fn` atomically and exclusively (a write transaction); a throw rolls everything back. */
  write<R>(fn: () => R): R;
  getObject(kind: string, namespace: string, name: string): string | undefined;
  /** JSON texts of a kind, in one namespace or all, ordered by namespace then name. */
  listObjects(kind: string, namespace: string | undefined): string[];
  /** Stores (or for DELETED removes) the object, appends the change to the log and advances the version. */
  commit(change: StoredChange): void;
  close(): void;
}

/** Options every synchronous store accepts; injected for deterministic tests and simulations. */
export interface StoreOptions {
  /** The clock for `creationTimestamp`. Default: the system clock. */
  now?: () => Date;
  /** Generates `metadata.uid`. Default: random UUIDs. */
  uid?: () => string;
  /** Randomness for `generateName` suffixes, in [0, 1). Default: Math.random. */
  random?: () => number;
}

export class BackedStore implements ResourceStore {
  readonly #backend: SyncBackend;
  readonly #hub: WatchHub;
  readonly #now: () => Date;
  readonly #uid: () => string;
  readonly #random: () => number;
  #closed = false;

  protected constructor(backend: SyncBackend, options: StoreOptions = {}) {
    this.#backend = backend;
    this.#hub = new WatchHub(backend);
    this.#now = options.now ?? (() => new Date());
    this.#uid = options.uid ?? randomUUID;
    this.#random = options.random ?? Math.random;
  }

  get<T extends KubeObject>(kind: string, namespace: string, name: string): Promise<T | undefined> {
    return this.#run(false, () => {
      requireKind(kind);
      const json = this.#backend.read(() => this.#backend.getObject(kind, namespace, name));
      return json === undefined ? undefined : (JSON.parse(json) as T);
    });
  }

  list<T extends KubeObject>(kind: string, options: ListOptions = {}): Promise<ListResult<T>> {
    return this.#run(false, () => {
      requireKind(kind);
      const { texts, version } = this.#backend.read(() => ({
        texts: this.#backend.listObjects(kind, options.namespace),
        version: this.#backend.currentVersion(),
      }));
      const items = texts.map((t) => JSON.parse(t) as T).filter((o) => matchesLabels(o, options.labelSelector));
      return { items, resourceVersion: String(version) };
    });
  }

  create<T extends KubeObject>(obj: T): Promise<T> {
    return this.#run(true, () => {
      const input = cloneJson(obj);
      const addr = addressOf(input, 'create');
      const prefix = input.metadata.generateName;
      if (addr.name === undefined && (typeof prefix !== 'string' || prefix === '')) {
        throw new KanaryError(
          'INVALID_SPEC',
          `create ${addr.kind}: set metadata.name or metadata.generateName (both are empty)`,
        );
      }
      if (addr.name !== undefined) checkName(addr.kind, addr.name);
      const json = this.#backend.write(() => {
        const name = addr.name ?? this.#freshName(addr.kind, addr.namespace, prefix ?? '');
        const at: ObjectAddress = { kind: addr.kind, namespace: addr.namespace, name };
        if (this.#backend.getObject(at.kind, at.namespace, at.name) !== undefined) {
          throw new KanaryError('ALREADY_EXISTS', `${describe(at)} already exists; update it or pick another name`);
        }
        const version = this.#backend.currentVersion() + 1;
        const stored = planCreate(input, {
          name,
          namespace: addr.namespace,
          uid: this.#uid(),
          creationTimestamp: timestamp(this.#now()),
          resourceVersion: String(version),
        });
        return this.#commit('ADDED', at, stored, version);
      });
      return JSON.parse(json) as T;
    });
  }

  update<T extends KubeObject>(obj: T): Promise<T> {
    return this.#modify(obj, 'update', (stored, input) => planUpdate(stored, input));
  }

  updateStatus<T extends KubeObject>(obj: T): Promise<T> {
    return this.#modify(obj, 'updateStatus', (stored, input) => planStatus(stored, input));
  }

  patch<T extends KubeObject>(
    kind: string,
    namespace: string,
    name: string,
    patch: unknown,
    options: PatchOptions = {},
  ): Promise<T> {
    return this.#run(true, () => {
      requireKind(kind);
      if (!isPlainObject(patch)) {
        throw new KanaryError('INVALID_SPEC', `patch of ${kind} "${name}": a merge patch must be a JSON object`);
      }
      const addr: ObjectAddress = { kind, namespace, name };
      const json = this.#backend.write(() => {
        const stored = this.#load(addr);
        // As the API server does, a resourceVersion inside the patch is a precondition too.
        const inPatch = isPlainObject(patch.metadata) ? patch.metadata.resourceVersion : undefined;
        const expected = options.resourceVersion ?? (typeof inPatch === 'string' ? inPatch : undefined);
        checkVersion(addr, expected, stored.metadata.resourceVersion);
        const merged = applyMergePatch(stored, patch) as KubeObject;
        const moved = addressOf(merged, 'patch');
        if (moved.kind !== kind || moved.namespace !== namespace || moved.name !== name) {
          throw new KanaryError(
            'INVALID_SPEC',
            `patch of ${describe(addr)} may not change kind, metadata.name or metadata.namespace`,
          );
        }
        const planned = options.subresource === 'status' ? planStatus(stored, merged) : planUpdate(stored, merged);
        return this.#save(addr, stored, planned);
      });
      return JSON.parse(json) as T;
    });
  }

  delete(kind: string, namespace: string, name: string, options: DeleteOptions = {}): Promise<void> {
    return this.#run(true, () => {
      requireKind(kind);
      const addr: ObjectAddress = { kind, namespace, name };
      this.#backend.write(() => {
        const stored = this.#load(addr);
        checkVersion(addr, options.resourceVersion, stored.metadata.resourceVersion);
        if (options.graceful === true) {
          if (stored.metadata.deletionTimestamp !== undefined) return;
          const { resourceVersion: _r, ...meta } = stored.metadata;
          this.#save(addr, stored, { ...stored, metadata: { ...meta, deletionTimestamp: timestamp(this.#now()) } });
          return;
        }
        const version = this.#backend.currentVersion() + 1;
        const last = { ...stored, metadata: { ...stored.metadata, resourceVersion: String(version) } };
        this.#commit('DELETED', addr, last, version);
      });
    });
  }

  watch<T extends KubeObject>(
    kind: string,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onError?: (err: Error) => void,
  ): () => void {
    this.#assertOpen();
    requireKind(kind);
    return this.#hub.subscribe(kind, options, onEvent, onError);
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#hub.stopAll();
      this.#backend.close();
    }
    return Promise.resolve();
  }

  /**
   * Fans out changes committed by other processes sharing the same storage. Stores call it from a poller; it is
   * a no-op for a store that is the only writer.
   */
  protected pollChanges(): void {
    if (!this.#closed) this.#hub.notify();
  }

  #modify<T extends KubeObject>(
    obj: T,
    op: string,
    plan: (stored: KubeObject, input: KubeObject) => KubeObject,
  ): Promise<T> {
    return this.#run(true, () => {
      const input = cloneJson(obj) as KubeObject;
      const a = addressOf(input, op);
      if (a.name === undefined) throw new KanaryError('INVALID_SPEC', `${op} ${a.kind}: metadata.name is empty`);
      const addr: ObjectAddress = { kind: a.kind, namespace: a.namespace, name: a.name };
      const json = this.#backend.write(() => {
        const stored = this.#load(addr);
        checkVersion(addr, input.metadata.resourceVersion, stored.metadata.resourceVersion);
        return this.#save(addr, stored, plan(stored, input));
      });
      return JSON.parse(json) as T;
    });
  }

  /** Commits a planned object under a new version, unless it equals the stored one (a no-op keeps the version). */
  #save(addr: ObjectAddress, stored: KubeObject, planned: KubeObject): string {
    if (unchanged(stored, planned)) return JSON.stringify(stored);
    const version = this.#backend.currentVersion() + 1;
    const next = { ...planned, metadata: { ...planned.metadata, resourceVersion: String(version) } };
    return this.#commit('MODIFIED', addr, next, version);
  }

  #commit(type: StoredChange['type'], addr: ObjectAddress, obj: KubeObject, version: number): string {
    const json = JSON.stringify(obj);
    this.#backend.commit({ resourceVersion: version, type, ...addr, json });
    return json;
  }

  #load(addr: ObjectAddress): KubeObject {
    const json = this.#backend.getObject(addr.kind, addr.namespace, addr.name);
    if (json === undefined) throw notFound(addr);
    return JSON.parse(json) as KubeObject;
  }

  #freshName(kind: string, namespace: string, prefix: string): string {
    for (let attempt = 0; attempt < 16; attempt++) {
      const name = generatedName(prefix, this.#random);
      checkName(kind, name);
      if (this.#backend.getObject(kind, namespace, name) === undefined) return name;
    }
    throw new KanaryError(
      'ALREADY_EXISTS',
      `create ${kind}: no free name with generateName ${JSON.stringify(prefix)} after 16 attempts; set a name`,
    );
  }

  /** Runs a synchronous operation as a promise; after a write, fans the change out to watchers. */
  #run<R>(writes: boolean, fn: () => R): Promise<R> {
    try {
      this.#assertOpen();
      const result = fn();
      if (writes) this.#hub.notify();
      return Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new KanaryError('INTERNAL', 'the store is closed; open a new one');
  }
}
