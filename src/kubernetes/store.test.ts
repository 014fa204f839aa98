import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../api/index.js';
import { KanaryError } from '../common/index.js';
import { Informer, realClock } from '../controller/runtime/index.js';
import type { WatchEvent } from '../store/index.js';
import { runStoreContract } from '../store/index.js';
import { FakeApiServer } from '../../test/harness/fake-apiserver.js';
import { KubeClient } from './client.js';
import type { KindMapping } from './kinds.js';
import { KubernetesStore } from './store.js';

/**
 * The shared ResourceStore contract, run against the KubernetesStore talking HTTP to a FAKE API server
 * (test/harness/fake-apiserver.ts): no real kube-apiserver can run where these tests run.
 */
export const TEST_KINDS: KindMapping[] = [
  { kind: 'Widget', group: 'test.kanary.dev', version: 'v1', resource: 'widgets', namespaced: true },
  { kind: 'Gadget', group: 'test.kanary.dev', version: 'v1', resource: 'gadgets', namespaced: true },
  { kind: 'Template', group: 'test.kanary.dev', version: 'v1', resource: 'templates', namespaced: false },
];

await runStoreContract('kubernetes (fake API server)', async (hints) => {
  // Widgets get the graceful delete the real server gives Pods, so the contract's graceful-delete case is reachable.
  const fake = await FakeApiServer.start({
    historyLimit: hints.historyLimit,
    bookmarkIntervalMs: 0,
    gracefulResources: ['pods', 'widgets'],
  });
  const kc = new KubeConfig();
  kc.loadFromString(fake.kubeconfig());
  const store = new KubernetesStore({ client: new KubeClient(kc), kinds: TEST_KINDS });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await fake.close();
    },
  };
});

describe('KubernetesStore watch recovery (fake API server)', () => {
  let fake: FakeApiServer;
  let store: KubernetesStore;
  beforeEach(async () => {
    fake = await FakeApiServer.start({ bookmarkIntervalMs: 0 });
    const kc = new KubeConfig();
    kc.loadFromString(fake.kubeconfig());
    store = new KubernetesStore({ client: new KubeClient(kc), kinds: TEST_KINDS, reconnectDelayMs: 10 });
  });
  afterEach(async () => {
    await store.close();
    await fake.close();
  });

  const widget = (name: string, size = 1): KubeObject & { spec: { size: number } } => ({
    apiVersion: 'test.kanary.dev/v1',
    kind: 'Widget',
    metadata: { name, namespace: 'default' },
    spec: { size },
  });

  it('passes the propagation policy of a delete to the API server (Background unless told)', async () => {
    await store.create(widget('p1'));
    await store.create(widget('p2'));
    const before = fake.propagationPolicies.length;
    await store.delete('Widget', 'default', 'p1');
    await store.delete('Widget', 'default', 'p2', { propagationPolicy: 'Orphan' });
    expect(fake.propagationPolicies.slice(before)).toEqual(['Background', 'Orphan']);
  });

  it('re-watches from the last version after a dropped connection: nothing missed, nothing repeated', async () => {
    const events: WatchEvent[] = [];
    const errors: Error[] = [];
    const stop = store.watch(
      'Widget',
      {},
      (e) => events.push(e),
      (e) => errors.push(e),
    );
    await store.create(widget('a'));
    await vi.waitFor(() => expect(events).toHaveLength(1));
    fake.dropWatches();
    // Written while no watch is connected: the re-watch must replay these.
    await store.create(widget('b'));
    await store.patch('Widget', 'default', 'a', { spec: { size: 2 } });
    await vi.waitFor(() => expect(fake.openWatches).toBe(1));
    await store.delete('Widget', 'default', 'b');
    await vi.waitFor(() => expect(events).toHaveLength(4));
    await new Promise((r) => setTimeout(r, 50));
    expect(events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`)).toEqual([
      'ADDED a',
      'ADDED b',
      'MODIFIED a',
      'DELETED b',
    ]);
    expect(errors).toEqual([]);
    stop();
  });

  it('resumes from a BOOKMARK version after a drop', async () => {
    const events: WatchEvent[] = [];
    const stop = store.watch('Widget', {}, (e) => events.push(e));
    await store.create({ ...widget('g'), kind: 'Gadget' });
    await vi.waitFor(() => expect(fake.openWatches).toBe(1));
    fake.bookmark();
    await new Promise((r) => setTimeout(r, 20));
    fake.compact(); // history before the bookmark is gone: resuming from an older version would get 410
    fake.dropWatches();
    await store.create(widget('a'));
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]?.object.metadata.name).toBe('a');
    stop();
  });

  it('reports 410 Gone as GONE and stops, so the caller relists', async () => {
    const events: WatchEvent[] = [];
    const errors: Error[] = [];
    const a = await store.create(widget('a'));
    await store.patch('Widget', 'default', 'a', { spec: { size: 3 } });
    fake.compact();
    store.watch(
      'Widget',
      { resourceVersion: a.metadata.resourceVersion ?? '' },
      (e) => events.push(e),
      (e) => errors.push(e),
    );
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toBeInstanceOf(KanaryError);
    expect((errors[0] as KanaryError).code).toBe('GONE');
    expect(events).toEqual([]);
  });

  it('an Informer over the store recovers from a drop and a 410 without missing an event', async () => {
    const seen = new Map<string, number>();
    const informer = new Informer<KubeObject & { spec?: { size?: number } }>({
      store,
      kind: 'Widget',
      clock: realClock,
      retryBaseMs: 10,
    });
    informer.addHandlers({
      onAdd: (o) => seen.set(o.metadata.name ?? '', o.spec?.size ?? 0),
      onUpdate: (_old, o) => seen.set(o.metadata.name ?? '', o.spec?.size ?? 0),
      onDelete: (o) => seen.delete(o.metadata.name ?? ''),
    });
    await informer.start();
    await store.create(widget('a', 1));
    await vi.waitFor(() => expect(seen.get('a')).toBe(1));
    // A drop while writes happen, then a compaction while disconnected: the re-watch gets 410, the informer relists.
    fake.dropWatches();
    fake.compact();
    await store.patch('Widget', 'default', 'a', { spec: { size: 2 } });
    await store.create(widget('b', 5));
    fake.compact();
    fake.dropWatches();
    await store.create(widget('c', 7));
    await store.delete('Widget', 'default', 'b');
    await vi.waitFor(() =>
      expect([...seen.entries()].sort()).toEqual([
        ['a', 2],
        ['c', 7],
      ]),
    );
    informer.stop();
  });
});
