import type uPlot from 'uplot';
import { formatEvidence, type JudgeMetricInfo, type MetricInfo } from '../../info/index.js';
import { usePlot } from './usePlot.js';

const COLORS = { evidence: '#2563eb', errors: '#7c3aed', latency: '#0891b2', threshold: '#dc2626' };
const HEIGHT = 200;
/** A log axis needs positive values; evidence beyond these bounds is drawn at them (the labels keep the truth). */
const FLOOR = 1e-6;
const CEILING = 1e12;

const clamp = (x: number): number => Math.min(CEILING, Math.max(FLOOR, x));

/**
 * The judge's evidence (e-value) over time on a log scale, with the threshold 1/α as a dashed line: the run fails
 * where the line crosses it. With latency compared too, each test's own evidence is drawn thinner.
 */
export function JudgeChart({ metric, judge }: { metric: MetricInfo; judge: JudgeMetricInfo }) {
  const points = metric.measurements.flatMap((m) => {
    const t = Date.parse(m.finishedAt ?? m.startedAt ?? '');
    return m.judge === undefined || Number.isNaN(t) ? [] : [{ t: t / 1000, r: m.judge }];
  });
  const withLatency = points.some((p) => p.r.latencyEValue !== null);
  const box = usePlot(
    (width) => {
      if (points.length === 0) return undefined;
      const xs = points.map((p) => p.t);
      const data: uPlot.AlignedData = [
        xs,
        points.map((p) => clamp(p.r.eValue)),
        xs.map(() => judge.threshold),
        ...(withLatency
          ? [points.map((p) => clamp(p.r.errorsEValue)), points.map((p) => clamp(p.r.latencyEValue ?? 1))]
          : []),
      ];
      const series: uPlot.Series[] = [
        {},
        {
          label: 'evidence (e-value)',
          stroke: COLORS.evidence,
          width: 2,
          points: { show: true, size: 6 },
          value: (_u, v) => (v === null ? '–' : formatEvidence(v)),
        },
        {
          label: `threshold 1/α = ${formatEvidence(judge.threshold)}`,
          stroke: COLORS.threshold,
          width: 1.5,
          dash: [6, 4],
          points: { show: false },
        },
        ...(withLatency
          ? [
              { label: 'errors test', stroke: COLORS.errors, width: 1, points: { show: false } },
              { label: 'latency test', stroke: COLORS.latency, width: 1, points: { show: false } },
            ]
          : []),
      ];
      const options: uPlot.Options = {
        width,
        height: HEIGHT,
        series,
        scales: { y: { distr: 3, log: 10 } },
        // A log axis thins its ticks by handing back null for the ones it skips.
        axes: [
          {},
          { size: 56, values: (_u, splits) => splits.map((v: number | null) => (v === null ? '' : formatEvidence(v))) },
        ],
        legend: { show: true, live: false },
      };
      return { options, data };
    },
    JSON.stringify([points.map((p) => [p.t, p.r.eValue, p.r.errorsEValue, p.r.latencyEValue]), judge.threshold]),
  );
  if (points.length === 0) return <p className="muted">No judge result yet.</p>;
  const latest = points.at(-1)?.r.eValue ?? 1;
  return (
    <div
      ref={box}
      className="chart"
      role="img"
      aria-label={
        `${metric.name} evidence over time: ${points.length} measurements, latest e-value ${formatEvidence(latest)}, ` +
        `threshold ${formatEvidence(judge.threshold)} (1/α), log scale`
      }
    />
  );
}
