import type {
  AnalysisRun,
  AnalysisTemplate,
  ClusterAnalysisTemplate,
  Ingress,
  Pod,
  ReplicaSet,
  Rollout,
  Service,
} from '../../api/index.js';
import type { Observed } from '../../rollout/index.js';
import type { ResourceStore } from '../../store/index.js';

/** Reads what the engine needs about one Rollout: everything of the relevant kinds in its namespace. */
export async function observe(store: ResourceStore, rollout: Rollout): Promise<Observed> {
  const namespace = rollout.metadata.namespace ?? '';
  const [replicaSets, pods, services, ingresses, analysisRuns, analysisTemplates, clusterAnalysisTemplates] =
    await Promise.all([
      store.list<ReplicaSet>('ReplicaSet', { namespace }),
      store.list<Pod>('Pod', { namespace }),
      store.list<Service>('Service', { namespace }),
      store.list<Ingress>('Ingress', { namespace }),
      store.list<AnalysisRun>('AnalysisRun', { namespace }),
      store.list<AnalysisTemplate>('AnalysisTemplate', { namespace }),
      store.list<ClusterAnalysisTemplate>('ClusterAnalysisTemplate', { namespace: '' }),
    ]);
  return {
    replicaSets: replicaSets.items,
    pods: pods.items,
    services: services.items,
    ingresses: ingresses.items,
    analysisRuns: analysisRuns.items,
    analysisTemplates: analysisTemplates.items,
    clusterAnalysisTemplates: clusterAnalysisTemplates.items,
  };
}
