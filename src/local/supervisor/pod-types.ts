import type { ObjectMeta } from '../../api/index.js';

/**
 * The part of a Kubernetes Pod the supervisor reads and writes, declared structurally so that the zod model of
 * `src/api` fits (checked by api-compat.test.ts). Field names and meanings are Kubernetes' (core/v1). Type aliases
 * rather than interfaces, so the statuses it reports are assignable to the model's loose (index-signature) types.
 */
export type Pod = {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta & { deletionGracePeriodSeconds?: number };
  spec: PodSpec;
  status?: ObservedPodStatus;
};

/**
 * The part of a stored Pod's status the supervisor reads back when it re-adopts a pod after a restart (readiness,
 * restart counts). Loose on purpose: it is whatever the store holds.
 */
export type ObservedPodStatus = {
  podIP?: string;
  startTime?: string;
  conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  containerStatuses?: ObservedContainerStatus[];
};

export type ObservedContainerStatus = {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: unknown;
  lastState?: unknown;
};

export type PodSpec = {
  containers: Container[];
  nodeName?: string;
  serviceAccountName?: string;
  /** `Always` (default), `OnFailure` or `Never`. */
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
};

export type Container = {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  /** Read for the downward API's `resourceFieldRef` only (quantities: numbers or strings such as `500m`). */
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  ports?: ContainerPort[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
};

export type ContainerPort = {
  name?: string;
  containerPort: number;
  protocol?: string;
};

export type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: EnvVarSource;
};

/** One `envFrom` entry: every key of one ConfigMap or Secret, each name prefixed with `prefix`. */
export type EnvFromSource = {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
};

export type EnvVarSource = {
  fieldRef?: { fieldPath: string; apiVersion?: string };
  secretKeyRef?: { name: string; key: string; optional?: boolean };
  configMapKeyRef?: { name: string; key: string; optional?: boolean };
  resourceFieldRef?: { containerName?: string; resource: string; divisor?: number | string };
};

export type Probe = {
  httpGet?: {
    path?: string;
    port: number | string;
    host?: string;
    /** `HTTP` (default) or `HTTPS`. */
    scheme?: string;
    httpHeaders?: { name: string; value: string }[];
  };
  tcpSocket?: { port: number | string; host?: string };
  exec?: { command?: string[] };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  /** Liveness and startup probes: the grace period of a kill this probe causes (default: the pod's). */
  terminationGracePeriodSeconds?: number;
};

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export type PodStatus = {
  phase?: PodPhase;
  hostIP?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  conditions?: PodCondition[];
  containerStatuses?: ContainerStatus[];
  message?: string;
  reason?: string;
};

export type PodCondition = {
  type: 'PodScheduled' | 'Initialized' | 'ContainersReady' | 'Ready' | (string & {});
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
  reason?: string;
  message?: string;
};

export type ContainerStatus = {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
};

export type ContainerState = {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    exitCode: number;
    signal?: number;
    reason?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    containerID?: string;
  };
};

/** The supervisor's key of a pod: `namespace/name`, as Kubernetes' cache keys are. */
export function podKeyOf(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
}
