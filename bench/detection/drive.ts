import type { AnalysisRun, Measurement, Metric } from '../../src/api/index.js';
import { assessAnalysisRun, planMeasurements } from '../../src/analysis/engine/index.js';
import type { MeasurementOutcome } from '../../src/analysis/engine/index.js';
import { assessedMeasurement, ProviderRegistry } from '../../src/analysis/providers/index.js';
import type { MetricProvider, ProviderContext } from '../../src/analysis/providers/index.js';
import { JudgeProvider } from '../../src/analysis/providers/judge.js';
import { seedSuccessShare } from './promql.js';
import type { TrafficWorld } from './world.js';

/**
 * Drives one AnalysisRun through the real analysis engine (plan → providers → assess) on a simulated clock, the
 * way the AnalysisRun controller does, with providers that read the simulated world instead of the network.
 */

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** The seed's prometheus metric, answered from the emulated scrapes (the real condition evaluator decides). */
class SeedPrometheus implements MetricProvider {
  readonly type = 'prometheus';
  constructor(private readonly world: TrafficWorld) {}
  run(_run: AnalysisRun, metric: Metric, ctx: ProviderContext): Promise<Measurement> {
    const now = ctx.now();
    const result = seedSuccessShare(this.world.scrapes, now - T0);
    return Promise.resolve(assessedMeasurement(result, `[${result.join(',')}]`, metric, 'prometheus', now, now));
  }
  resume(_r: AnalysisRun, _m: Metric, measurement: Measurement): Promise<Measurement> {
    return Promise.resolve(measurement);
  }
  terminate(_r: AnalysisRun, _m: Metric, measurement: Measurement): Promise<Measurement> {
    return Promise.resolve(measurement);
  }
}

export function registryFor(world: TrafficWorld): ProviderRegistry {
  const judge = new JudgeProvider({
    readers: { router: () => Promise.resolve({ ok: true, reading: world.reading() }) },
  });
  return new ProviderRegistry().register(new SeedPrometheus(world)).register(judge);
}

export function runOf(metric: Metric): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'bench', namespace: 'default' },
    // The judge needs only its latest measurement; keeping 2 instead of Argo's default 10 keeps a 1 s metric's
    // status small (the outcome is the same, the simulation is faster).
    spec: { metrics: [metric], measurementRetention: [{ metricName: 'judge', limit: 2 }] },
  };
}

export interface DriveOutcome {
  /** Simulated ms from t = 0 to the pass that failed the run; undefined when it did not fail within the horizon. */
  readonly abortedAtMs: number | undefined;
  /** Failed canary requests served until the abort (or the horizon). */
  readonly failedServed: number;
  readonly measurements: number;
}

export async function driveRun(metric: Metric, world: TrafficWorld, horizonMs: number): Promise<DriveOutcome> {
  const providers = registryFor(world);
  let run = runOf(metric);
  let now = T0;
  let measurements = 0;
  const ctx: ProviderContext = { now: () => now };
  for (;;) {
    world.advanceTo(now - T0);
    const tasks = planMeasurements(run, now);
    const outcomes: MeasurementOutcome[] = [];
    for (const task of tasks) {
      const provider = providers.get(task.metric);
      const measurement = await provider.run(run, task.metric, ctx);
      measurements++;
      outcomes.push({ metricName: task.metricName, action: task.action, measurement });
    }
    const assessed = assessAnalysisRun(run, now, outcomes);
    run = { ...run, status: assessed.status };
    const phase = run.status?.phase;
    if (phase === 'Failed' || phase === 'Error' || phase === 'Inconclusive') {
      return { abortedAtMs: now - T0, failedServed: world.canary.errors, measurements };
    }
    const next = assessed.wakeAt;
    if (next === undefined || next - T0 > horizonMs) break;
    now = Math.max(now, next);
  }
  world.advanceTo(horizonMs);
  return { abortedAtMs: undefined, failedServed: world.canary.errors, measurements };
}
