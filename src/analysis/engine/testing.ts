import type { AnalysisPhase, AnalysisRun, Measurement, Metric } from '../../api/index.js';
import { planMeasurements, type MeasurementTask } from './plan.js';
import { assessAnalysisRun, type MeasurementOutcome } from './status.js';
import { isCompleted } from './phases.js';
import type { SecretValues } from './args.js';

/**
 * Test helpers: runs and metrics in a few words, and a driver that plays an AnalysisRun against a scripted
 * provider on a simulated clock, the way the controller does (plan, measure, assess, sleep until wakeAt).
 */

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');

export function metric(name: string, fields: Partial<Metric> = {}): Metric {
  return { name, provider: { web: { url: 'http://127.0.0.1:9/metric' } }, ...fields };
}

export function analysisRun(metrics: Metric[], spec: Partial<AnalysisRun['spec']> = {}): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'run', namespace: 'default' },
    spec: { metrics, ...spec },
  };
}

/** What the scripted provider answers to the n-th task (0-based) of a metric. */
export type Script = (task: MeasurementTask, n: number, now: number) => Partial<Measurement> & { phase: AnalysisPhase };

export interface DriveOptions {
  /** Stop after this many passes (safety net for unbounded metrics). */
  maxPasses?: number;
  /** Simulated time at which `spec.terminate` is set. */
  terminateAt?: number;
  /** Stop once the simulated clock passes this time. */
  until?: number;
  secrets?: SecretValues;
}

export interface Drive {
  run: AnalysisRun;
  /** Every task handed out, with the time it ran. */
  log: { at: number; metricName: string; action: MeasurementTask['action']; phase: AnalysisPhase }[];
  now: number;
}

export function drive(start: AnalysisRun, script: Script, options: DriveOptions = {}): Drive {
  let run = structuredClone(start);
  let now = T0;
  const counts = new Map<string, number>();
  const log: Drive['log'] = [];
  const secrets = options.secrets ?? {};
  for (let pass = 0; pass < (options.maxPasses ?? 200); pass++) {
    if (options.terminateAt !== undefined && now >= options.terminateAt) run.spec.terminate = true;
    const tasks = planMeasurements(run, now, { secrets });
    const outcomes: MeasurementOutcome[] = tasks.map((task) => {
      const n = counts.get(task.metricName) ?? 0;
      counts.set(task.metricName, n + 1);
      const answer = script(task, n, now);
      log.push({ at: now, metricName: task.metricName, action: task.action, phase: answer.phase });
      return { metricName: task.metricName, action: task.action, measurement: { startedAt: iso(now), ...answer } };
    });
    const assessed = assessAnalysisRun(run, now, outcomes, { secrets });
    run = { ...run, status: assessed.status };
    if (isCompleted(run.status?.phase)) break;
    let next = assessed.wakeAt;
    if (options.terminateAt !== undefined && run.spec.terminate !== true) {
      next = next === undefined ? options.terminateAt : Math.min(next, options.terminateAt);
    }
    if (next === undefined) break;
    now = Math.max(now, next);
    if (options.until !== undefined && now > options.until) break;
  }
  return { run, log, now };
}

/** A script answering phases in order per metric (the last one repeats). */
export function phases(...list: AnalysisPhase[]): Script {
  return (_task, n) => ({ phase: list[Math.min(n, list.length - 1)] ?? 'Successful', value: String(n) });
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
