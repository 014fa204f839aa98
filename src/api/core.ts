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

/** Downward-API `resourceFieldRef`: a container's cpu or memory limit or request, in units of `divisor`. */
export const ResourceFieldSelectorSchema = z.object({
  containerName: z.string().optional(),
  resource: z
    .string()
    .regex(
      /^(limits|requests)\.(cpu|memory|ephemeral-storage|hugepages-.+)$/,
      'must be limits.cpu, limits.memory, requests.cpu, requests.memory (or ephemeral-storage, hugepages-*)',
    ),
  /** A quantity such as 1, "1m" (cpu) or "1Mi" (memory); default 1. */
  divisor: IntOrStringSchema.optional(),
});
export type ResourceFieldSelector = z.infer<typeof ResourceFieldSelectorSchema>;

export const EnvVarSourceSchema = z.looseObject({
  fieldRef: ObjectFieldSelectorSchema.optional(),
  resourceFieldRef: ResourceFieldSelectorSchema.optional(),
  secretKeyRef: SecretKeySelectorSchema.optional(),
  configMapKeyRef: SecretKeySelectorSchema.optional(),
});
export const EnvVarSchema = z.looseObject({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: EnvVarSourceSchema.optional(),
});
export type EnvVar = z.infer<typeof EnvVarSchema>;

/**
 * Kubernetes' rule for environment variable names and `envFrom` prefixes since 1.34 (RelaxedEnvironmentVariable-
 * Validation, GA): one or more printable ASCII characters other than `=`. Older versions required a C identifier.
 */
export const ENV_VAR_NAME_PATTERN = /^[\x20-\x3c\x3e-\x7e]+$/;

/** `envFrom[].configMapRef` / `envFrom[].secretRef`: a whole ConfigMap or Secret of the pod's namespace. */
export const EnvSourceRefSchema = z.object({
  name: z.string().min(1, 'must name the ConfigMap or Secret'),
  optional: z.boolean().optional(),
});
export type EnvSourceRef = z.infer<typeof EnvSourceRefSchema>;

/** One `envFrom` entry: every key of a ConfigMap or a Secret as a variable, each name prefixed with `prefix`. */
export const EnvFromSourceSchema = z
  .object({
    prefix: z
      .string()
      .regex(/^[\x20-\x3c\x3e-\x7e]*$/, 'may contain printable ASCII characters other than "=" only')
      .optional(),
    configMapRef: EnvSourceRefSchema.optional(),
    secretRef: EnvSourceRefSchema.optional(),
  })
  .superRefine((source, ctx) => {
    if (source.configMapRef !== undefined && source.secretRef !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['secretRef'],
        message: 'give one of configMapRef or secretRef per envFrom entry, not both; add a second entry',
      });
    } else if (source.configMapRef === undefined && source.secretRef === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'an envFrom entry needs configMapRef or secretRef' });
    }
  });
export type EnvFromSource = z.infer<typeof EnvFromSourceSchema>;

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
  envFrom: z.array(EnvFromSourceSchema).optional(),
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

/** ConfigMap keys, as Kubernetes validates them: letters, digits, `-`, `_` and `.`, at most 253 characters. */
export const CONFIG_MAP_KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const ConfigMapSchema = z
  .looseObject({
    apiVersion: z.literal('v1'),
    kind: z.literal('ConfigMap'),
    metadata: ObjectMeta,
    /** UTF-8 values; what `envFrom` and `configMapKeyRef` read. */
    data: StringMapSchema.optional(),
    /** base64-encoded values (any bytes). Not read by `envFrom`, as in Kubernetes. */
    binaryData: StringMapSchema.optional(),
    immutable: z.boolean().optional(),
  })
  .superRefine((cm, ctx) => {
    for (const field of ['data', 'binaryData'] as const) {
      for (const [key, value] of Object.entries(cm[field] ?? {})) {
        if (!CONFIG_MAP_KEY_PATTERN.test(key) || key.length > 253) {
          ctx.addIssue({
            code: 'custom',
            path: [field, key],
            input: key,
            message: 'a ConfigMap key must consist of letters, digits, "-", "_" or "." (at most 253 characters)',
          });
        }
        if (field === 'binaryData' && !BASE64.test(value)) {
          ctx.addIssue({ code: 'custom', path: [field, key], message: 'a binaryData value must be base64' });
        } else if (field === 'binaryData' && Object.hasOwn(cm.data ?? {}, key)) {
          ctx.addIssue({
            code: 'custom',
            path: [field, key],
            message: `key "${key}" is in data already; a key may be in data or binaryData, not both`,
          });
        }
      }
    }
  });
export type ConfigMap = z.infer<typeof ConfigMapSchema>;

export const ServiceAccountSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('ServiceAccount'),
  metadata: ObjectMeta,
});
export type ServiceAccount = z.infer<typeof ServiceAccountSchema>;
