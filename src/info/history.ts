import type { AnalysisRun } from './objects.js';

type Measurement = NonNullable<
  NonNullable<NonNullable<AnalysisRun['status']>['metricResults']>[number]['measurements']
>[number];

/** Measurements kept per metric; at a 2 s interval that is over an hour of judge evidence. */
export const HISTORY_LIMIT = 2000;

function runKey(run: AnalysisRun): string {
  return `${run.metadata.namespace ?? ''}/${run.metadata.name ?? ''}/${run.metadata.uid ?? ''}`;
}

/** When a measurement happened, as a sortable number; undefined when it carries no time. */
function timeOf(m: Measurement): number | undefined {
  const t = Date.parse(m.startedAt ?? m.finishedAt ?? '');
  return Number.isNaN(t) ? undefined : t;
}

/**
 * The measurements of AnalysisRuns as seen over time. A run's status keeps only its last few measurements per
 * metric (`measurementRetention`), so an observer that watches it change remembers the ones that scrolled out.
 * Keyed by run uid, metric and start time; the run's own list always wins for the times it still holds.
 * Measurement metadata (the judge's state) is dropped: views never read it.
 */
export class MeasurementHistory {
  readonly #runs = new Map<string, Map<string, Map<number, Measurement>>>();

  /** Remembers every timed measurement of `run`. */
  record(run: AnalysisRun): void {
    const results = run.status?.metricResults ?? [];
    if (results.length === 0) return;
    const key = runKey(run);
    const metrics = this.#runs.get(key) ?? new Map<string, Map<number, Measurement>>();
    this.#runs.set(key, metrics);
    for (const result of results) {
      const seen = metrics.get(result.name) ?? new Map<number, Measurement>();
      metrics.set(result.name, seen);
      for (const m of result.measurements ?? []) {
        const t = timeOf(m);
        if (t === undefined) continue;
        const { metadata: _dropped, ...kept } = m;
        seen.delete(t); // re-inserted last, so insertion order stays close to time order
        seen.set(t, kept);
      }
      if (seen.size > HISTORY_LIMIT) {
        const oldest = [...seen.keys()].sort((a, b) => a - b).slice(0, seen.size - HISTORY_LIMIT);
        for (const t of oldest) seen.delete(t);
      }
    }
  }

  forget(run: AnalysisRun): void {
    this.#runs.delete(runKey(run));
  }

  /** Forgets every run not in `runs` (after a fresh list). */
  keepOnly(runs: readonly AnalysisRun[]): void {
    const live = new Set(runs.map(runKey));
    for (const key of this.#runs.keys()) if (!live.has(key)) this.#runs.delete(key);
  }

  /**
   * `run` with the remembered measurements from before its oldest retained one put back in front, per metric;
   * `run` itself when there are none.
   */
  complete(run: AnalysisRun): AnalysisRun {
    const metrics = this.#runs.get(runKey(run));
    const results = run.status?.metricResults;
    if (metrics === undefined || results === undefined) return run;
    const merged = results.map((result) => {
      const seen = metrics.get(result.name);
      const own = result.measurements ?? [];
      if (seen === undefined) return result;
      const first = own[0];
      const firstOwn = first === undefined ? Number.POSITIVE_INFINITY : (timeOf(first) ?? Number.NEGATIVE_INFINITY);
      const earlier = [...seen]
        .filter(([t]) => t < firstOwn)
        .sort(([a], [b]) => a - b)
        .map(([, m]) => m);
      if (earlier.length === 0) return result;
      return { ...result, measurements: [...earlier, ...own] };
    });
    const changed = merged.some((r, i) => r !== results[i]);
    return changed ? { ...run, status: { ...run.status, metricResults: merged } } : run;
  }
}
