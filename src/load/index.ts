/**
 * `kanary load`'s engine: a k6-style open-model load generator for the seed scenario. The pure core (schedule,
 * checks, stats, thresholds, summary rendering) is separate from the one shell that sends requests (`runLoad`).
 */
export { runLoad, DEFAULT_MAX_VUS, DEFAULT_TIMEOUT_MS, type LoadOptions, type LoadControl } from './run.js';
export {
  SEED_PROFILE,
  arrivalTimes,
  constantProfile,
  expectedIterations,
  parseStage,
  profileDurationMs,
  rateAt,
  validateProfile,
  type LoadProfile,
  type LoadStage,
} from './schedule.js';
export {
  evaluateIteration,
  seedChecks,
  type Check,
  type CheckExpectations,
  type CheckedResponse,
  type Deployment,
  type HttpResult,
  type IterationOutcome,
} from './checks.js';
export { LoadStats, isFailedRequest, type PassFail, type WindowCounts } from './stats.js';
export { Trend } from './trend.js';
export {
  METRIC_KINDS,
  computeMetrics,
  type CounterValues,
  type LoadMetrics,
  type MetricKey,
  type MetricKind,
  type RateValues,
  type TrendValues,
} from './metrics.js';
export {
  SEED_THRESHOLDS,
  evaluateThreshold,
  parseThreshold,
  parseThresholdExpression,
  type Aggregation,
  type Operator,
  type Threshold,
  type ThresholdResult,
} from './thresholds.js';
export { buildSummary, type LoadSummary, type SummaryContext } from './summary.js';
export { renderSummary } from './render.js';
export { formatProgress, type LoadProgress } from './progress.js';
export { DEFAULT_PATH, SEED_HEADERS, mergeHeaders, parseHeader, resolveTarget } from './target.js';
export { formatDuration, parseDuration } from './duration.js';
