import type {
  AnalysisPhase,
  AnalysisRun,
  AnalysisRunStatus,
  Measurement,
  Metric,
  MetricResult,
  RunSummary,
} from '../../api/index.js';
import { measurementRetentionFor } from '../../api/index.js';
import { redact, resolveMetrics, secretsToRedact, type SecretValues } from './args.js';
import { assessMetricStatus, limitBreach, type LimitBreach } from './assess.js';
import { isCompleted, isDryRun, isTerminating, isWorse, resultOf } from './phases.js';
import { nextWakeAt, type MeasurementAction } from './plan.js';
import { firstMetricError } from './validate.js';

/**
 * From finished measurements to the run's new status (Argo's `runMeasurements` bookkeeping, `assessRunStatus`,
 * `garbageCollectMeasurements`). Pure: `now` comes in, nothing is read from a clock.
 */

/** What a provider returned for one task. */
export interface MeasurementOutcome {
  readonly metricName: string;
  readonly action: MeasurementAction;
  readonly measurement: Measurement;
  /** Metadata the provider attaches to the metric result (e.g. `ResolvedPrometheusQuery`). */
  readonly metricMetadata?: Readonly<Record<string, string>>;
}

export interface AssessOptions {
  readonly secrets?: SecretValues;
}

export interface Assessment {
  readonly status: AnalysisRunStatus;
  /** When to call again (ms since the epoch); undefined when only a change to the run can move it on. */
  readonly wakeAt: number | undefined;
  /** Metric phase changes in this step, for events and logs. */
  readonly transitions: readonly { metricName: string; from: AnalysisPhase; to: AnalysisPhase }[];
}

const RUN_TERMINATED = 'Run Terminated';
const METRIC_TERMINATED = 'Metric Terminated';

function iso(now: number): string {
  return new Date(now).toISOString();
}

function redactRecord(record: Readonly<Record<string, string>>, secrets: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redact(v, secrets)]));
}

/** Counters for one completed measurement, exactly as Argo keeps them. */
function count(result: MetricResult, phase: AnalysisPhase): void {
  switch (phase) {
    case 'Successful':
      result.successful = (result.successful ?? 0) + 1;
      result.count = (result.count ?? 0) + 1;
      result.consecutiveSuccess = (result.consecutiveSuccess ?? 0) + 1;
      result.consecutiveError = 0;
      break;
    case 'Failed':
      result.failed = (result.failed ?? 0) + 1;
      result.count = (result.count ?? 0) + 1;
      result.consecutiveSuccess = 0;
      result.consecutiveError = 0;
      break;
    case 'Inconclusive':
      result.inconclusive = (result.inconclusive ?? 0) + 1;
      result.count = (result.count ?? 0) + 1;
      result.consecutiveSuccess = 0;
      result.consecutiveError = 0;
      break;
    case 'Error':
      result.error = (result.error ?? 0) + 1;
      result.consecutiveError = (result.consecutiveError ?? 0) + 1;
      result.consecutiveSuccess = 0;
      break;
    case 'Pending':
    case 'Running':
      break;
  }
}

/** Secret values never reach the stored status. */
function redactMeasurement(m: Measurement, secrets: readonly string[]): void {
  if (m.message !== undefined) m.message = redact(m.message, secrets);
  if (m.value !== undefined) m.value = redact(m.value, secrets);
  if (m.metadata !== undefined) m.metadata = redactRecord(m.metadata, secrets);
}

function resultFor(run: AnalysisRun, metricName: string): MetricResult {
  const results = ((run.status ??= {}).metricResults ??= []);
  let result = results.find((r) => r.name === metricName);
  if (result === undefined) {
    result = { name: metricName, phase: 'Running' };
    if (isDryRun(run, metricName)) result.dryRun = true;
    results.push(result);
  }
  return result;
}

function applyOutcome(run: AnalysisRun, outcome: MeasurementOutcome, now: number, secrets: readonly string[]): void {
  const result = resultFor(run, outcome.metricName);
  const list = (result.measurements ??= []);
  const previous = outcome.action === 'run' ? undefined : list[list.length - 1];
  const m: Measurement = { ...outcome.measurement };
  // A resumed or terminated measurement keeps the time it started.
  m.startedAt = previous?.startedAt ?? m.startedAt ?? iso(now);
  if (outcome.action === 'terminate' && (m.phase === 'Successful' || m.phase === 'Inconclusive')) {
    m.message = METRIC_TERMINATED;
  }
  if (isCompleted(m.phase)) {
    m.finishedAt ??= iso(now);
    delete m.resumeAt;
    count(result, m.phase);
  }
  redactMeasurement(m, secrets);
  if (outcome.metricMetadata !== undefined) {
    result.metadata = { ...(result.metadata ?? {}), ...redactRecord(outcome.metricMetadata, secrets) };
  }
  if (outcome.action === 'run' || previous === undefined) list.push(m);
  else list[list.length > 0 ? list.length - 1 : 0] = m;
}

function emptySummary(): Required<RunSummary> {
  return { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0 };
}

function tally(summary: Required<RunSummary>, phase: AnalysisPhase): void {
  if (phase === 'Successful') summary.successful++;
  else if (phase === 'Failed') summary.failed++;
  else if (phase === 'Inconclusive') summary.inconclusive++;
  else if (phase === 'Error') summary.error++;
}

type Transition = Assessment['transitions'][number];

/** The metric's phase re-assessed and stored; the result takes the last measurement's message on a change. */
function updateMetricPhase(
  metric: Metric,
  result: MetricResult,
  terminating: boolean,
  transitions: Transition[],
): AnalysisPhase {
  const phase = assessMetricStatus(metric, result, terminating);
  if (phase !== result.phase) {
    transitions.push({ metricName: metric.name, from: result.phase, to: phase });
    const measurements = result.measurements ?? [];
    const last = measurements[measurements.length - 1];
    if (last?.message === undefined) delete result.message;
    else result.message = last.message;
    result.phase = phase;
  }
  return phase;
}

/** A dry-run metric keeps its verdict in its own message: `Metric assessed Failed due to ...`. */
function noteDryRunVerdict(result: MetricResult, phase: AnalysisPhase, breach: LimitBreach | undefined): void {
  if (breach === undefined || result.message?.startsWith('Metric assessed ') === true) return;
  const reason = `Metric assessed ${phase} due to ${breach.reason}`;
  result.message = result.message ? `${reason}: "Error Message: ${result.message}"` : reason;
}

interface Worst {
  phase: AnalysisPhase | undefined;
  message: string | undefined;
}

/** Remembers the worst completed non-dry-run metric, and Argo's message for it. */
function noteWorst(worst: Worst, metric: Metric, result: MetricResult, phase: AnalysisPhase, breach?: LimitBreach) {
  if (worst.phase !== undefined && !isWorse(worst.phase, phase)) return;
  worst.phase = phase;
  if (breach === undefined) return;
  worst.message = `Metric "${metric.name}" assessed ${phase} due to ${breach.reason}`;
  if (result.message) worst.message += `: "Error Message: ${result.message}"`;
}

/** Argo's assessRunStatus: metric phases updated in place, then the run's phase and message. */
function assessRun(run: AnalysisRun, metrics: readonly Metric[], now: number, transitions: Transition[]) {
  const status = (run.status ??= {});
  const terminating = isTerminating(run);
  status.startedAt ??= iso(now);
  const worst: Worst = { phase: undefined, message: run.spec.terminate === true ? RUN_TERMINATED : undefined };
  let everythingCompleted = true;
  const summary = emptySummary();
  const drySummary = emptySummary();
  for (const metric of metrics) {
    const dryRun = isDryRun(run, metric.name);
    const tallyTo = dryRun ? drySummary : summary;
    tallyTo.count++;
    // No result yet: not started (initialDelay). A terminating run does not wait for it.
    const result = resultOf(run, metric.name);
    const phase = result === undefined ? undefined : updateMetricPhase(metric, result, terminating, transitions);
    if (result === undefined || phase === undefined || !isCompleted(phase)) {
      everythingCompleted = false;
      continue;
    }
    const breach = limitBreach(metric, result);
    tally(tallyTo, phase);
    if (dryRun) noteDryRunVerdict(result, phase, breach);
    else noteWorst(worst, metric, result, phase, breach);
  }
  status.runSummary = summary;
  status.dryRunSummary = drySummary;
  let phase: AnalysisPhase;
  if (terminating) phase = worst.phase ?? 'Successful';
  else if (!everythingCompleted) phase = 'Running';
  else phase = worst.phase ?? 'Successful'; // every metric is a dry run
  return { phase, message: worst.message };
}

/** Keeps the last N measurements per metric: `measurementRetention` by name pattern, else 10. */
function trimMeasurements(run: AnalysisRun): void {
  for (const result of run.status?.metricResults ?? []) {
    const limit = measurementRetentionFor(result.name, run.spec.measurementRetention);
    const list = result.measurements ?? [];
    if (limit >= 0 && list.length > limit) result.measurements = list.slice(list.length - limit);
  }
}

function errorStatus(run: AnalysisRun, now: number, message: string): Assessment {
  const status: AnalysisRunStatus = {
    ...(run.status ?? {}),
    phase: 'Error',
    message,
    startedAt: run.status?.startedAt ?? iso(now),
    completedAt: run.status?.completedAt ?? iso(now),
  };
  return { status, wakeAt: undefined, transitions: [] };
}

/**
 * One step of the run: the outcomes of the tasks `planMeasurements` handed out (possibly none) are booked, every
 * metric is assessed, the run's phase and message are derived, old measurements are trimmed, and the next wake
 * time is computed. A completed run is returned unchanged.
 */
export function assessAnalysisRun(
  input: AnalysisRun,
  now: number,
  outcomes: readonly MeasurementOutcome[] = [],
  options: AssessOptions = {},
): Assessment {
  if (isCompleted(input.status?.phase)) {
    return { status: input.status ?? {}, wakeAt: undefined, transitions: [] };
  }
  const resolved = resolveMetrics(input.spec.metrics, input.spec.args, options.secrets);
  const secrets = secretsToRedact(input.spec.args, options.secrets);
  if (!resolved.ok) {
    return errorStatus(input, now, redact(`Unable to resolve metric arguments: ${resolved.error}`, secrets));
  }
  const invalid = firstMetricError(resolved.value);
  if (invalid !== undefined) return errorStatus(input, now, redact(`Analysis spec invalid: ${invalid}`, secrets));

  const run = structuredClone(input);
  for (const outcome of outcomes) applyOutcome(run, outcome, now, secrets);
  const transitions: Transition[] = [];
  const { phase, message } = assessRun(run, resolved.value, now, transitions);
  const status = run.status ?? {};
  if (phase !== status.phase) {
    status.phase = phase;
    if (message === undefined) delete status.message;
    else status.message = message;
    if (isCompleted(phase)) status.completedAt ??= iso(now);
  }
  trimMeasurements(run);
  let wakeAt = nextWakeAt(run, resolved.value, now);
  // A metric that just failed makes the run terminating: look again at once to stop in-flight measurements.
  if (!isCompleted(status.phase) && isTerminating(run) && !isTerminating(input)) wakeAt = now;
  return { status, wakeAt, transitions };
}
