import type { ObjectMeta } from '../../api/meta.js';

/**
 * The parts of apps/v1 ReplicaSet and core/v1 Pod the local ReplicaSet controller reads and writes, declared
 * structurally so the zod model of `src/api` fits. The pod spec passes through untouched.
 */
export interface ReplicaSetLike {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: unknown;
    };
  };
  status?: ReplicaSetStatus;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration?: number;
}

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

export type ReplicaSetAction =
  | { type: 'createPod'; pod: PodLike }
  | { type: 'deletePod'; pod: PodRef; reason: 'ScaleDown' | 'Terminated' | 'Orphaned' }
  | { type: 'patchPod'; pod: PodRef; patch: PodMetadataPatch };
