import type {
  AnalysisRun,
  AnalysisTemplate,
  ClusterAnalysisTemplate,
  Ingress,
  KubeObject,
  Pod,
  ReplicaSet,
  Rollout,
  Service,
} from '../../api/index.js';
import type { Observed } from '../../rollout/index.js';
import type { ResourceStore } from '../../store/index.js';

/** The kinds the engine reads about a Rollout, and whether each lives in the Rollout's namespace or the cluster. */
export const WORLD_KINDS = [
  'ReplicaSet',
  'Pod',
  'Service',
  'Ingress',
  'AnalysisRun',
  'AnalysisTemplate',
  'ClusterAnalysisTemplate',
] as const;
export type WorldKind = (typeof WORLD_KINDS)[number];

/** The namespace a kind is read from for a Rollout in `namespace`: cluster-scoped kinds live in "". */
export function namespaceOf(kind: WorldKind, namespace: string): string {
  return kind === 'ClusterAnalysisTemplate' ? '' : namespace;
}

/** Reads the objects of one kind in one namespace ("" for cluster-scoped kinds). */
export type ReadKind = (kind: WorldKind, namespace: string) => Promise<readonly KubeObject[]>;

/** Reads what the engine needs about one Rollout: everything of the relevant kinds in its namespace. */
export async function observeWith(read: ReadKind, rollout: Rollout): Promise<Observed> {
  const namespace = rollout.metadata.namespace ?? '';
  const lists = await Promise.all(
    WORLD_KINDS.map(async (kind) => [kind, await read(kind, namespaceOf(kind, namespace))] as const),
  );
  const byKind = new Map<WorldKind, readonly KubeObject[]>(lists);
  const of = <T extends KubeObject>(kind: WorldKind): T[] => [...(byKind.get(kind) ?? [])] as T[];
  return {
    replicaSets: of<ReplicaSet>('ReplicaSet'),
    pods: of<Pod>('Pod'),
    services: of<Service>('Service'),
    ingresses: of<Ingress>('Ingress'),
    analysisRuns: of<AnalysisRun>('AnalysisRun'),
    analysisTemplates: of<AnalysisTemplate>('AnalysisTemplate'),
    clusterAnalysisTemplates: of<ClusterAnalysisTemplate>('ClusterAnalysisTemplate'),
  };
}

/** `observeWith` over fresh lists from the store. */
export function observe(store: ResourceStore, rollout: Rollout): Promise<Observed> {
  return observeWith(async (kind, namespace) => (await store.list(kind, { namespace })).items, rollout);
}
