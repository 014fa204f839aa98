import { KanaryError } from '../common/index.js';

/** Where a kind lives on the API server: its group, version, plural resource name and scope. */
export interface KindMapping {
  kind: string;
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

function k(kind: string, group: string, version: string, resource: string, namespaced = true): KindMapping {
  return { kind, group, version, resource, namespaced };
}

/** The kinds Kanary reads and writes in Kubernetes mode. */
export const BUILTIN_KINDS: readonly KindMapping[] = [
  k('Pod', '', 'v1', 'pods'),
  k('Service', '', 'v1', 'services'),
  k('Secret', '', 'v1', 'secrets'),
  k('ConfigMap', '', 'v1', 'configmaps'),
  k('Event', '', 'v1', 'events'),
  k('Namespace', '', 'v1', 'namespaces', false),
  k('ReplicaSet', 'apps', 'v1', 'replicasets'),
  k('Deployment', 'apps', 'v1', 'deployments'),
  k('Ingress', 'networking.k8s.io', 'v1', 'ingresses'),
  k('Job', 'batch', 'v1', 'jobs'),
  k('Lease', 'coordination.k8s.io', 'v1', 'leases'),
  k('Rollout', 'argoproj.io', 'v1alpha1', 'rollouts'),
  k('AnalysisRun', 'argoproj.io', 'v1alpha1', 'analysisruns'),
  k('AnalysisTemplate', 'argoproj.io', 'v1alpha1', 'analysistemplates'),
  k('ClusterAnalysisTemplate', 'argoproj.io', 'v1alpha1', 'clusteranalysistemplates', false),
  k('Experiment', 'argoproj.io', 'v1alpha1', 'experiments'),
  k('ServiceMonitor', 'monitoring.coreos.com', 'v1', 'servicemonitors'),
];

/** Resolves kinds to API paths; extra mappings (tests, other custom resources) extend or override the builtins. */
export class KindRegistry {
  readonly #byKind = new Map<string, KindMapping>();

  constructor(extra: readonly KindMapping[] = []) {
    for (const m of [...BUILTIN_KINDS, ...extra]) this.#byKind.set(m.kind, m);
  }

  get(kind: string): KindMapping {
    const found = this.#byKind.get(kind);
    if (found) return found;
    throw new KanaryError(
      'INVALID_SPEC',
      `kind "${kind}" is not one Kanary knows how to reach on a Kubernetes API server; known kinds: ${[
        ...this.#byKind.keys(),
      ].join(', ')}`,
    );
  }

  apiVersion(m: KindMapping): string {
    return m.group === '' ? m.version : `${m.group}/${m.version}`;
  }

  /** The collection path, in one namespace or (namespace undefined, or a cluster-scoped kind) across all. */
  collectionPath(m: KindMapping, namespace: string | undefined): string {
    const base = m.group === '' ? `/api/${m.version}` : `/apis/${m.group}/${m.version}`;
    const ns = m.namespaced && namespace !== undefined && namespace !== '' ? `/namespaces/${enc(namespace)}` : '';
    return `${base}${ns}/${m.resource}`;
  }

  objectPath(m: KindMapping, namespace: string, name: string, subresource?: 'status'): string {
    const sub = subresource === undefined ? '' : `/${subresource}`;
    return `${this.collectionPath(m, namespace)}/${enc(name)}${sub}`;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
