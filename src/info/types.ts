import type { JudgeArmResult, JudgeResult, JudgeVerdict, TrailPoint } from '../analysis/judge/index.js';

export type { JudgeArmResult, JudgeResult, JudgeVerdict, TrailPoint };

/**
 * The view model of a Rollout: everything the CLI tree, the `--watch` view, the API's `rolloutinfos` and the
 * dashboard show, computed once by `toRolloutInfo`. Plain JSON (no Dates, no classes) so it crosses HTTP as is.
 * Times are RFC 3339 strings; ages are whole seconds at the `now` the model was built for.
 */

/** Every status word an object in the tree can show, with Argo's spelling. */
export type InfoStatus =
  | 'Healthy'
  | 'Progressing'
  | 'Paused'
  | 'Degraded'
  | 'Successful'
  | 'Running'
  | 'Pending'
  | 'Failed'
  | 'Error'
  | 'Inconclusive'
  | 'ScaledDown'
  | 'Terminating'
  | 'Unknown';

export type RolloutPhaseName = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded';

/** The role a ReplicaSet plays, as Argo tags it in the INFO column and the images list. */
export type ReplicaSetMarker = 'stable' | 'canary' | 'old';

export interface ReplicaCounts {
  desired: number;
  current: number;
  updated: number;
  ready: number;
  available: number;
}

export interface PodInfo {
  name: string;
  status: InfoStatus;
  icon: string;
  /** `ready/total` containers, e.g. "1/1". */
  ready: string;
  restarts: number;
  createdAt: string | undefined;
  ageSeconds: number;
}

export interface ReplicaSetInfo {
  name: string;
  hash: string;
  revision: number;
  status: InfoStatus;
  icon: string;
  markers: ReplicaSetMarker[];
  replicas: { desired: number; current: number; ready: number; available: number };
  images: string[];
  /** Remaining scale-down delay as `delay:12s`, `delay:passed`, or undefined when none is pending. */
  scaleDownDelay: string | undefined;
  createdAt: string | undefined;
  ageSeconds: number;
  pods: PodInfo[];
}

/** A comparison pulled out of a simple condition (`result[0] >= 0.99`), for charts. */
export interface Threshold {
  /** Which condition it came from: crossing a success threshold fails, crossing a failure threshold fails too. */
  kind: 'success' | 'failure';
  operator: '<' | '<=' | '>' | '>=' | '==' | '!=';
  value: number;
}

export interface MeasurementInfo {
  phase: string;
  /** The raw value as the provider rendered it ("0.5", "[0.5]"). */
  value: string | undefined;
  /** The first number in `value`, when there is one. */
  number: number | undefined;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  message: string | undefined;
  /** A judge metric's measurement: its result read back from `value`; absent otherwise (or when unreadable). */
  judge?: JudgeResult;
}

/** What the view shows about a judge metric (provider `judge`, docs/judge.md). */
export interface JudgeMetricInfo {
  /** The false-abort bound: from the latest result's threshold, else the metric's `alpha`, else 0.05. */
  alpha: number;
  /** 1/α: the verdict turns `fail` when the evidence (e-value) reaches it. */
  threshold: number;
  /** The newest readable result; undefined before the first judge measurement. */
  latest: JudgeResult | undefined;
  /** The latest result in words (`describeJudgeResult`); undefined before the first measurement. */
  summary: string | undefined;
  /** The largest evidence seen so far (1 / the always-valid p-value); undefined before the first measurement. */
  peakEValue: number | undefined;
  /**
   * The evidence over the whole run from the latest measurement's `metadata.judgeTrail` (docs/judge.md): at most
   * 240 points, oldest first, the older ones thinned; empty when the run carries none.
   */
  trail: readonly TrailPoint[];
}

/** One point of a judge chart: from a measurement when the view has it, else from the trail. */
export interface JudgeChartPoint {
  /** ms since the epoch. */
  at: number;
  eValue: number;
  /** Each test's evidence; null when latency is not compared, or for a point from the trail (which keeps only
   * the combined evidence). */
  errorsEValue: number | null;
  latencyEValue: number | null;
}

export interface MetricInfo {
  name: string;
  phase: string;
  message: string | undefined;
  successCondition: string | undefined;
  failureCondition: string | undefined;
  failureLimit: string | undefined;
  interval: string | undefined;
  count: string | undefined;
  thresholds: Threshold[];
  measurements: MeasurementInfo[];
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  dryRun: boolean;
  /** The provider's name (`prometheus`, `web`, `judge`, ...); absent when none is set. */
  provider?: string;
  /** Present for a judge metric. */
  judge?: JudgeMetricInfo;
}

export interface AnalysisRunInfo {
  name: string;
  revision: number;
  /** `background` or `step` when the controller labelled the run; undefined otherwise. */
  type: string | undefined;
  status: InfoStatus;
  icon: string;
  message: string | undefined;
  createdAt: string | undefined;
  ageSeconds: number;
  /** Measurement counts over every metric, as the INFO column shows them. */
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  metrics: MetricInfo[];
}

export interface RevisionInfo {
  revision: number;
  replicaSets: ReplicaSetInfo[];
  analysisRuns: AnalysisRunInfo[];
  /** True for the revision the spec asks for now. */
  current: boolean;
  /** True for the revision that is stable. */
  stable: boolean;
}

export interface StepInfo {
  index: number;
  /** Argo's wording of the step: "setWeight: 20", "pause", "pause: 30s", "analysis", ... */
  text: string;
  type: string;
  state: 'done' | 'current' | 'pending';
}

export interface ImageInfo {
  image: string;
  tags: ('stable' | 'canary')[];
}

export interface RolloutInfo {
  name: string;
  namespace: string;
  status: RolloutPhaseName;
  icon: string;
  message: string;
  strategy: 'Canary' | 'BlueGreen';
  /** `currentStepIndex/len(steps)` ("1/6"); undefined when there are no steps. */
  step: string | undefined;
  currentStepIndex: number | undefined;
  totalSteps: number;
  setWeight: number;
  actualWeight: number;
  images: ImageInfo[];
  replicas: ReplicaCounts;
  revisions: RevisionInfo[];
  steps: StepInfo[];
  aborted: boolean;
  paused: boolean;
  generation: number | undefined;
  restartedAt: string | undefined;
  createdAt: string | undefined;
  ageSeconds: number;
  /** Which operations make sense now, as the dashboard enables its buttons (Argo's `rollout-actions.tsx`). */
  actions: { promote: boolean; promoteFull: boolean; abort: boolean; retry: boolean; restart: boolean };
}
