import type { AnalysisRun, AnalysisRunStatus, Measurement } from '../../api/index.js';
import {
  assessAnalysisRun,
  planMeasurements,
  type Assessment,
  type MeasurementOutcome,
  type MeasurementTask,
  type SecretValues,
} from '../../analysis/engine/index.js';
import { errorMeasurement, type ProviderRegistry, type ProviderContext } from '../../analysis/providers/index.js';
import type { Clock } from '../runtime/index.js';

/**
 * One pass over an AnalysisRun, shared by the controller and `kanary analyze`: plan (pure), run the due tasks through
 * their providers in parallel, assess (pure). Provider failures never escape: a provider that is missing or throws
 * becomes an Error measurement, as in Argo.
 */

export interface AnalysisPassOptions {
  clock: Clock;
  providers: ProviderRegistry;
  /** Values of secret-backed args by arg name (see `readSecretArgs`). */
  secrets?: SecretValues;
  /** Aborts in-flight provider I/O. */
  signal?: AbortSignal;
}

export interface MeasurementEvent {
  metricName: string;
  action: MeasurementTask['action'];
  /** The measurement as stored: secrets redacted. */
  measurement: Measurement;
}

export interface AnalysisPassResult extends Assessment {
  /** The measurements taken, resumed or terminated in this pass, in task order. */
  measured: MeasurementEvent[];
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function measure(
  run: AnalysisRun,
  task: MeasurementTask,
  options: AnalysisPassOptions,
): Promise<MeasurementOutcome> {
  const { clock } = options;
  const ctx: ProviderContext = {
    now: () => clock.now(),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const started = clock.now();
  const base = { metricName: task.metricName, action: task.action };
  try {
    const provider = options.providers.get(task.metric);
    let measurement: Measurement;
    if (task.action === 'run') measurement = await provider.run(run, task.metric, ctx);
    else if (task.action === 'resume')
      measurement = await provider.resume(run, task.metric, task.measurement ?? { phase: 'Running' }, ctx);
    else measurement = await provider.terminate(run, task.metric, task.measurement ?? { phase: 'Running' }, ctx);
    const metadata = task.action === 'run' ? provider.metadata?.(task.metric) : undefined;
    return { ...base, measurement, ...(metadata === undefined ? {} : { metricMetadata: metadata }) };
  } catch (err) {
    const previous = task.measurement?.startedAt;
    const startedAt = previous === undefined ? started : Date.parse(previous);
    return { ...base, measurement: errorMeasurement(startedAt, clock.now(), messageOf(err)) };
  }
}

function lastMeasurement(status: AnalysisRunStatus, metricName: string): Measurement | undefined {
  const list = status.metricResults?.find((r) => r.name === metricName)?.measurements ?? [];
  return list[list.length - 1];
}

export async function runAnalysisPass(run: AnalysisRun, options: AnalysisPassOptions): Promise<AnalysisPassResult> {
  const secrets = options.secrets ?? {};
  const tasks = planMeasurements(run, options.clock.now(), { secrets });
  const outcomes = await Promise.all(tasks.map((task) => measure(run, task, options)));
  const assessed = assessAnalysisRun(run, options.clock.now(), outcomes, { secrets });
  const measured: MeasurementEvent[] = [];
  for (const o of outcomes) {
    const stored = lastMeasurement(assessed.status, o.metricName);
    if (stored !== undefined) measured.push({ metricName: o.metricName, action: o.action, measurement: stored });
  }
  return { ...assessed, measured };
}
