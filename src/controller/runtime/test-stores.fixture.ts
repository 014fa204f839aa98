/**
 * Store decorators for controller tests (not part of the runtime's public face): a real MemoryStore whose watch
 * events of chosen kinds can be held back, as a slow watch connection would deliver them late, and a wrapper that
 * counts the calls a controller makes.
 */
import type { KubeObject } from '../../api/meta.js';
import { MemoryStore, type ResourceStore, type WatchEvent } from '../../store/index.js';

/**
 * A MemoryStore whose watches deliver events of the held kinds only when `release` is called, and whose next create
 * of a kind can "lose its response".
 */
export class LaggingStore extends MemoryStore {
  readonly #held = new Set<string>();
  #buffer: { kind: string; deliver: () => void }[] = [];
  readonly #open = new Set<(err: Error) => void>();
  readonly #lose = new Set<string>();

  /** Ends every open watch with `err`, as a lost connection would. */
  breakWatches(err: Error): void {
    const open = [...this.#open];
    this.#open.clear();
    for (const end of open) end(err);
  }

  /** From now on, buffers watch events of these kinds. */
  hold(...kinds: string[]): void {
    for (const kind of kinds) this.#held.add(kind);
  }

  /** Delivers the buffered events of these kinds (all when none named), in order, and stops holding them. */
  release(...kinds: string[]): void {
    const all = kinds.length === 0;
    for (const kind of all ? [...this.#held] : kinds) this.#held.delete(kind);
    const due = this.#buffer.filter((b) => all || kinds.includes(b.kind));
    this.#buffer = this.#buffer.filter((b) => !due.includes(b));
    for (const b of due) b.deliver();
  }

  /** The next create of `kind` goes through but fails, as a response lost on the way back would. */
  loseNextCreate(kind: string): void {
    this.#lose.add(kind);
  }

  override async create<T extends KubeObject>(obj: T): Promise<T> {
    const stored = await super.create(obj);
    if (this.#lose.delete(obj.kind)) throw new Error(`connection reset after creating ${obj.kind}`);
    return stored;
  }

  /** Events waiting to be released. */
  heldEvents(): number {
    return this.#buffer.length;
  }

  override watch<T extends KubeObject>(
    kind: string,
    options: Parameters<MemoryStore['watch']>[1],
    onEvent: (event: WatchEvent<T>) => void,
    onError?: (err: Error) => void,
  ): () => void {
    let stopped = false;
    const stop = super.watch<T>(
      kind,
      options,
      (event) => {
        const deliver = (): void => {
          if (!stopped) onEvent(event);
        };
        // Once one event is buffered, later ones queue behind it so the order holds.
        if (this.#held.has(kind) || this.#buffer.some((b) => b.kind === kind)) this.#buffer.push({ kind, deliver });
        else deliver();
      },
      onError,
    );
    const end = (err: Error): void => {
      stopped = true;
      stop();
      onError?.(err);
    };
    this.#open.add(end);
    return () => {
      stopped = true;
      this.#open.delete(end);
      stop();
    };
  }
}

/** Forwards every call to `inner`, counting them by "method kind" (e.g. "list ReplicaSet"). */
export class CountingStore implements ResourceStore {
  readonly calls = new Map<string, number>();
  readonly #inner: ResourceStore;

  constructor(inner: ResourceStore) {
    this.#inner = inner;
  }

  count(method: string, kind?: string): number {
    let sum = 0;
    for (const [key, n] of this.calls) {
      if (kind === undefined ? key.startsWith(`${method} `) : key === `${method} ${kind}`) sum += n;
    }
    return sum;
  }

  #note(method: string, kind: string): void {
    const key = `${method} ${kind}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
  }

  get: ResourceStore['get'] = (kind, namespace, name) => {
    this.#note('get', kind);
    return this.#inner.get(kind, namespace, name);
  };
  list: ResourceStore['list'] = (kind, options) => {
    this.#note('list', kind);
    return this.#inner.list(kind, options);
  };
  create: ResourceStore['create'] = (obj) => {
    this.#note('create', obj.kind);
    return this.#inner.create(obj);
  };
  update: ResourceStore['update'] = (obj) => {
    this.#note('update', obj.kind);
    return this.#inner.update(obj);
  };
  updateStatus: ResourceStore['updateStatus'] = (obj) => {
    this.#note('updateStatus', obj.kind);
    return this.#inner.updateStatus(obj);
  };
  patch: ResourceStore['patch'] = (kind, namespace, name, patch, options) => {
    this.#note('patch', kind);
    return this.#inner.patch(kind, namespace, name, patch, options);
  };
  delete: ResourceStore['delete'] = (kind, namespace, name, options) => {
    this.#note('delete', kind);
    return this.#inner.delete(kind, namespace, name, options);
  };
  watch: ResourceStore['watch'] = (kind, options, onEvent, onError) => {
    this.#note('watch', kind);
    return this.#inner.watch(kind, options, onEvent, onError);
  };
  close(): Promise<void> {
    return this.#inner.close();
  }
}
