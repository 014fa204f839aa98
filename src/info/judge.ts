import { describeJudgeResult } from '../analysis/judge/index.js';
import type { AnalysisRun } from './objects.js';
import type { JudgeMetricInfo, JudgeResult, MeasurementInfo } from './types.js';

/**
 * The judge's side of the view model (docs/judge.md, "Using the judge"): a judge measurement's `value` is its
 * result as JSON; the view reads it back and keeps the threshold (1/α) so a chart can draw it before the first
 * result arrives. Pure, and free of Node and zod (the judge's describe module imports types only).
 */

/** The judge's default false-abort bound. */
export const DEFAULT_JUDGE_ALPHA = 0.05;

type Metric = AnalysisRun['spec']['metrics'][number];

/** The provider a metric names: its first set key (validation allows exactly one). */
export function providerOf(metric: Metric): string | undefined {
  const provider = metric.provider as Record<string, unknown>;
  return Object.keys(provider).find((k) => provider[k] !== undefined && provider[k] !== null);
}

/**
 * The `alpha` a judge metric asks for: a number, a numeric string, or `{{args.name}}` resolved from the run's
 * args; the default when absent or unreadable (the first result's threshold then tells the truth anyway).
 */
export function judgeAlphaOf(metric: Metric, args: AnalysisRun['spec']['args']): number {
  const raw = (metric.provider.judge as { alpha?: unknown } | undefined)?.alpha;
  let text: unknown = raw;
  if (typeof raw === 'string') {
    const ref = /^\s*\{\{\s*args\.([\w.-]+)\s*\}\}\s*$/.exec(raw);
    if (ref !== null) text = args?.find((a) => a.name === ref[1])?.value;
  }
  const alpha = typeof text === 'number' ? text : typeof text === 'string' && text.trim() !== '' ? Number(text) : NaN;
  return Number.isFinite(alpha) && alpha > 0 && alpha < 1 ? alpha : DEFAULT_JUDGE_ALPHA;
}

/** The judge summary of a metric from its measurements (already carrying `judge`), oldest first. */
export function judgeMetricInfo(measurements: readonly MeasurementInfo[], alpha: number): JudgeMetricInfo {
  const latest = measurements.findLast((m) => m.judge !== undefined)?.judge;
  const threshold = latest !== undefined && latest.threshold > 1 ? latest.threshold : 1 / alpha;
  return {
    alpha: 1 / threshold,
    threshold,
    latest,
    summary: latest === undefined ? undefined : describeJudgeResult(latest),
    peakEValue: latest === undefined ? undefined : peakOf(latest),
  };
}

/** The largest evidence so far: the always-valid p-value is min(1, 1 / max E), so max E = 1/p (at least E now). */
function peakOf(result: JudgeResult): number {
  const fromP = result.pValue > 0 ? 1 / result.pValue : Number.POSITIVE_INFINITY;
  return Math.max(result.eValue, Number.isFinite(fromP) ? fromP : result.eValue);
}
