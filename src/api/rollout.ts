import { z } from 'zod';
import { ObjectMeta } from './meta.js';
import {
  ARGOPROJ_API_VERSION,
  ConditionSchema,
  IntOrStringSchema,
  IntSchema,
  LabelSelectorSchema,
  ObjectFieldSelectorSchema,
  PodMetadataSchema,
  StringMapSchema,
} from './common.js';
import {
  AnalysisPhaseSchema,
  AnalysisTemplateRefSchema,
  DryRunSchema,
  MeasurementRetentionSchema,
} from './analysis.js';
import { PodTemplateSpecSchema } from './core.js';

/**
 * The Rollout (argoproj.io/v1alpha1), every field Argo declares (`types.go`). The schema accepts all of Argo;
 * what Kanary does not run yet (blue-green, most routers, experiment/plugin/header/mirror steps) is rejected by
 * validation with "not supported yet", never silently. Defaults live in defaults.ts, not here, so a loaded
 * manifest serialises back unchanged.
 */

// ---- analysis as the Rollout references it ----

/** Rollout-side arg: a literal, the stable/latest pod hash, or a field of the Rollout. */
export const RolloutAnalysisArgumentSchema = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .object({
      podTemplateHashValue: z.enum(['Stable', 'Latest']).optional(),
      fieldRef: ObjectFieldSelectorSchema.optional(),
    })
    .optional(),
});
export type RolloutAnalysisArgument = z.infer<typeof RolloutAnalysisArgumentSchema>;

/** An inline `analysis` step. */
export const RolloutAnalysisSchema = z.object({
  templates: z.array(AnalysisTemplateRefSchema).optional(),
  args: z.array(RolloutAnalysisArgumentSchema).optional(),
  dryRun: z.array(DryRunSchema).optional(),
  measurementRetention: z.array(MeasurementRetentionSchema).optional(),
  analysisRunMetadata: PodMetadataSchema.optional(),
});
export type RolloutAnalysis = z.infer<typeof RolloutAnalysisSchema>;

/** `strategy.canary.analysis`: background analysis, from `startingStep` on. */
export const RolloutAnalysisBackgroundSchema = RolloutAnalysisSchema.extend({
  startingStep: IntSchema.optional(),
});
export type RolloutAnalysisBackground = z.infer<typeof RolloutAnalysisBackgroundSchema>;

// ---- steps ----

export const StringMatchSchema = z.object({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  regex: z.string().optional(),
});
export type StringMatch = z.infer<typeof StringMatchSchema>;

export const SetHeaderRouteSchema = z.object({
  name: z.string(),
  match: z.array(z.object({ headerName: z.string(), headerValue: StringMatchSchema })).optional(),
});
export const SetMirrorRouteSchema = z.object({
  name: z.string(),
  percentage: IntSchema.optional(),
  match: z
    .array(
      z.object({
        method: StringMatchSchema.optional(),
        path: StringMatchSchema.optional(),
        headers: z.record(z.string(), StringMatchSchema).optional(),
      }),
    )
    .optional(),
});

export const RolloutExperimentStepSchema = z.object({
  templates: z.array(
    z.object({
      name: z.string(),
      specRef: z.enum(['stable', 'canary']),
      replicas: IntSchema.optional(),
      weight: IntSchema.optional(),
      metadata: PodMetadataSchema.optional(),
      selector: LabelSelectorSchema.optional(),
      service: z.object({ name: z.string().optional() }).optional(),
    }),
  ),
  duration: z.string().optional(),
  analyses: z
    .array(
      z.object({
        name: z.string(),
        templateName: z.string(),
        clusterScope: z.boolean().optional(),
        args: z.array(RolloutAnalysisArgumentSchema).optional(),
        requiredForCompletion: z.boolean().optional(),
      }),
    )
    .optional(),
  dryRun: z.array(DryRunSchema).optional(),
  analysisRunMetadata: PodMetadataSchema.optional(),
  scaleDownDelaySeconds: IntSchema.optional(),
});

/** One step of the plan; exactly one field is set (checked in validation). */
export const CanaryStepSchema = z.object({
  setWeight: IntSchema.optional(),
  /** `pause: {}` waits for a human; `duration` is seconds (int or unitless string) or a Go duration. */
  pause: z.object({ duration: IntOrStringSchema.optional() }).optional(),
  analysis: RolloutAnalysisSchema.optional(),
  setCanaryScale: z
    .object({
      weight: IntSchema.optional(),
      replicas: IntSchema.optional(),
      matchTrafficWeight: z.boolean().optional(),
    })
    .optional(),
  setHeaderRoute: SetHeaderRouteSchema.optional(),
  setMirrorRoute: SetMirrorRouteSchema.optional(),
  experiment: RolloutExperimentStepSchema.optional(),
  plugin: z.object({ name: z.string(), config: z.unknown().optional() }).optional(),
});
export type CanaryStep = z.infer<typeof CanaryStepSchema>;
export type CanaryStepType = keyof CanaryStep;
export const CANARY_STEP_TYPES = Object.keys(CanaryStepSchema.shape) as CanaryStepType[];

// ---- traffic routing ----

export const NginxTrafficRoutingSchema = z.object({
  stableIngress: z.string().optional(),
  stableIngresses: z.array(z.string()).optional(),
  annotationPrefix: z.string().optional(),
  additionalIngressAnnotations: StringMapSchema.optional(),
  canaryIngressAnnotations: StringMapSchema.optional(),
});
export type NginxTrafficRouting = z.infer<typeof NginxTrafficRoutingSchema>;

const routeList = z.array(z.string()).optional();
export const IstioTrafficRoutingSchema = z.object({
  virtualService: z
    .object({
      name: z.string(),
      routes: routeList,
      tlsRoutes: z.array(z.looseObject({})).optional(),
      tcpRoutes: z.array(z.looseObject({})).optional(),
    })
    .optional(),
  virtualServices: z
    .array(
      z.object({
        name: z.string(),
        routes: routeList,
        tlsRoutes: z.array(z.looseObject({})).optional(),
        tcpRoutes: z.array(z.looseObject({})).optional(),
      }),
    )
    .optional(),
  destinationRule: z
    .object({
      name: z.string(),
      canarySubsetName: z.string(),
      stableSubsetName: z.string(),
      additionalSubsetNames: z.array(z.string()).optional(),
    })
    .optional(),
});
export const AlbTrafficRoutingSchema = z.object({
  ingress: z.string().optional(),
  ingresses: z.array(z.string()).optional(),
  servicePort: IntSchema.optional(),
  rootService: z.string().optional(),
  annotationPrefix: z.string().optional(),
  stickinessConfig: z.object({ enabled: z.boolean(), durationSeconds: IntSchema }).optional(),
});

export const RolloutTrafficRoutingSchema = z.object({
  nginx: NginxTrafficRoutingSchema.optional(),
  istio: IstioTrafficRoutingSchema.optional(),
  alb: AlbTrafficRoutingSchema.optional(),
  smi: z.object({ rootService: z.string().optional(), trafficSplitName: z.string().optional() }).optional(),
  ambassador: z.object({ mappings: z.array(z.string()) }).optional(),
  appMesh: z
    .looseObject({ virtualService: z.looseObject({}).optional(), virtualNodeGroup: z.looseObject({}).optional() })
    .optional(),
  traefik: z.object({ weightedTraefikServiceName: z.string() }).optional(),
  apisix: z.looseObject({ route: z.looseObject({}).optional() }).optional(),
  plugins: z.record(z.string(), z.unknown()).optional(),
  managedRoutes: z.array(z.object({ name: z.string() })).optional(),
  maxTrafficWeight: IntSchema.optional(),
});
export type RolloutTrafficRouting = z.infer<typeof RolloutTrafficRoutingSchema>;
export type TrafficRouterName = Exclude<keyof RolloutTrafficRouting, 'managedRoutes' | 'maxTrafficWeight'>;

// ---- strategies ----

export const CanaryStrategySchema = z.object({
  canaryService: z.string().optional(),
  stableService: z.string().optional(),
  steps: z.array(CanaryStepSchema).optional(),
  trafficRouting: RolloutTrafficRoutingSchema.optional(),
  maxSurge: IntOrStringSchema.optional(),
  maxUnavailable: IntOrStringSchema.optional(),
  analysis: RolloutAnalysisBackgroundSchema.optional(),
  antiAffinity: z
    .object({
      preferredDuringSchedulingIgnoredDuringExecution: z.object({ weight: IntSchema }).optional(),
      requiredDuringSchedulingIgnoredDuringExecution: z.object({}).optional(),
    })
    .optional(),
  canaryMetadata: PodMetadataSchema.optional(),
  stableMetadata: PodMetadataSchema.optional(),
  scaleDownDelaySeconds: IntSchema.optional(),
  scaleDownDelayRevisionLimit: IntSchema.optional(),
  abortScaleDownDelaySeconds: IntSchema.optional(),
  dynamicStableScale: z.boolean().optional(),
  pingPong: z.object({ pingService: z.string(), pongService: z.string() }).optional(),
  minPodsPerReplicaSet: IntSchema.optional(),
  replicaProgressThreshold: z.object({ type: z.enum(['Percent', 'Pods']), value: IntSchema }).optional(),
});
export type CanaryStrategy = z.infer<typeof CanaryStrategySchema>;

/** Declared so Argo manifests load; Kanary rejects it in validation ("not supported yet"). */
export const BlueGreenStrategySchema = z.looseObject({
  activeService: z.string().optional(),
  previewService: z.string().optional(),
  autoPromotionEnabled: z.boolean().optional(),
  autoPromotionSeconds: IntSchema.optional(),
  scaleDownDelaySeconds: IntSchema.optional(),
});
export type BlueGreenStrategy = z.infer<typeof BlueGreenStrategySchema>;

export const RolloutStrategySchema = z.object({
  canary: CanaryStrategySchema.optional(),
  blueGreen: BlueGreenStrategySchema.optional(),
});
export type RolloutStrategy = z.infer<typeof RolloutStrategySchema>;

// ---- spec ----

export const WorkloadRefSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  scaleDown: z.enum(['never', 'onsuccess', 'progressively']).optional(),
});

export const RolloutSpecSchema = z.object({
  replicas: IntSchema.optional(),
  selector: LabelSelectorSchema.optional(),
  template: PodTemplateSpecSchema.optional(),
  workloadRef: WorkloadRefSchema.optional(),
  minReadySeconds: IntSchema.optional(),
  rollbackWindow: z.object({ revisions: IntSchema.optional() }).optional(),
  strategy: RolloutStrategySchema,
  revisionHistoryLimit: IntSchema.optional(),
  paused: z.boolean().optional(),
  progressDeadlineSeconds: IntSchema.optional(),
  progressDeadlineAbort: z.boolean().optional(),
  restartAt: z.string().optional(),
  analysis: z
    .object({
      successfulRunHistoryLimit: IntSchema.optional(),
      unsuccessfulRunHistoryLimit: IntSchema.optional(),
    })
    .optional(),
});
export type RolloutSpec = z.infer<typeof RolloutSpecSchema>;

// ---- status ----

export const ROLLOUT_PHASES = ['Healthy', 'Progressing', 'Paused', 'Degraded'] as const;
export const RolloutPhaseSchema = z.enum(ROLLOUT_PHASES);
export type RolloutPhase = z.infer<typeof RolloutPhaseSchema>;

export const PAUSE_REASONS = [
  'CanaryPauseStep',
  'BlueGreenPause',
  'InconclusiveAnalysisRun',
  'InconclusiveExperiment',
] as const;
export const PauseReasonSchema = z.enum(PAUSE_REASONS);
export type PauseReason = z.infer<typeof PauseReasonSchema>;

export const PauseConditionSchema = z.object({ reason: PauseReasonSchema, startTime: z.string() });
export type PauseCondition = z.infer<typeof PauseConditionSchema>;

export const RolloutAnalysisRunStatusSchema = z.object({
  name: z.string(),
  status: AnalysisPhaseSchema,
  message: z.string().optional(),
});
export type RolloutAnalysisRunStatus = z.infer<typeof RolloutAnalysisRunStatusSchema>;

export const WeightDestinationSchema = z.object({
  weight: IntSchema,
  podTemplateHash: z.string().optional(),
  serviceName: z.string().optional(),
});
export type WeightDestination = z.infer<typeof WeightDestinationSchema>;

export const TrafficWeightsSchema = z.object({
  canary: WeightDestinationSchema,
  stable: WeightDestinationSchema,
  additional: z.array(WeightDestinationSchema).optional(),
  verified: z.boolean().optional(),
});
export type TrafficWeights = z.infer<typeof TrafficWeightsSchema>;

export const CanaryStatusSchema = z.object({
  currentStepAnalysisRunStatus: RolloutAnalysisRunStatusSchema.optional(),
  currentBackgroundAnalysisRunStatus: RolloutAnalysisRunStatusSchema.optional(),
  currentExperiment: z.string().optional(),
  weights: TrafficWeightsSchema.optional(),
  stablePingPong: z.enum(['ping', 'pong']).optional(),
  stepPluginStatuses: z.array(z.looseObject({})).optional(),
});
export type CanaryStatus = z.infer<typeof CanaryStatusSchema>;

export const RolloutConditionSchema = ConditionSchema;
export type RolloutCondition = z.infer<typeof RolloutConditionSchema>;

export const RolloutStatusSchema = z.object({
  phase: RolloutPhaseSchema.optional(),
  message: z.string().optional(),
  abort: z.boolean().optional(),
  abortedAt: z.string().optional(),
  pauseConditions: z.array(PauseConditionSchema).optional(),
  controllerPause: z.boolean().optional(),
  promoteFull: z.boolean().optional(),
  currentPodHash: z.string().optional(),
  stableRS: z.string().optional(),
  currentStepIndex: IntSchema.optional(),
  currentStepHash: z.string().optional(),
  replicas: IntSchema.optional(),
  updatedReplicas: IntSchema.optional(),
  readyReplicas: IntSchema.optional(),
  availableReplicas: IntSchema.optional(),
  HPAReplicas: IntSchema.optional(),
  selector: z.string().optional(),
  collisionCount: IntSchema.optional(),
  /** A string in Argo (it once held a hash). */
  observedGeneration: z.string().optional(),
  workloadObservedGeneration: z.string().optional(),
  restartedAt: z.string().optional(),
  conditions: z.array(RolloutConditionSchema).optional(),
  canary: CanaryStatusSchema.optional(),
  blueGreen: z.looseObject({}).optional(),
  alb: z.looseObject({}).optional(),
  albs: z.array(z.looseObject({})).optional(),
});
export type RolloutStatus = z.infer<typeof RolloutStatusSchema>;

export const RolloutSchema = z.object({
  apiVersion: z.literal(ARGOPROJ_API_VERSION),
  kind: z.literal('Rollout'),
  metadata: ObjectMeta,
  spec: RolloutSpecSchema,
  status: RolloutStatusSchema.optional(),
});
export type Rollout = z.infer<typeof RolloutSchema>;
