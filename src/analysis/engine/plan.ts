import type { AnalysisRun, Measurement, Metric } from '../../api/index.js';
import { resolveMetrics, type SecretValues } from './args.js';
import { DEFAULT_ERROR_RETRY_INTERVAL_MS, limitsOf } from './limits.js';
import { isCompleted, isTerminating, resultOf } from './phases.js';
import { firstMetricError } from './validate.js';

/**
 * Which measurements to take now (Argo's `generateMetricTasks`) and when to look again
 * (`calculateNextReconcileTime`). Pure: `now` is milliseconds since the epoch.
 */

export type MeasurementAction = 'run' | 'resume' | 'terminate';

export interface MeasurementTask {
  readonly metricName: string;
  readonly action: MeasurementAction;
  /** The metric with `{{args.x}}` resolved, secret values included: for the provider only, never stored. */
  readonly metric: Metric;
  /** The in-flight measurement to resume or terminate. */
  readonly measurement?: Measurement;
}

export interface PlanOptions {
  /** Values of `valueFrom.secretKeyRef` args, by arg name. */
  readonly secrets?: SecretValues;
}

function lastOf(run: AnalysisRun, metricName: string): Measurement | undefined {
  const list = resultOf(run, metricName)?.measurements ?? [];
  return list[list.length - 1];
}

function ms(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** When the next measurement of a metric whose last one finished is due (undefined when none is due ever). */
function nextMeasurementAt(metric: Metric, last: Measurement, count: number): number | undefined {
  const limits = limitsOf(metric);
  if (limits.effectiveCount !== undefined && count >= limits.effectiveCount) return undefined;
  const finished = ms(last.finishedAt);
  if (finished === undefined) return undefined;
  // After an Error the retry interval is always 10 s, whatever `interval` says.
  if (last.phase === 'Error') return finished + DEFAULT_ERROR_RETRY_INTERVAL_MS;
  if (limits.intervalMs === undefined) return undefined;
  return finished + limits.intervalMs;
}

interface RunView {
  run: AnalysisRun;
  now: number;
  terminating: boolean;
  startedAt: number;
}

/** Argo's generateMetricTasks for one metric: the task due now, if any. */
function taskFor(view: RunView, metric: Metric): MeasurementTask | undefined {
  const { run, now, terminating } = view;
  const result = resultOf(run, metric.name);
  if (isCompleted(result?.phase)) return undefined;
  const last = lastOf(run, metric.name);
  const base = { metricName: metric.name, metric };
  if (last !== undefined && !isCompleted(last.phase)) {
    // In flight: terminate it when the run is stopping, else resume it once its resumeAt has come.
    if (terminating) return { ...base, action: 'terminate', measurement: last };
    return (ms(last.resumeAt) ?? now) <= now ? { ...base, action: 'resume', measurement: last } : undefined;
  }
  if (terminating) return undefined;
  if (last === undefined) {
    const delay = limitsOf(metric).initialDelayMs ?? 0;
    return view.startedAt + delay <= now ? { ...base, action: 'run' } : undefined;
  }
  const due = nextMeasurementAt(metric, last, result?.count ?? 0);
  // Argo measures once `now` is strictly after finishedAt + interval.
  return due !== undefined && now > due ? { ...base, action: 'run' } : undefined;
}

/** The measurements to take, resume or terminate now. A run whose args or spec are broken gets none. */
export function planMeasurements(run: AnalysisRun, now: number, options: PlanOptions = {}): MeasurementTask[] {
  if (isCompleted(run.status?.phase)) return [];
  const resolved = resolveMetrics(run.spec.metrics, run.spec.args, options.secrets);
  if (!resolved.ok || firstMetricError(resolved.value) !== undefined) return [];
  const view: RunView = { run, now, terminating: isTerminating(run), startedAt: ms(run.status?.startedAt) ?? now };
  return resolved.value.flatMap((metric) => taskFor(view, metric) ?? []);
}

/**
 * The earliest time something is due: a first measurement after initialDelay, an in-flight measurement's
 * resumeAt, or the next interval (10 s after an Error). Undefined when nothing is due (wait for a change).
 */
export function nextWakeAt(run: AnalysisRun, metrics: readonly Metric[], now: number): number | undefined {
  if (isCompleted(run.status?.phase)) return undefined;
  const startedAt = ms(run.status?.startedAt) ?? now;
  let wake: number | undefined;
  const consider = (t: number | undefined): void => {
    if (t !== undefined && (wake === undefined || t < wake)) wake = t;
  };
  for (const metric of metrics) {
    const result = resultOf(run, metric.name);
    if (isCompleted(result?.phase)) continue;
    const last = lastOf(run, metric.name);
    if (last === undefined) {
      consider(startedAt + (limitsOf(metric).initialDelayMs ?? 0));
      continue;
    }
    if (!isCompleted(last.phase)) {
      // Without a resumeAt Argo does not schedule it: it is resumed on the next pass, whatever causes it.
      consider(ms(last.resumeAt));
      continue;
    }
    const due = nextMeasurementAt(metric, last, result?.count ?? 0);
    // One millisecond past the due time, since the measurement is taken only strictly after it.
    if (due !== undefined) consider(due + 1);
  }
  return wake;
}
