import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/meta.js';
import { KanaryError } from '../../common/index.js';
import { MemoryStore, type WatchEvent, type WatchOptions } from '../../store/index.js';
import { FakeClock, settle } from './clock.js';
import { Informer } from './informer.js';

/**
 * A real MemoryStore whose watches the test can break (as a dropped connection or a compacted history would) and
 * whose next lists can fail: the faults an informer must recover from.
 */
class FaultyStore extends MemoryStore {
  failLists = 0;
  readonly #open = new Set<{ stop: () => void; onError: ((err: Error) => void) | undefined }>();

  override list<T extends KubeObject>(kind: string, options?: { namespace?: string }) {
    if (this.failLists > 0) {
      this.failLists--;
      return Promise.reject(new KanaryError('INTERNAL', 'list failed (injected)'));
    }
    return super.list<T>(kind, options);
  }

  override watch<T extends KubeObject>(
    kind: string,
    options: WatchOptions,
    onEvent: (e: WatchEvent<T>) => void,
    onError?: (err: Error) => void,
  ): () => void {
    const entry = { stop: super.watch(kind, options, onEvent, onError), onError };
    this.#open.add(entry);
    return () => {
      entry.stop();
      this.#open.delete(entry);
    };
  }

  /** Ends every open watch with `err`. */
  breakWatches(err: Error): void {
    for (const entry of this.#open) {
      entry.stop();
      entry.onError?.(err);
    }
    this.#open.clear();
  }
}

const pod = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
});

function recorder(informer: Informer) {
  const seen: string[] = [];
  informer.addHandlers({
    onAdd: (o) => seen.push(`add ${o.metadata.name ?? ''}`),
    onUpdate: (old, o) =>
      seen.push(
        `update ${o.metadata.name ?? ''} ${old.metadata.resourceVersion ?? ''}->${o.metadata.resourceVersion ?? ''}`,
      ),
    onDelete: (o) => seen.push(`delete ${o.metadata.name ?? ''}`),
  });
  return seen;
}

describe('Informer', () => {
  let store: FaultyStore;
  let clock: FakeClock;
  let errors: Error[];
  let informer: Informer;

  beforeEach(() => {
    store = new FaultyStore();
    clock = new FakeClock();
    errors = [];
    informer = new Informer({ store, kind: 'Pod', clock, onError: (e) => errors.push(e) });
  });
  afterEach(async () => {
    informer.stop();
    await store.close();
  });

  it('lists what exists, then delivers adds, updates and deletes in order, and keeps the cache current', async () => {
    await store.create(pod('a'));
    const seen = recorder(informer);
    await informer.start();
    expect(informer.hasSynced()).toBe(true);
    expect(seen).toEqual(['add a']);
    const b = await store.create(pod('b'));
    const b2 = await store.patch('Pod', 'default', 'b', { metadata: { labels: { v: '2' } } });
    await store.delete('Pod', 'default', 'a');
    await settle();
    expect(seen).toEqual([
      'add a',
      'add b',
      `update b ${b.metadata.resourceVersion ?? ''}->${b2.metadata.resourceVersion ?? ''}`,
      'delete a',
    ]);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['b']);
    expect(informer.get('default', 'b')).toEqual(b2);
    expect(informer.get('default', 'a')).toBeUndefined();
    expect(informer.lastResourceVersion()).toBe(String(Number(b2.metadata.resourceVersion) + 1));
  });

  it('knows which written versions its cache reflects, tells listeners of progress, and is current while watching', async () => {
    expect(informer.isCurrent()).toBe(false);
    await informer.start();
    expect(informer.isCurrent()).toBe(true);
    let progress = 0;
    const stop = informer.onProgress(() => progress++);
    const a = await store.create(pod('a'));
    await settle();
    const version = Number(a.metadata.resourceVersion);
    expect([version - 1, version, version + 1].map((v) => informer.hasSeen(String(v)))).toEqual([true, true, false]);
    expect(progress).toBe(1);
    stop();
    await store.create(pod('b'));
    await settle();
    expect(progress).toBe(1);
    store.breakWatches(new Error('connection lost'));
    expect(informer.isCurrent()).toBe(false);
    await clock.advanceAsync(1_000);
    expect(informer.isCurrent()).toBe(true);
    informer.stop();
    expect(informer.isCurrent()).toBe(false);
  });

  it('hands out frozen objects: a reconcile cannot corrupt the shared cache', async () => {
    await store.create(pod('a', { x: '1' }));
    await informer.start();
    const cached = informer.get('default', 'a');
    expect(() => {
      if (cached?.metadata.labels) cached.metadata.labels.x = 'changed';
    }).toThrow(TypeError);
    expect(informer.get('default', 'a')?.metadata.labels).toEqual({ x: '1' });
  });

  it('tells handlers added after sync about every cached object', async () => {
    await store.create(pod('a'));
    await store.create(pod('b'));
    await informer.start();
    expect(recorder(informer)).toEqual(['add a', 'add b']);
  });

  it.each([
    ['GONE', new KanaryError('GONE', 'compacted (injected)'), 0],
    ['a dropped connection', new Error('connection reset (injected)'), 200],
  ])('after %s, relists and reports exactly what changed meanwhile', async (_what, err, delay) => {
    await store.create(pod('a'));
    const b = await store.create(pod('b'));
    const seen = recorder(informer);
    await informer.start();
    store.breakWatches(err);
    await store.create(pod('c'));
    await store.delete('Pod', 'default', 'a');
    const b2 = await store.patch('Pod', 'default', 'b', { metadata: { labels: { v: '2' } } });
    await settle();
    expect(seen).toEqual(['add a', 'add b']);
    await clock.advanceAsync(delay);
    expect(seen).toEqual([
      'add a',
      'add b',
      `update b ${b.metadata.resourceVersion ?? ''}->${b2.metadata.resourceVersion ?? ''}`,
      'add c',
      'delete a',
    ]);
    // The new watch works: later changes arrive once.
    await store.create(pod('d'));
    await settle();
    expect(seen.at(-1)).toBe('add d');
    expect(seen.filter((s) => s === 'add d')).toHaveLength(1);
    expect(errors.length).toBe(err instanceof KanaryError ? 0 : 1);
  });

  it('retries a failing list with backoff on the clock until it succeeds', async () => {
    await store.create(pod('a'));
    store.failLists = 2;
    let synced = false;
    void informer.start().then(() => (synced = true));
    await settle();
    expect(synced).toBe(false);
    await clock.advanceAsync(199);
    expect(synced).toBe(false);
    await clock.advanceAsync(1);
    expect(synced).toBe(false);
    await clock.advanceAsync(400);
    expect(synced).toBe(true);
    expect(errors).toHaveLength(2);
    expect(informer.list()).toHaveLength(1);
  });

  it('keeps going when a handler throws, and reports the error', async () => {
    const seen = recorder(informer);
    informer.addHandlers({
      onAdd: () => {
        throw new Error('handler bug');
      },
    });
    await informer.start();
    await store.create(pod('a'));
    await store.create(pod('b'));
    await settle();
    expect(seen).toEqual(['add a', 'add b']);
    expect(errors.map((e) => e.message)).toEqual(['handler bug', 'handler bug']);
  });

  it('watches one namespace only when asked', async () => {
    const scoped = new Informer({ store, kind: 'Pod', namespace: 'other', clock });
    const seen = recorder(scoped);
    await scoped.start();
    await store.create(pod('a'));
    await store.create({ ...pod('b'), metadata: { name: 'b', namespace: 'other' } });
    await settle();
    expect(seen).toEqual(['add b']);
    scoped.stop();
  });

  it('delivers nothing after stop', async () => {
    const seen = recorder(informer);
    await informer.start();
    informer.stop();
    await store.create(pod('a'));
    await settle();
    expect(seen).toEqual([]);
  });
});
