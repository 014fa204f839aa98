import { z } from 'zod';
import { ObjectMeta } from './meta.js';
import {
  ConditionSchema,
  IntOrStringSchema,
  IntSchema,
  LabelSelectorSchema,
  ObjectFieldSelectorSchema,
  SecretKeySelectorSchema,
  StringMapSchema,
} from './common.js';

/**
 * The core Kubernetes kinds Kanary reads and writes, as the subsets it uses. Every object is loose: unknown fields
 * survive a read-modify-write, and are never reported as warnings (Kubernetes has far more fields than we model).
 */

export const EnvVarSourceSchema = z.looseObject({
  fieldRef: ObjectFieldSelectorSchema.optional(),
  secretKeyRef: SecretKeySelectorSchema.optional(),
  configMapKeyRef: SecretKeySelectorSchema.optional(),
});
export const EnvVarSchema = z.looseObject({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: EnvVarSourceSchema.optional(),
});
export type EnvVar = z.infer<typeof EnvVarSchema>;

export const ContainerPortSchema = z.looseObject({
  name: z.string().optional(),
  containerPort: IntSchema,
  protocol: z.string().optional(),
  hostPort: IntSchema.optional(),
});
export type ContainerPort = z.infer<typeof ContainerPortSchema>;

export const ProbeSchema = z.looseObject({
  httpGet: z
    .looseObject({
      path: z.string().optional(),
      port: IntOrStringSchema,
      host: z.string().optional(),
      scheme: z.string().optional(),
    })
    .optional(),
  tcpSocket: z.looseObject({ port: IntOrStringSchema, host: z.string().optional() }).optional(),
  exec: z.looseObject({ command: z.array(z.string()).optional() }).optional(),
  initialDelaySeconds: IntSchema.optional(),
  periodSeconds: IntSchema.optional(),
  timeoutSeconds: IntSchema.optional(),
  successThreshold: IntSchema.optional(),
  failureThreshold: IntSchema.optional(),
  /** Liveness and startup probes only: the grace period of a kill after a failure (overrides the pod's). */
  terminationGracePeriodSeconds: IntSchema.optional(),
});
export type Probe = z.infer<typeof ProbeSchema>;

export const ContainerSchema = z.looseObject({
  name: z.string(),
  image: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  env: z.array(EnvVarSchema).optional(),
  ports: z.array(ContainerPortSchema).optional(),
  readinessProbe: ProbeSchema.optional(),
  livenessProbe: ProbeSchema.optional(),
  startupProbe: ProbeSchema.optional(),
  resources: z.looseObject({}).optional(),
  imagePullPolicy: z.string().optional(),
});
export type Container = z.infer<typeof ContainerSchema>;

export const PodSpecSchema = z.looseObject({
  containers: z.array(ContainerSchema),
  initContainers: z.array(ContainerSchema).optional(),
  serviceAccountName: z.string().optional(),
  nodeName: z.string().optional(),
  restartPolicy: z.string().optional(),
  terminationGracePeriodSeconds: IntSchema.optional(),
});
export type PodSpec = z.infer<typeof PodSpecSchema>;

/** A pod template (Rollout, ReplicaSet, Job). Metadata keeps only labels/annotations in practice. */
export const PodTemplateSpecSchema = z.looseObject({
  metadata: ObjectMeta.optional(),
  spec: PodSpecSchema,
});
export type PodTemplateSpec = z.infer<typeof PodTemplateSpecSchema>;

export const ContainerStatusSchema = z.looseObject({
  name: z.string(),
  ready: z.boolean().optional(),
  restartCount: IntSchema.optional(),
  image: z.string().optional(),
  started: z.boolean().optional(),
  state: z.looseObject({}).optional(),
  lastState: z.looseObject({}).optional(),
});
export type ContainerStatus = z.infer<typeof ContainerStatusSchema>;

export const PodStatusSchema = z.looseObject({
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']).optional(),
  podIP: z.string().optional(),
  hostIP: z.string().optional(),
  startTime: z.string().optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  conditions: z.array(ConditionSchema.loose()).optional(),
  containerStatuses: z.array(ContainerStatusSchema).optional(),
});
export type PodStatus = z.infer<typeof PodStatusSchema>;

export const PodSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: ObjectMeta,
  spec: PodSpecSchema,
  status: PodStatusSchema.optional(),
});
export type Pod = z.infer<typeof PodSchema>;

export const ReplicaSetSchema = z.looseObject({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('ReplicaSet'),
  metadata: ObjectMeta,
  spec: z.looseObject({
    replicas: IntSchema.optional(),
    minReadySeconds: IntSchema.optional(),
    selector: LabelSelectorSchema,
    template: PodTemplateSpecSchema,
  }),
  status: z
    .looseObject({
      replicas: IntSchema.optional(),
      fullyLabeledReplicas: IntSchema.optional(),
      readyReplicas: IntSchema.optional(),
      availableReplicas: IntSchema.optional(),
      observedGeneration: IntSchema.optional(),
      conditions: z.array(ConditionSchema.loose()).optional(),
    })
    .optional(),
});
export type ReplicaSet = z.infer<typeof ReplicaSetSchema>;

export const ServicePortSchema = z.looseObject({
  name: z.string().optional(),
  port: IntSchema,
  targetPort: IntOrStringSchema.optional(),
  protocol: z.string().optional(),
  nodePort: IntSchema.optional(),
});
export type ServicePort = z.infer<typeof ServicePortSchema>;

export const ServiceSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: ObjectMeta,
  spec: z
    .looseObject({
      type: z.string().optional(),
      selector: StringMapSchema.optional(),
      ports: z.array(ServicePortSchema).optional(),
      clusterIP: z.string().optional(),
    })
    .optional(),
  status: z.looseObject({}).optional(),
});
export type Service = z.infer<typeof ServiceSchema>;

export const IngressBackendSchema = z.looseObject({
  service: z
    .looseObject({
      name: z.string(),
      port: z.looseObject({ name: z.string().optional(), number: IntSchema.optional() }).optional(),
    })
    .optional(),
  resource: z.looseObject({}).optional(),
});
export type IngressBackend = z.infer<typeof IngressBackendSchema>;

export const HTTPIngressPathSchema = z.looseObject({
  path: z.string().optional(),
  pathType: z.enum(['Exact', 'Prefix', 'ImplementationSpecific']),
  backend: IngressBackendSchema,
});
export type HTTPIngressPath = z.infer<typeof HTTPIngressPathSchema>;

export const IngressRuleSchema = z.looseObject({
  host: z.string().optional(),
  http: z.looseObject({ paths: z.array(HTTPIngressPathSchema) }).optional(),
});
export type IngressRule = z.infer<typeof IngressRuleSchema>;

export const IngressSchema = z.looseObject({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('Ingress'),
  metadata: ObjectMeta,
  spec: z
    .looseObject({
      ingressClassName: z.string().optional(),
      defaultBackend: IngressBackendSchema.optional(),
      rules: z.array(IngressRuleSchema).optional(),
      tls: z.array(z.looseObject({})).optional(),
    })
    .optional(),
  status: z.looseObject({}).optional(),
});
export type Ingress = z.infer<typeof IngressSchema>;

export const ServiceMonitorEndpointSchema = z.looseObject({
  port: z.string().optional(),
  targetPort: IntOrStringSchema.optional(),
  path: z.string().optional(),
  interval: z.string().optional(),
  scheme: z.string().optional(),
  scrapeTimeout: z.string().optional(),
});
export type ServiceMonitorEndpoint = z.infer<typeof ServiceMonitorEndpointSchema>;

export const ServiceMonitorSchema = z.looseObject({
  apiVersion: z.literal('monitoring.coreos.com/v1'),
  kind: z.literal('ServiceMonitor'),
  metadata: ObjectMeta,
  spec: z.looseObject({
    endpoints: z.array(ServiceMonitorEndpointSchema),
    selector: LabelSelectorSchema,
    namespaceSelector: z
      .looseObject({ any: z.boolean().optional(), matchNames: z.array(z.string()).optional() })
      .optional(),
    jobLabel: z.string().optional(),
  }),
});
export type ServiceMonitor = z.infer<typeof ServiceMonitorSchema>;

export const JobSpecSchema = z.looseObject({
  template: PodTemplateSpecSchema,
  backoffLimit: IntSchema.optional(),
  activeDeadlineSeconds: IntSchema.optional(),
  completions: IntSchema.optional(),
  parallelism: IntSchema.optional(),
  ttlSecondsAfterFinished: IntSchema.optional(),
});
export type JobSpec = z.infer<typeof JobSpecSchema>;

export const JobSchema = z.looseObject({
  apiVersion: z.literal('batch/v1'),
  kind: z.literal('Job'),
  metadata: ObjectMeta,
  spec: JobSpecSchema,
  status: z
    .looseObject({
      active: IntSchema.optional(),
      succeeded: IntSchema.optional(),
      failed: IntSchema.optional(),
      startTime: z.string().optional(),
      completionTime: z.string().optional(),
      conditions: z.array(ConditionSchema.loose()).optional(),
    })
    .optional(),
});
export type Job = z.infer<typeof JobSchema>;

export const SecretSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Secret'),
  metadata: ObjectMeta,
  type: z.string().optional(),
  /** base64-encoded values, as Kubernetes stores them. */
  data: StringMapSchema.optional(),
  /** plain values, write-only convenience merged into `data` by the API server. */
  stringData: StringMapSchema.optional(),
});
export type Secret = z.infer<typeof SecretSchema>;

export const ServiceAccountSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('ServiceAccount'),
  metadata: ObjectMeta,
});
export type ServiceAccount = z.infer<typeof ServiceAccountSchema>;
