import type { KubeObject } from '../api/meta.js';
import { KanaryError } from '../common/index.js';
import type { WatchEvent, WatchEventType, WatchOptions } from './types.js';

/** One committed write, as a store's change log keeps it. Versions are consecutive integers across all kinds. */
export interface StoredChange {
  resourceVersion: number;
  type: WatchEventType;
  kind: string;
  namespace: string;
  name: string;
  /** The object after the write (for DELETED: its last state, carrying the delete's version), as JSON text. */
  json: string;
}

/** Where a hub reads committed changes from: the store's bounded change log. */
export interface ChangeSource {
  /** The version of the newest committed write (0 for an empty store). */
  currentVersion(): number;
  /** Every change with a version strictly above `after`, oldest first; 'gone' when some were compacted away. */
  changesAfter(after: number): StoredChange[] | 'gone';
}

interface Watcher {
  kind: string;
  namespace: string | undefined;
  after: number;
  queue: StoredChange[];
  scheduled: boolean;
  stopped: boolean;
  onEvent: (event: WatchEvent) => void;
  onError: ((err: Error) => void) | undefined;
}

/**
 * Fans committed changes out to in-process watchers. The change log is the single source of truth: `notify()`
 * reads what was committed since the last fan-out, so it serves writes of this process (called after each commit)
 * and of other processes (called by a poller) alike.
 *
 * Delivery contract: events reach each watcher in version order, each exactly once, asynchronously (in a
 * microtask, never inside the write that caused them), each watcher with its own copy of the object. Replay
 * from a version older than the log keeps ends the watch with a GONE error. After `stop()` returns, the watcher
 * receives nothing more. A handler that throws ends its watch: the error goes to its `onError`.
 */
export class WatchHub {
  readonly #source: ChangeSource;
  readonly #watchers = new Set<Watcher>();
  /** Changes up to this version have been fanned out to live watchers. */
  #delivered: number;

  constructor(source: ChangeSource) {
    this.#source = source;
    this.#delivered = source.currentVersion();
  }

  subscribe<T extends KubeObject>(
    kind: string,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onError?: (err: Error) => void,
  ): () => void {
    const watcher: Watcher = {
      kind,
      namespace: options.namespace,
      after: 0,
      queue: [],
      scheduled: false,
      stopped: false,
      onEvent: onEvent as (event: WatchEvent) => void,
      onError,
    };
    const stop = (): void => {
      watcher.stopped = true;
      watcher.queue.length = 0;
      this.#watchers.delete(watcher);
    };
    const after = parseVersion(options.resourceVersion, this.#source.currentVersion());
    if (after instanceof KanaryError) {
      this.#fail(watcher, after);
      return stop;
    }
    watcher.after = after;
    if (after < this.#delivered) {
      const replay = this.#source.changesAfter(after);
      if (replay === 'gone') {
        this.#fail(watcher, gone(kind, after));
        return stop;
      }
      for (const change of replay) {
        if (change.resourceVersion <= this.#delivered) this.#offer(watcher, change);
      }
    }
    this.#watchers.add(watcher);
    return stop;
  }

  /** Fans out every change committed since the last call. Cheap when nobody watches. */
  notify(): void {
    if (this.#watchers.size === 0) {
      this.#delivered = Math.max(this.#delivered, this.#source.currentVersion());
      return;
    }
    const changes = this.#source.changesAfter(this.#delivered);
    if (changes === 'gone') {
      for (const w of [...this.#watchers]) this.#fail(w, gone(w.kind, this.#delivered));
      this.#delivered = this.#source.currentVersion();
      return;
    }
    for (const change of changes) {
      for (const w of this.#watchers) this.#offer(w, change);
      this.#delivered = change.resourceVersion;
    }
  }

  /** Ends every watch silently (the store is closing). */
  stopAll(): void {
    for (const w of this.#watchers) {
      w.stopped = true;
      w.queue.length = 0;
    }
    this.#watchers.clear();
  }

  #offer(w: Watcher, change: StoredChange): void {
    if (change.resourceVersion <= w.after || change.kind !== w.kind) return;
    if (w.namespace !== undefined && change.namespace !== w.namespace) return;
    w.queue.push(change);
    this.#schedule(w);
  }

  #schedule(w: Watcher): void {
    if (w.scheduled) return;
    w.scheduled = true;
    queueMicrotask(() => {
      w.scheduled = false;
      this.#drain(w);
    });
  }

  #drain(w: Watcher): void {
    let change = w.queue.shift();
    while (change !== undefined && !w.stopped) {
      try {
        w.onEvent({ type: change.type, object: JSON.parse(change.json) as KubeObject });
      } catch (err) {
        this.#fail(w, err instanceof Error ? err : new Error(String(err)));
        return;
      }
      change = w.queue.shift();
    }
  }

  #fail(w: Watcher, err: Error): void {
    w.stopped = true;
    w.queue.length = 0;
    this.#watchers.delete(w);
    queueMicrotask(() => w.onError?.(err));
  }
}

function parseVersion(value: string | undefined, current: number): number | KanaryError {
  if (value === undefined || value === '') return current;
  if (!/^\d+$/.test(value)) {
    return new KanaryError('INVALID_SPEC', `watch resourceVersion ${JSON.stringify(value)} is not a version number`);
  }
  return Number(value);
}

function gone(kind: string, after: number): KanaryError {
  return new KanaryError(
    'GONE',
    `watch of ${kind} cannot resume after resourceVersion ${after}: the store no longer keeps those changes; ` +
      `list again and watch from the list's resourceVersion`,
  );
}
