/**
 * The analysis engine: Argo's AnalysisRun arithmetic as pure functions. A pass is
 * `planMeasurements` (what to measure now) -> the shell runs the tasks through providers ->
 * `assessAnalysisRun` (book the outcomes, assess, next wake time). No clock reads, no I/O.
 */
export {
  planMeasurements,
  nextWakeAt,
  type MeasurementAction,
  type MeasurementTask,
  type PlanOptions,
} from './plan.js';
export { assessAnalysisRun, type Assessment, type AssessOptions, type MeasurementOutcome } from './status.js';
export { assessMetricStatus, limitBreach, type LimitBreach } from './assess.js';
export { effectiveCount, limitsOf, type MetricLimits } from './limits.js';
export { isCompleted, isDryRun, isTerminating, isWorse } from './phases.js';
export {
  REDACTED,
  redact,
  resolveArgValues,
  resolveMetric,
  resolveMetrics,
  resolveQuotedArgs,
  secretsToRedact,
  type Resolved,
  type SecretValues,
} from './args.js';
export { buildAnalysisRun, describeRunProblemForCli, type AnyAnalysisTemplate, type BuildRunOptions } from './build.js';
export { firstMetricError } from './validate.js';
export { ttlExpiry } from './ttl.js';
