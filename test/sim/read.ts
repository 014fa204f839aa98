import type { AnalysisRun, Ingress, KubeObject, Pod, ReplicaSet, Rollout, Service } from '../../src/api/index.js';
import { revisionOf } from '../../src/rollout/index.js';
import type { ResourceStore } from '../../src/store/index.js';

// Reads the journeys share over any ResourceStore (in memory, or behind a Kubernetes API server), each list in a
// stable order so that `[0]` and `.at(-1)` mean the same thing in every world.

/** An Event as the journeys read it. */
export interface SimEvent {
  type: string;
  reason: string;
  message: string;
  at: string;
}

/** Creates or replaces (spec and metadata) an object. */
export async function applyObject<T extends KubeObject>(store: ResourceStore, obj: T): Promise<T> {
  const ns = obj.metadata.namespace ?? '';
  const current = await store.get<T>(obj.kind, ns, obj.metadata.name ?? '');
  if (!current) return store.create(obj);
  return store.update({
    ...obj,
    metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion },
  });
}

export async function readRollout(store: ResourceStore, ns: string, name: string): Promise<Rollout> {
  const ro = await store.get<Rollout>('Rollout', ns, name);
  if (!ro) throw new Error(`no rollout ${ns}/${name}`);
  return ro;
}

/** Oldest revision first. */
export async function replicaSetsOf(store: ResourceStore, ns: string): Promise<ReplicaSet[]> {
  const items = (await store.list<ReplicaSet>('ReplicaSet', { namespace: ns })).items;
  return items.sort((a, b) => revisionOf(a) - revisionOf(b));
}

export async function podsOf(store: ResourceStore, ns: string): Promise<Pod[]> {
  return (await store.list<Pod>('Pod', { namespace: ns })).items;
}

export async function serviceOf(store: ResourceStore, ns: string, name: string): Promise<Service | undefined> {
  return store.get<Service>('Service', ns, name);
}

export async function ingressOf(store: ResourceStore, ns: string, name: string): Promise<Ingress | undefined> {
  return store.get<Ingress>('Ingress', ns, name);
}

/** Oldest first: by creation time, then by resourceVersion within the same instant. */
export async function analysisRunsOf(store: ResourceStore, ns: string): Promise<AnalysisRun[]> {
  return (await store.list<AnalysisRun>('AnalysisRun', { namespace: ns })).items.sort(
    (a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
  );
}

/** In the order they were last written. */
export async function eventsOf(store: ResourceStore, ns: string): Promise<SimEvent[]> {
  const items = (await store.list<KubeObject & Record<string, unknown>>('Event', { namespace: ns })).items;
  return items
    .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map((e) => ({
      type: String(e.type),
      reason: String(e.reason),
      message: String(e.message),
      at: String(e.lastTimestamp),
    }));
}
