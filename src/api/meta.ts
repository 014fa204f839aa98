import { z } from 'zod';

/**
 * Kubernetes object metadata: the subset Kanary reads and writes. Unknown fields pass through untouched so that
 * objects read from a real API server round-trip.
 */
export const OwnerReference = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof OwnerReference>;

export const ObjectMeta = z.looseObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(OwnerReference).optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/** The shape every stored object has: what the ResourceStore needs to know about any kind. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
}

/** The namespace an object without one lives in, as in Kubernetes. */
export const DEFAULT_NAMESPACE = 'default';

/** The same schemas under the `...Schema` naming the rest of `src/api` uses. */
export const ObjectMetaSchema = ObjectMeta;
export const OwnerReferenceSchema = OwnerReference;
