import { BackedStore, type StoreOptions, type SyncBackend } from './backed-store.js';
import type { StoredChange } from './watch-hub.js';

export interface MemoryStoreOptions extends StoreOptions {
  /**
   * How many of the newest changes (across all kinds) a watch can resume through; resuming from an older version
   * fails with GONE. Default 1000.
   */
  historyLimit?: number;
}

/**
 * The in-memory ResourceStore, for tests and simulations. Objects are kept as JSON text, so nothing a caller
 * holds aliases stored state. Every operation runs to completion synchronously inside its promise, which makes
 * the store linearizable without locks.
 */
export class MemoryStore extends BackedStore {
  constructor(options: MemoryStoreOptions = {}) {
    super(new MemoryBackend(options.historyLimit ?? 1000), options);
  }
}

class MemoryBackend implements SyncBackend {
  /** kind -> "namespace\0name" -> JSON text. */
  readonly #objects = new Map<string, Map<string, string>>();
  readonly #log: StoredChange[] = [];
  readonly #historyLimit: number;
  #version = 0;
  /** Changes up to this version are no longer in the log. */
  #compactedThrough = 0;

  constructor(historyLimit: number) {
    this.#historyLimit = Math.max(1, Math.floor(historyLimit));
  }

  read<R>(fn: () => R): R {
    return fn();
  }

  // Single-threaded and synchronous: nothing interleaves, and commit() is the only mutation, done last.
  write<R>(fn: () => R): R {
    return fn();
  }

  getObject(kind: string, namespace: string, name: string): string | undefined {
    return this.#objects.get(kind)?.get(key(namespace, name));
  }

  listObjects(kind: string, namespace: string | undefined): string[] {
    const byKey = this.#objects.get(kind);
    if (byKey === undefined) return [];
    const keys = [...byKey.keys()].filter((k) => namespace === undefined || k.startsWith(key(namespace, '')));
    keys.sort();
    return keys.map((k) => byKey.get(k) ?? '');
  }

  commit(change: StoredChange): void {
    let byKey = this.#objects.get(change.kind);
    if (byKey === undefined) {
      byKey = new Map();
      this.#objects.set(change.kind, byKey);
    }
    if (change.type === 'DELETED') byKey.delete(key(change.namespace, change.name));
    else byKey.set(key(change.namespace, change.name), change.json);
    this.#version = change.resourceVersion;
    this.#log.push(change);
    // Compact in batches so that a busy store does not shift the array on every write.
    if (this.#log.length >= this.#historyLimit + Math.ceil(this.#historyLimit / 4)) {
      const dropped = this.#log.splice(0, this.#log.length - this.#historyLimit);
      this.#compactedThrough = dropped.at(-1)?.resourceVersion ?? this.#compactedThrough;
    }
  }

  currentVersion(): number {
    return this.#version;
  }

  changesAfter(after: number): StoredChange[] | 'gone' {
    if (after < this.#compactedThrough) return 'gone';
    // Versions in the log are consecutive, so the first change after `after` sits at a computable index.
    const first = this.#log[0]?.resourceVersion ?? this.#version + 1;
    return this.#log.slice(Math.max(0, after + 1 - first));
  }

  close(): void {
    this.#objects.clear();
    this.#log.length = 0;
  }
}

// "\0" cannot occur in a name or namespace, and sorts before every other character: keys order by namespace first.
function key(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}
