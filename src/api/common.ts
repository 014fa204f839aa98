import { z } from 'zod';

/**
 * Small building blocks shared by every kind: Kubernetes' int-or-string, label selectors, key/value headers.
 * Schema objects carry a `Schema` suffix; the inferred type has the bare name.
 */

/** A 32-bit-or-wider integer as Kubernetes writes it (no fractions). */
export const IntSchema = z.number().int();

/** Kubernetes `IntOrString`: `3`, `"25%"`, `"{{args.count}}"`. The CRD generator marks it x-kubernetes-int-or-string. */
export const IntOrStringSchema = z.union([IntSchema, z.string()]);
export type IntOrString = z.infer<typeof IntOrStringSchema>;

/** `metadata.labels` / `annotations` shape. */
export const StringMapSchema = z.record(z.string(), z.string());
export type StringMap = z.infer<typeof StringMapSchema>;

export const LabelSelectorRequirementSchema = z.object({
  key: z.string(),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});
export type LabelSelectorRequirement = z.infer<typeof LabelSelectorRequirementSchema>;

/** metav1.LabelSelector. */
export const LabelSelectorSchema = z.object({
  matchLabels: StringMapSchema.optional(),
  matchExpressions: z.array(LabelSelectorRequirementSchema).optional(),
});
export type LabelSelector = z.infer<typeof LabelSelectorSchema>;

/** `{key, value}` pairs used for HTTP headers by the prometheus and web providers. */
export const KeyValueSchema = z.object({ key: z.string(), value: z.string() });
export type KeyValue = z.infer<typeof KeyValueSchema>;

/** Labels and annotations put on generated objects (AnalysisRuns, canary/stable pods). */
export const PodMetadataSchema = z.object({
  labels: StringMapSchema.optional(),
  annotations: StringMapSchema.optional(),
});
export type PodMetadata = z.infer<typeof PodMetadataSchema>;

/** A `status.conditions[]` entry as Kubernetes workloads write it. */
export const ConditionSchema = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  lastUpdateTime: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

/** `secretKeyRef` as used by env vars and analysis args. */
export const SecretKeySelectorSchema = z.object({
  name: z.string(),
  key: z.string(),
  optional: z.boolean().optional(),
});
export type SecretKeySelector = z.infer<typeof SecretKeySelectorSchema>;

/** Downward-API `fieldRef`. */
export const ObjectFieldSelectorSchema = z.object({
  fieldPath: z.string(),
  apiVersion: z.string().optional(),
});
export type ObjectFieldSelector = z.infer<typeof ObjectFieldSelectorSchema>;

/** The API version of every Argo Rollouts kind. */
export const ARGOPROJ_API_VERSION = 'argoproj.io/v1alpha1';
