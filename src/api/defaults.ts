import type { AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Metric } from './analysis.js';
import type { Rollout } from './rollout.js';

/**
 * Argo Rollouts' defaults (`utils/defaults/defaults.go`, `analysis_types.go`), one named constant each.
 * `apply*Defaults` return a copy with the absent fields filled; they never change a field the user set, so a
 * defaulted object still validates and means the same thing.
 */

/** `spec.replicas`: desired pods. */
export const DEFAULT_REPLICAS = 1;
/** `spec.revisionHistoryLimit`: old ReplicaSets kept for rollback. */
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
/** `spec.progressDeadlineSeconds`: time without progress before `ProgressDeadlineExceeded`. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
/** `spec.minReadySeconds`: a pod counts as available as soon as it is ready. */
export const DEFAULT_MIN_READY_SECONDS = 0;
/** `spec.analysis.successfulRunHistoryLimit`: successful AnalysisRuns kept. */
export const DEFAULT_SUCCESSFUL_RUN_HISTORY_LIMIT = 5;
/** `spec.analysis.unsuccessfulRunHistoryLimit`: Failed/Error/Inconclusive AnalysisRuns kept. */
export const DEFAULT_UNSUCCESSFUL_RUN_HISTORY_LIMIT = 5;

/** `canary.maxSurge`: extra pods over `replicas` during an update (percent rounds up). */
export const DEFAULT_MAX_SURGE = '25%';
/** `canary.maxUnavailable`: pods that may be missing during an update (percent rounds down). */
export const DEFAULT_MAX_UNAVAILABLE = '25%';
/** `canary.scaleDownDelaySeconds`: with traffic routing, how long the old stable stays up after promotion. */
export const DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;
/** `canary.abortScaleDownDelaySeconds`: with traffic routing, how long the canary stays up after an abort. */
export const DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS = 30;
/** `canary.analysis.startingStep`: background analysis starts with the first step. */
export const DEFAULT_ANALYSIS_STARTING_STEP = 0;
/** `trafficRouting.maxTrafficWeight`: the weight that means "all traffic". Not written into objects: nginx adds
 * `canary-weight-total` only when the user set it. */
export const DEFAULT_MAX_TRAFFIC_WEIGHT = 100;
/** `trafficRouting.nginx.annotationPrefix`. */
export const DEFAULT_NGINX_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io';

/** `metric.failureLimit`: the metric fails when failed > 0, i.e. on the first failure. */
export const DEFAULT_FAILURE_LIMIT = 0;
/** `metric.inconclusiveLimit`: the metric is Inconclusive on the first inconclusive measurement. */
export const DEFAULT_INCONCLUSIVE_LIMIT = 0;
/** `metric.consecutiveErrorLimit`: the metric errors when consecutiveError > 4, i.e. on the fifth error in a row. */
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
/** `metric.consecutiveSuccessLimit`: 0 turns early success off. */
export const DEFAULT_CONSECUTIVE_SUCCESS_LIMIT = 0;
/** Measurements kept per metric unless `measurementRetention` says otherwise (`DefaultMeasurementHistoryLimit`). */
export const DEFAULT_MEASUREMENT_RETENTION = 10;
/** Retry interval after an Error measurement, whatever `interval` says (`DefaultErrorRetryInterval`), in ms. */
export const DEFAULT_ERROR_RETRY_INTERVAL_MS = 10_000;
/** `prometheus.timeout`, in seconds. */
export const DEFAULT_PROMETHEUS_TIMEOUT_SECONDS = 30;
/** `web.timeoutSeconds`. */
export const DEFAULT_WEB_TIMEOUT_SECONDS = 10;
/** `web.method`. */
export const DEFAULT_WEB_METHOD = 'GET';
/** `web.jsonPath`: the whole body. */
export const DEFAULT_WEB_JSON_PATH = '{$}';

/** Fills Argo's defaults into a copy of a Rollout. Traffic-routing-only defaults are applied only with traffic routing. */
export function applyRolloutDefaults(rollout: Rollout): Rollout {
  const out = structuredClone(rollout);
  const spec = out.spec;
  spec.replicas ??= DEFAULT_REPLICAS;
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT;
  spec.progressDeadlineSeconds ??= DEFAULT_PROGRESS_DEADLINE_SECONDS;
  spec.minReadySeconds ??= DEFAULT_MIN_READY_SECONDS;
  spec.analysis ??= {};
  spec.analysis.successfulRunHistoryLimit ??= DEFAULT_SUCCESSFUL_RUN_HISTORY_LIMIT;
  spec.analysis.unsuccessfulRunHistoryLimit ??= DEFAULT_UNSUCCESSFUL_RUN_HISTORY_LIMIT;
  const canary = spec.strategy.canary;
  if (!canary) return out;
  canary.maxSurge ??= DEFAULT_MAX_SURGE;
  canary.maxUnavailable ??= DEFAULT_MAX_UNAVAILABLE;
  if (canary.analysis) canary.analysis.startingStep ??= DEFAULT_ANALYSIS_STARTING_STEP;
  const routing = canary.trafficRouting;
  if (routing) {
    // Validation forbids scaleDownDelaySeconds next to dynamicStableScale, so the default is not written there.
    if (!canary.dynamicStableScale) canary.scaleDownDelaySeconds ??= DEFAULT_SCALE_DOWN_DELAY_SECONDS;
    canary.abortScaleDownDelaySeconds ??= DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS;
    if (routing.nginx) routing.nginx.annotationPrefix ??= DEFAULT_NGINX_ANNOTATION_PREFIX;
  }
  return out;
}

/** Fills a metric's limits and its provider's defaults into a copy. */
export function applyMetricDefaults(metric: Metric): Metric {
  const out = structuredClone(metric);
  out.failureLimit ??= DEFAULT_FAILURE_LIMIT;
  out.inconclusiveLimit ??= DEFAULT_INCONCLUSIVE_LIMIT;
  out.consecutiveErrorLimit ??= DEFAULT_CONSECUTIVE_ERROR_LIMIT;
  out.consecutiveSuccessLimit ??= DEFAULT_CONSECUTIVE_SUCCESS_LIMIT;
  const { prometheus, web } = out.provider;
  if (prometheus) prometheus.timeout ??= DEFAULT_PROMETHEUS_TIMEOUT_SECONDS;
  if (web) {
    web.method ??= DEFAULT_WEB_METHOD;
    web.timeoutSeconds ??= DEFAULT_WEB_TIMEOUT_SECONDS;
    web.jsonPath ??= DEFAULT_WEB_JSON_PATH;
  }
  return out;
}

/** Fills metric defaults into a copy of an AnalysisTemplate or ClusterAnalysisTemplate. */
export function applyAnalysisTemplateDefaults<T extends AnalysisTemplate | ClusterAnalysisTemplate>(template: T): T {
  const out = structuredClone(template);
  if (out.spec.metrics) out.spec.metrics = out.spec.metrics.map(applyMetricDefaults);
  return out;
}

/** Fills metric defaults into a copy of an AnalysisRun. */
export function applyAnalysisRunDefaults(run: AnalysisRun): AnalysisRun {
  const out = structuredClone(run);
  out.spec.metrics = out.spec.metrics.map(applyMetricDefaults);
  return out;
}

/** Measurements to keep for a metric: the first `measurementRetention` entry whose name pattern matches, else 10. */
export function measurementRetentionFor(
  metricName: string,
  retention: readonly { metricName: string; limit: number }[] | undefined,
): number {
  for (const r of retention ?? []) {
    if (metricNamePatternMatches(r.metricName, metricName)) return r.limit;
  }
  return DEFAULT_MEASUREMENT_RETENTION;
}

/**
 * Argo matches `dryRun[].metricName` and `measurementRetention[].metricName` as a regular expression over the
 * metric name ("*" means every metric). An invalid pattern matches only the identical name.
 */
export function metricNamePatternMatches(pattern: string, metricName: string): boolean {
  if (pattern === '*' || pattern === metricName) return true;
  try {
    return new RegExp(`^(?:${pattern})$`).test(metricName);
  } catch {
    return false;
  }
}
