import type { AnalysisPhase, AnalysisRun, MetricResult } from '../../api/index.js';
import { metricNamePatternMatches } from '../../api/index.js';

/** Successful, Failed, Error and Inconclusive are final. */
export function isCompleted(phase: AnalysisPhase | undefined): boolean {
  return phase === 'Successful' || phase === 'Failed' || phase === 'Error' || phase === 'Inconclusive';
}

/** Argo's `analysisStatusOrder`, best to worst. */
const ORDER: readonly AnalysisPhase[] = ['Successful', 'Running', 'Pending', 'Inconclusive', 'Error', 'Failed'];

/** True when `candidate` is worse than `current`. */
export function isWorse(current: AnalysisPhase, candidate: AnalysisPhase): boolean {
  return ORDER.indexOf(candidate) > ORDER.indexOf(current);
}

/** Whether `spec.dryRun` names the metric (regular expressions over the name, "*" for all). */
export function isDryRun(run: AnalysisRun, metricName: string): boolean {
  return (run.spec.dryRun ?? []).some((d) => metricNamePatternMatches(d.metricName, metricName));
}

/**
 * Argo's IsTerminating: `spec.terminate`, or any non-dry-run metric already Failed, Error or Inconclusive (the
 * run fails fast: nothing new is measured, in-flight measurements are terminated).
 */
export function isTerminating(run: AnalysisRun): boolean {
  if (run.spec.terminate === true) return true;
  return (run.status?.metricResults ?? []).some(
    (r) => (r.phase === 'Failed' || r.phase === 'Error' || r.phase === 'Inconclusive') && !isDryRun(run, r.name),
  );
}

export function resultOf(run: AnalysisRun, metricName: string): MetricResult | undefined {
  return run.status?.metricResults?.find((r) => r.name === metricName);
}
