import type { ObjectMeta } from '../../api/index.js';

/**
 * The parts of apps/v1 ReplicaSet and core/v1 Pod the local ReplicaSet controller reads and writes, declared
 * structurally so the zod model of `src/api` fits. The pod spec passes through untouched (its type is a parameter).
 */
export interface ReplicaSetLike<Spec = unknown> {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: Spec;
    };
  };
  /** Not read: the status is computed from the pods. */
  status?: unknown;
}

/** A type alias, so it is assignable to the resource model's loose status type. */
export type ReplicaSetStatus = {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration?: number;
};

export interface PodLike {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { restartCount?: number }[];
  };
}

export interface PodRef {
  namespace: string;
  name: string;
  uid: string | undefined;
}

/** A JSON merge patch (RFC 7386) of a pod's metadata: only changed keys appear. */
export interface PodMetadataPatch {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** A pod to create: the template's spec (its type carried through), with the metadata the controller sets. */
export type NewPod<Spec = unknown> = {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta & { name: string; namespace: string };
  spec: Spec;
  status: { phase: 'Pending' };
};

export type ReplicaSetAction<Spec = unknown> =
  | { type: 'createPod'; pod: NewPod<Spec> }
  | { type: 'deletePod'; pod: PodRef; reason: 'ScaleDown' | 'Terminated' | 'Orphaned' }
  | { type: 'patchPod'; pod: PodRef; patch: PodMetadataPatch };
