import { decodeTrail, describeJudgeResult, TRAIL_METADATA_KEY } from '../analysis/judge/report/index.js';
import type { AnalysisRun } from './objects.js';
import type { JudgeChartPoint, JudgeMetricInfo, JudgeResult, MeasurementInfo, TrailPoint } from './types.js';

/**
 * The judge's side of the view model (docs/judge.md, "Using the judge"): a judge measurement's `value` is its
 * result as JSON; the view reads it back and keeps the threshold (1/α) so a chart can draw it before the first
 * result arrives. Pure, and free of Node and zod (the judge's describe module imports types only).
 */

/** The judge's default false-abort bound. */
export const DEFAULT_JUDGE_ALPHA = 0.05;

type Metric = AnalysisRun['spec']['metrics'][number];
type Measurement = NonNullable<
  NonNullable<NonNullable<AnalysisRun['status']>['metricResults']>[number]['measurements']
>[number];

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

/**
 * The evidence trail of a judge metric: from the latest of its stored measurements that carries one (an Error
 * measurement carries it forward), read from `metadata.judgeTrail`; empty when there is none or it is unreadable.
 */
export function judgeTrailOf(stored: readonly Measurement[]): readonly TrailPoint[] {
  const text = stored.findLast((m) => m.metadata?.[TRAIL_METADATA_KEY] !== undefined)?.metadata?.[TRAIL_METADATA_KEY];
  return text === undefined ? [] : (decodeTrail(text) ?? []);
}

/**
 * The judge summary of a metric from its measurements (already carrying `judge`), oldest first, and the
 * measurements as stored in the run (for the trail in their metadata).
 */
export function judgeMetricInfo(
  measurements: readonly MeasurementInfo[],
  alpha: number,
  stored: readonly Measurement[] = [],
): JudgeMetricInfo {
  const latest = measurements.findLast((m) => m.judge !== undefined)?.judge;
  const threshold = latest !== undefined && latest.threshold > 1 ? latest.threshold : 1 / alpha;
  return {
    alpha: 1 / threshold,
    threshold,
    latest,
    summary: latest === undefined ? undefined : describeJudgeResult(latest),
    peakEValue: latest === undefined ? undefined : peakOf(latest),
    trail: judgeTrailOf(stored),
  };
}

/** When a measurement happened for a chart: its finishedAt (else startedAt) in ms; undefined without a time. */
function chartTimeOf(m: MeasurementInfo): number | undefined {
  const t = Date.parse(m.finishedAt ?? m.startedAt ?? '');
  return Number.isNaN(t) ? undefined : t;
}

/**
 * What a judge chart plots, oldest first: the points of the trail (the whole run, thinned) merged with the
 * measurements at hand (full detail, but only the few the run keeps plus those a page saw while open). A trail
 * point and a measurement at the same time (the provider stamps the point with the measurement's finishedAt)
 * are one point, and the measurement's values win.
 */
export function judgeChartPoints(
  measurements: readonly MeasurementInfo[],
  trail: readonly TrailPoint[],
): JudgeChartPoint[] {
  const byTime = new Map<number, JudgeChartPoint>();
  for (const p of trail) {
    byTime.set(p.at, { at: p.at, eValue: p.eValue, errorsEValue: null, latencyEValue: null });
  }
  for (const m of measurements) {
    const at = chartTimeOf(m);
    if (m.judge === undefined || at === undefined) continue;
    const r = m.judge;
    byTime.set(at, { at, eValue: r.eValue, errorsEValue: r.errorsEValue, latencyEValue: r.latencyEValue });
  }
  return [...byTime.values()].sort((a, b) => a.at - b.at);
}

/** The largest evidence so far: the always-valid p-value is min(1, 1 / max E), so max E = 1/p (at least E now). */
function peakOf(result: JudgeResult): number {
  const fromP = result.pValue > 0 ? 1 / result.pValue : Number.POSITIVE_INFINITY;
  return Math.max(result.eValue, Number.isFinite(fromP) ? fromP : result.eValue);
}
