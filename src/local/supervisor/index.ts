/** Local mode's kubelet: Pods run as detached process groups, probed, restarted, stopped and re-adopted. */
export {
  Supervisor,
  DEFAULT_NODE_NAME,
  DEFAULT_LOG_MAX_BYTES,
  INHERITED_ENV,
  type SupervisorOptions,
  type LogsOptions,
} from './supervisor.js';
export type { ContainerEvent } from './container.js';
export { PodIPAllocator, DEFAULT_POD_IP_RANGE, type PodIPRange } from './addresses.js';
export { DEFAULT_TIMING, type SupervisorTiming } from './timing.js';
export {
  resolveContainerEnv,
  fieldRefValue,
  expandVariables,
  type SecretLookup,
  type SecretLike,
  type ConfigMapLookup,
  type ConfigMapLike,
} from './env.js';
export { podKeyOf } from './pod-types.js';
export type {
  Pod,
  ObservedPodStatus,
  ObservedContainerStatus,
  PodSpec,
  PodStatus,
  PodPhase,
  PodCondition,
  Container,
  ContainerPort,
  ContainerStatus,
  ContainerState,
  EnvVar,
  EnvVarSource,
  EnvFromSource,
  Probe,
} from './pod-types.js';
