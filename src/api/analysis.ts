import { z } from 'zod';
import { ObjectMeta } from './meta.js';
import {
  ARGOPROJ_API_VERSION,
  IntOrStringSchema,
  IntSchema,
  KeyValueSchema,
  ObjectFieldSelectorSchema,
  SecretKeySelectorSchema,
  StringMapSchema,
} from './common.js';
import { JobSpecSchema } from './core.js';
import { JudgeProviderSchema, RouterProviderSchema } from './kanary-providers.js';

/**
 * AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun (argoproj.io/v1alpha1), field for field as Argo
 * declares them (`analysis_types.go`). Objects strip unknown fields (the loader reports them as warnings, as
 * kubectl does); free-form parts (job specs, plugin configs) are loose. Kanary's own providers, `router` and `judge`, are
 * declared in `kanary-providers.ts`.
 */

export const ANALYSIS_PHASES = ['Pending', 'Running', 'Successful', 'Failed', 'Error', 'Inconclusive'] as const;
export const AnalysisPhaseSchema = z.enum(ANALYSIS_PHASES);
/** Phase of a measurement, a metric result or a run. "Completed" means one of the last four. */
export type AnalysisPhase = z.infer<typeof AnalysisPhaseSchema>;

// ---- args ----

/** Template (and AnalysisRun) argument: a value, a secret or a downward-API field; neither means "required". */
export const ArgumentSchema = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .object({
      secretKeyRef: SecretKeySelectorSchema.optional(),
      fieldRef: ObjectFieldSelectorSchema.optional(),
    })
    .optional(),
});
export type Argument = z.infer<typeof ArgumentSchema>;

export const DryRunSchema = z.object({ metricName: z.string() });
export type DryRun = z.infer<typeof DryRunSchema>;

export const MeasurementRetentionSchema = z.object({ metricName: z.string(), limit: IntSchema });
export type MeasurementRetention = z.infer<typeof MeasurementRetentionSchema>;

// ---- providers ----

export const PrometheusAuthSchema = z.object({
  sigv4: z
    .object({ region: z.string().optional(), profile: z.string().optional(), roleArn: z.string().optional() })
    .optional(),
  oauth2: z
    .object({
      tokenUrl: z.string().optional(),
      clientId: z.string().optional(),
      clientSecret: z.string().optional(),
      scopes: z.array(z.string()).optional(),
    })
    .optional(),
  basicAuth: z.object({ username: z.string().optional(), password: z.string().optional() }).optional(),
});
export type PrometheusAuth = z.infer<typeof PrometheusAuthSchema>;

export const PrometheusProviderSchema = z.object({
  address: z.string().optional(),
  query: z.string(),
  /** Seconds (Argo's int64), default 30. */
  timeout: IntSchema.optional(),
  insecure: z.boolean().optional(),
  headers: z.array(KeyValueSchema).optional(),
  rangeQuery: z
    .object({ start: z.string().optional(), end: z.string().optional(), step: z.string().optional() })
    .optional(),
  authentication: PrometheusAuthSchema.optional(),
});
export type PrometheusProvider = z.infer<typeof PrometheusProviderSchema>;

export const WebProviderSchema = z.object({
  url: z.string(),
  method: z.enum(['GET', 'POST', 'PUT']).optional(),
  headers: z.array(KeyValueSchema).optional(),
  body: z.string().optional(),
  /** Any JSON; sent with Content-Type application/json. */
  jsonBody: z.unknown().optional(),
  timeoutSeconds: IntSchema.optional(),
  jsonPath: z.string().optional(),
  insecure: z.boolean().optional(),
  authentication: PrometheusAuthSchema.pick({ oauth2: true }).optional(),
});
export type WebProvider = z.infer<typeof WebProviderSchema>;

export const JobProviderSchema = z.object({
  metadata: ObjectMeta.optional(),
  spec: JobSpecSchema,
});
export type JobProvider = z.infer<typeof JobProviderSchema>;

export const KayentaProviderSchema = z.looseObject({
  address: z.string().optional(),
  application: z.string().optional(),
  canaryConfigName: z.string().optional(),
  metricsAccountName: z.string().optional(),
  configurationAccountName: z.string().optional(),
  storageAccountName: z.string().optional(),
  threshold: z.looseObject({ pass: IntSchema.optional(), marginal: IntSchema.optional() }).optional(),
  scopes: z.array(z.looseObject({})).optional(),
  lookback: z.boolean().optional(),
});

export const DatadogProviderSchema = z.looseObject({
  interval: z.string().optional(),
  query: z.string().optional(),
  queries: StringMapSchema.optional(),
  formula: z.string().optional(),
  apiVersion: z.string().optional(),
  aggregator: z.string().optional(),
  secretRef: z.looseObject({ name: z.string().optional(), namespaced: z.boolean().optional() }).optional(),
  requestTimeout: z.string().optional(),
});

/** Providers Kanary declares so Argo manifests validate; validation reports them "not supported yet". */
const addressQuery = z.looseObject({ address: z.string().optional(), query: z.string().optional() });
const profileQuery = z.looseObject({ profile: z.string().optional(), query: z.string().optional() });

/** Exactly one field must be set (checked in validation, as Argo does). */
export const MetricProviderSchema = z.object({
  prometheus: PrometheusProviderSchema.optional(),
  web: WebProviderSchema.optional(),
  job: JobProviderSchema.optional(),
  kayenta: KayentaProviderSchema.optional(),
  datadog: DatadogProviderSchema.optional(),
  newRelic: z
    .looseObject({ profile: z.string().optional(), query: z.string().optional(), timeout: z.unknown().optional() })
    .optional(),
  wavefront: addressQuery.optional(),
  cloudWatch: z
    .looseObject({ interval: z.string().optional(), metricDataQueries: z.array(z.looseObject({})).optional() })
    .optional(),
  graphite: addressQuery.optional(),
  influxdb: profileQuery.optional(),
  skywalking: z
    .looseObject({ address: z.string().optional(), query: z.string().optional(), interval: z.string().optional() })
    .optional(),
  plugin: z.record(z.string(), z.unknown()).optional(),
  router: RouterProviderSchema.optional(),
  judge: JudgeProviderSchema.optional(),
});
export type MetricProvider = z.infer<typeof MetricProviderSchema>;
export type MetricProviderName = keyof MetricProvider;

/** Every provider key, in declaration order. */
export const METRIC_PROVIDER_NAMES = Object.keys(MetricProviderSchema.shape) as MetricProviderName[];

// ---- metric ----

export const MetricSchema = z.object({
  name: z.string(),
  /** Go duration between measurements; empty means a single measurement. */
  interval: z.string().optional(),
  /** Go duration to wait after the run starts before the first measurement. */
  initialDelay: z.string().optional(),
  /** Number of non-error measurements; may be templated. */
  count: IntOrStringSchema.optional(),
  successCondition: z.string().optional(),
  failureCondition: z.string().optional(),
  failureLimit: IntOrStringSchema.optional(),
  inconclusiveLimit: IntOrStringSchema.optional(),
  consecutiveErrorLimit: IntOrStringSchema.optional(),
  consecutiveSuccessLimit: IntOrStringSchema.optional(),
  provider: MetricProviderSchema,
});
export type Metric = z.infer<typeof MetricSchema>;

export const AnalysisTemplateRefSchema = z.object({
  templateName: z.string(),
  clusterScope: z.boolean().optional(),
});
export type AnalysisTemplateRef = z.infer<typeof AnalysisTemplateRefSchema>;

export const AnalysisTemplateSpecSchema = z.object({
  metrics: z.array(MetricSchema).optional(),
  args: z.array(ArgumentSchema).optional(),
  dryRun: z.array(DryRunSchema).optional(),
  measurementRetention: z.array(MeasurementRetentionSchema).optional(),
  /** Nested templates, flattened when a run is created. */
  templates: z.array(AnalysisTemplateRefSchema).optional(),
});
export type AnalysisTemplateSpec = z.infer<typeof AnalysisTemplateSpecSchema>;

export const AnalysisTemplateSchema = z.object({
  apiVersion: z.literal(ARGOPROJ_API_VERSION),
  kind: z.literal('AnalysisTemplate'),
  metadata: ObjectMeta,
  spec: AnalysisTemplateSpecSchema,
});
export type AnalysisTemplate = z.infer<typeof AnalysisTemplateSchema>;

/** Cluster-scoped, same spec. */
export const ClusterAnalysisTemplateSchema = z.object({
  apiVersion: z.literal(ARGOPROJ_API_VERSION),
  kind: z.literal('ClusterAnalysisTemplate'),
  metadata: ObjectMeta,
  spec: AnalysisTemplateSpecSchema,
});
export type ClusterAnalysisTemplate = z.infer<typeof ClusterAnalysisTemplateSchema>;

// ---- run ----

export const TtlStrategySchema = z.object({
  secondsAfterCompletion: IntSchema.optional(),
  secondsAfterSuccess: IntSchema.optional(),
  secondsAfterFailure: IntSchema.optional(),
});
export type TtlStrategy = z.infer<typeof TtlStrategySchema>;

export const AnalysisRunSpecSchema = z.object({
  metrics: z.array(MetricSchema),
  args: z.array(ArgumentSchema).optional(),
  terminate: z.boolean().optional(),
  dryRun: z.array(DryRunSchema).optional(),
  measurementRetention: z.array(MeasurementRetentionSchema).optional(),
  ttlStrategy: TtlStrategySchema.optional(),
});
export type AnalysisRunSpec = z.infer<typeof AnalysisRunSpecSchema>;

export const MeasurementSchema = z.object({
  phase: AnalysisPhaseSchema,
  message: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  /** The provider's result rendered as a string ("0.5", "[0.5]"). */
  value: z.string().optional(),
  metadata: StringMapSchema.optional(),
  /** When an asynchronous provider (job) wants to be resumed. */
  resumeAt: z.string().optional(),
});
export type Measurement = z.infer<typeof MeasurementSchema>;

export const MetricResultSchema = z.object({
  name: z.string(),
  phase: AnalysisPhaseSchema,
  measurements: z.array(MeasurementSchema).optional(),
  message: z.string().optional(),
  count: IntSchema.optional(),
  successful: IntSchema.optional(),
  failed: IntSchema.optional(),
  inconclusive: IntSchema.optional(),
  error: IntSchema.optional(),
  consecutiveError: IntSchema.optional(),
  consecutiveSuccess: IntSchema.optional(),
  dryRun: z.boolean().optional(),
  metadata: StringMapSchema.optional(),
});
export type MetricResult = z.infer<typeof MetricResultSchema>;

/** Counted per metric, not per measurement. */
export const RunSummarySchema = z.object({
  count: IntSchema.optional(),
  successful: IntSchema.optional(),
  failed: IntSchema.optional(),
  inconclusive: IntSchema.optional(),
  error: IntSchema.optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const AnalysisRunStatusSchema = z.object({
  phase: AnalysisPhaseSchema.optional(),
  message: z.string().optional(),
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  metricResults: z.array(MetricResultSchema).optional(),
  runSummary: RunSummarySchema.optional(),
  dryRunSummary: RunSummarySchema.optional(),
});
export type AnalysisRunStatus = z.infer<typeof AnalysisRunStatusSchema>;

export const AnalysisRunSchema = z.object({
  apiVersion: z.literal(ARGOPROJ_API_VERSION),
  kind: z.literal('AnalysisRun'),
  metadata: ObjectMeta,
  spec: AnalysisRunSpecSchema,
  status: AnalysisRunStatusSchema.optional(),
});
export type AnalysisRun = z.infer<typeof AnalysisRunSchema>;
