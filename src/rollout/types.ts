import type {
  AnalysisRun,
  AnalysisTemplate,
  ClusterAnalysisTemplate,
  Ingress,
  KubeObject,
  Pod,
  ReplicaSet,
  Rollout,
  RolloutStatus,
  Service,
} from '../api/index.js';

/**
 * What the controller observed about one Rollout: the objects it owns (ReplicaSets, their Pods, AnalysisRuns) and
 * the ones it references (Services, Ingresses, templates) in the Rollout's namespace. Extra objects are ignored:
 * the engine filters by owner and name itself.
 */
export interface Observed {
  replicaSets: ReplicaSet[];
  pods: Pod[];
  services: Service[];
  ingresses: Ingress[];
  analysisRuns: AnalysisRun[];
  analysisTemplates: AnalysisTemplate[];
  clusterAnalysisTemplates: ClusterAnalysisTemplate[];
}

export type EventType = 'Normal' | 'Warning';

/** A Kubernetes Event about the Rollout; its reason is also a notification trigger (`on-<kebab-reason>`). */
export interface RolloutEvent {
  type: EventType;
  reason: string;
  message: string;
}

/**
 * One change to the world, applied in order by the controller. All objects live in the Rollout's namespace.
 * `patch` is a JSON merge patch (RFC 7386) of metadata and spec; `null` removes a key.
 */
export type Action =
  | { type: 'create'; object: KubeObject }
  | { type: 'patch'; kind: string; name: string; patch: Record<string, unknown> }
  | { type: 'delete'; kind: string; name: string }
  | { type: 'event'; event: RolloutEvent };

export interface ReconcileResult {
  /** The complete new status (replace, not merge). */
  status: RolloutStatus;
  actions: Action[];
  /** Run again after this many milliseconds even if nothing changes; undefined when only a change can matter. */
  requeueAfterMs: number | undefined;
}

export type { Rollout, RolloutStatus };
