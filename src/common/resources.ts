/**
 * The kinds the HTTP API serves, with their URL plural and scope, as the Kubernetes API names them.
 * The API accepts the plural, the lower-case kind and the short names, so `kanary get ro` works like kubectl.
 */
export interface ResourceKind {
  kind: string;
  apiVersion: string;
  plural: string;
  namespaced: boolean;
  shortNames: readonly string[];
}

export const RESOURCE_KINDS: readonly ResourceKind[] = [
  { kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1', plural: 'rollouts', namespaced: true, shortNames: ['ro'] },
  {
    kind: 'AnalysisTemplate',
    apiVersion: 'argoproj.io/v1alpha1',
    plural: 'analysistemplates',
    namespaced: true,
    shortNames: ['at'],
  },
  {
    kind: 'ClusterAnalysisTemplate',
    apiVersion: 'argoproj.io/v1alpha1',
    plural: 'clusteranalysistemplates',
    namespaced: false,
    shortNames: ['cat'],
  },
  {
    kind: 'AnalysisRun',
    apiVersion: 'argoproj.io/v1alpha1',
    plural: 'analysisruns',
    namespaced: true,
    shortNames: ['ar'],
  },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', plural: 'replicasets', namespaced: true, shortNames: ['rs'] },
  { kind: 'Pod', apiVersion: 'v1', plural: 'pods', namespaced: true, shortNames: ['po'] },
  { kind: 'Service', apiVersion: 'v1', plural: 'services', namespaced: true, shortNames: ['svc'] },
  { kind: 'ServiceAccount', apiVersion: 'v1', plural: 'serviceaccounts', namespaced: true, shortNames: ['sa'] },
  { kind: 'Secret', apiVersion: 'v1', plural: 'secrets', namespaced: true, shortNames: [] },
  { kind: 'ConfigMap', apiVersion: 'v1', plural: 'configmaps', namespaced: true, shortNames: ['cm'] },
  { kind: 'Event', apiVersion: 'v1', plural: 'events', namespaced: true, shortNames: ['ev'] },
  { kind: 'Job', apiVersion: 'batch/v1', plural: 'jobs', namespaced: true, shortNames: [] },
  { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', plural: 'ingresses', namespaced: true, shortNames: ['ing'] },
  {
    kind: 'ServiceMonitor',
    apiVersion: 'monitoring.coreos.com/v1',
    plural: 'servicemonitors',
    namespaced: true,
    shortNames: ['smon'],
  },
];

/** Finds a kind by plural, singular, kind name or short name, case-insensitively; undefined when unknown. */
export function resolveKind(name: string): ResourceKind | undefined {
  const n = name.toLowerCase();
  return RESOURCE_KINDS.find(
    (k) => k.plural === n || k.kind.toLowerCase() === n || k.shortNames.includes(n) || `${k.kind.toLowerCase()}s` === n,
  );
}

export function kindByName(kind: string): ResourceKind | undefined {
  return RESOURCE_KINDS.find((k) => k.kind === kind);
}
