import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../../api/index.js';
import { realClock } from '../../controller/runtime/index.js';
import { MemoryStore } from '../../store/index.js';
import type { ResourceStore } from '../../store/index.js';
import { GarbageCollector } from './collector.js';

/** The collector over a real (in-memory) store, with real watches and the real controller machinery. */

const NS = 'shop';
let store: MemoryStore;
let gc: GarbageCollector | undefined;

afterEach(async () => {
  await gc?.stop();
  gc = undefined;
  await store.close();
});

function ownerOf(o: KubeObject): OwnerReference {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' };
}

function create(s: ResourceStore, kind: string, name: string, owners: KubeObject[] = []): Promise<KubeObject> {
  return s.create({
    apiVersion: 'v1',
    kind,
    metadata: { name, namespace: NS, ...(owners.length === 0 ? {} : { ownerReferences: owners.map(ownerOf) }) },
  });
}

async function present(kind: string, name: string): Promise<KubeObject | undefined> {
  return store.get(kind, NS, name);
}

async function startCollector(): Promise<GarbageCollector> {
  gc = new GarbageCollector({ store, clock: realClock });
  await gc.start();
  await gc.waitIdle();
  return gc;
}

describe('GarbageCollector', () => {
  it('collects a chain level by level after its root is deleted; pods gracefully', async () => {
    store = new MemoryStore();
    const rollout = await create(store, 'Rollout', 'web');
    const rs = await create(store, 'ReplicaSet', 'web-1', [rollout]);
    await create(store, 'Pod', 'web-1-a', [rs]);
    await create(store, 'AnalysisRun', 'web-run', [rollout]);
    await create(store, 'Service', 'web');
    const collector = await startCollector();
    expect(await present('ReplicaSet', 'web-1')).toBeDefined();

    await store.delete('Rollout', NS, 'web');
    await collector.waitIdle();

    expect(await present('ReplicaSet', 'web-1')).toBeUndefined();
    expect(await present('AnalysisRun', 'web-run')).toBeUndefined();
    expect(await present('Service', 'web')).toBeDefined();
    // Whoever runs the pod (the pod controller) stops it and removes the object.
    const pod = await present('Pod', 'web-1-a');
    expect(pod?.metadata.deletionTimestamp).toBeDefined();
  });

  it('sweeps at start: owners deleted while no collector ran', async () => {
    store = new MemoryStore();
    const rollout = await create(store, 'Rollout', 'web');
    await create(store, 'Ingress', 'web-canary', [rollout]);
    await store.delete('Rollout', NS, 'web');
    await startCollector();
    expect(await present('Ingress', 'web-canary')).toBeUndefined();
  });

  it('keeps a dependent while one of its owners remains', async () => {
    store = new MemoryStore();
    const a = await create(store, 'Rollout', 'a');
    const b = await create(store, 'Rollout', 'b');
    await create(store, 'Secret', 'shared', [a, b]);
    const collector = await startCollector();
    await store.delete('Rollout', NS, 'a');
    await collector.waitIdle();
    expect(await present('Secret', 'shared')).toBeDefined();
    await store.delete('Rollout', NS, 'b');
    await collector.waitIdle();
    expect(await present('Secret', 'shared')).toBeUndefined();
  });

  it('matches owners by uid: a Rollout created again under the same name does not own the old ReplicaSet', async () => {
    store = new MemoryStore();
    const old = await create(store, 'Rollout', 'web');
    await create(store, 'ReplicaSet', 'web-old', [old]);
    await store.delete('Rollout', NS, 'web');
    const fresh = await create(store, 'Rollout', 'web');
    await create(store, 'ReplicaSet', 'web-new', [fresh]);
    await startCollector();
    expect(await present('ReplicaSet', 'web-old')).toBeUndefined();
    expect(await present('ReplicaSet', 'web-new')).toBeDefined();
  });

  it('collects an object created after its owner was deleted', async () => {
    store = new MemoryStore();
    const rollout = await create(store, 'Rollout', 'web');
    const collector = await startCollector();
    await store.delete('Rollout', NS, 'web');
    await collector.waitIdle();
    // A controller that read the Rollout before its deletion creates a dependent afterwards.
    await create(store, 'AnalysisRun', 'late', [rollout]);
    await collector.waitIdle();
    expect(await present('AnalysisRun', 'late')).toBeUndefined();
  });

  it('leaves alone objects without owners and dependents of kinds it does not know', async () => {
    store = new MemoryStore();
    await create(store, 'Service', 'web');
    await store.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'from-deployment',
        namespace: NS,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'not-here' }],
      },
    });
    const collector = await startCollector();
    await create(store, 'Event', 'something-deleted');
    await store.delete('Event', NS, 'something-deleted');
    await collector.waitIdle();
    expect(await present('Service', 'web')).toBeDefined();
    expect(await present('ReplicaSet', 'from-deployment')).toBeDefined();
  });
});
