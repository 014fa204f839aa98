import type { z } from 'zod';
import {
  AnalysisRunSchema,
  AnalysisTemplateSchema,
  ClusterAnalysisTemplateSchema,
  type AnalysisRun,
  type AnalysisTemplate,
  type ClusterAnalysisTemplate,
} from './analysis.js';
import {
  ConfigMapSchema,
  IngressSchema,
  JobSchema,
  PodSchema,
  ReplicaSetSchema,
  SecretSchema,
  ServiceAccountSchema,
  ServiceMonitorSchema,
  ServiceSchema,
  type ConfigMap,
  type Ingress,
  type Job,
  type Pod,
  type ReplicaSet,
  type Secret,
  type Service,
  type ServiceAccount,
  type ServiceMonitor,
} from './core.js';
import { RolloutSchema, type Rollout } from './rollout.js';

/** Every kind the resource model knows, by Kubernetes kind. */
export const KIND_SCHEMAS = {
  Rollout: RolloutSchema,
  AnalysisTemplate: AnalysisTemplateSchema,
  ClusterAnalysisTemplate: ClusterAnalysisTemplateSchema,
  AnalysisRun: AnalysisRunSchema,
  Service: ServiceSchema,
  Ingress: IngressSchema,
  ServiceMonitor: ServiceMonitorSchema,
  ReplicaSet: ReplicaSetSchema,
  Pod: PodSchema,
  Job: JobSchema,
  Secret: SecretSchema,
  ConfigMap: ConfigMapSchema,
  ServiceAccount: ServiceAccountSchema,
} as const;

export type KnownKind = keyof typeof KIND_SCHEMAS;

/** Any object of a known kind. */
export type KnownObject =
  | Rollout
  | AnalysisTemplate
  | ClusterAnalysisTemplate
  | AnalysisRun
  | Service
  | Ingress
  | ServiceMonitor
  | ReplicaSet
  | Pod
  | Job
  | Secret
  | ConfigMap
  | ServiceAccount;

/** The apiVersion each kind must have (the one version Kanary serves). */
export const KIND_API_VERSIONS: Readonly<Record<KnownKind, string>> = {
  Rollout: 'argoproj.io/v1alpha1',
  AnalysisTemplate: 'argoproj.io/v1alpha1',
  ClusterAnalysisTemplate: 'argoproj.io/v1alpha1',
  AnalysisRun: 'argoproj.io/v1alpha1',
  Service: 'v1',
  Ingress: 'networking.k8s.io/v1',
  ServiceMonitor: 'monitoring.coreos.com/v1',
  ReplicaSet: 'apps/v1',
  Pod: 'v1',
  Job: 'batch/v1',
  Secret: 'v1',
  ConfigMap: 'v1',
  ServiceAccount: 'v1',
};

/** Kinds without a namespace. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(['ClusterAnalysisTemplate']);

export function isKnownKind(kind: unknown): kind is KnownKind {
  return typeof kind === 'string' && Object.hasOwn(KIND_SCHEMAS, kind);
}

/** The schema for a kind, or undefined for kinds the model does not know. */
export function schemaForKind(kind: string): z.ZodType | undefined {
  return isKnownKind(kind) ? KIND_SCHEMAS[kind] : undefined;
}
