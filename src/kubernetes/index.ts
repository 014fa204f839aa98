/**
 * Kubernetes mode: a ResourceStore over the API server, Lease leader election, the controller's Prometheus
 * metrics, the instance-id view that keeps Kanary and Argo Rollouts apart, and the composed controller process.
 */
export {
  KubernetesStore,
  createKubernetesStore,
  type KubernetesStoreOptions,
  type CreateKubernetesStoreOptions,
} from './store.js';
export { KubeClient, loadKubeConfig, defaultNamespaceOf, type KubeConnectionOptions } from './client.js';
export { BUILTIN_KINDS, KindRegistry, type KindMapping } from './kinds.js';
export { codeOf, kubeError } from './errors.js';
export {
  KubernetesJobProvider,
  ANALYSIS_RUN_METRIC_LABEL,
  ANALYSIS_RUN_NAME_LABEL,
  type KubernetesJobProviderOptions,
} from './job-provider.js';
export { LeaderElector, type LeaderElectorOptions, type Lease } from './leader.js';
export {
  ControllerMetrics,
  RECONCILE_BUCKETS,
  rolloutPhase,
  startMetricsServer,
  type MetricsSnapshot,
} from './metrics.js';
export { DEFAULT_INSTANCE_ID, INSTANCE_ID_LABEL, INSTANCE_SCOPED_KINDS, withInstanceId } from './instance.js';
export { startController, type ControllerMainOptions, type RunningController } from './controller-main.js';
