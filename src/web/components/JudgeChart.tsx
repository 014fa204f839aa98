import type uPlot from 'uplot';
import { formatEvidence, judgeChartPoints, type JudgeMetricInfo, type MetricInfo } from '../../info/index.js';
import { usePlot } from './usePlot.js';

const COLORS = { evidence: '#2563eb', errors: '#7c3aed', latency: '#0891b2', threshold: '#dc2626' };
const HEIGHT = 200;
/** A log axis needs positive values; evidence beyond these bounds is drawn at them (the labels keep the truth). */
const FLOOR = 1e-6;
const CEILING = 1e12;

const clamp = (x: number): number => Math.min(CEILING, Math.max(FLOOR, x));

/** Powers of ten across the range (with 2× and 5× when it spans less than three decades): a calm log grid. */
function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const steps = hi - lo < 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) {
    for (const s of steps) {
      const v = s * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

/** 14:05:09, in the browser's time zone. */
function clockTime(seconds: number): string {
  return new Date(seconds * 1000).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** A value on the log axis, or null (a gap) when unknown. */
const clampOrGap = (x: number | null): number | null => (x === null ? null : clamp(x));

/**
 * The judge's evidence (e-value) over time on a log scale, with the threshold 1/α as a dashed line: the run fails
 * where the line crosses it. The points are the run's evidence trail merged with the measurements at hand, so a
 * page opened late still shows the whole run. With latency compared too, each test's own evidence is drawn thinner
 * where measurements give it (the trail keeps only the combined evidence).
 */
export function JudgeChart({ metric, judge }: { metric: MetricInfo; judge: JudgeMetricInfo }) {
  const points = judgeChartPoints(metric.measurements, judge.trail);
  const withLatency = points.some((p) => p.latencyEValue !== null);
  const box = usePlot(
    (width) => {
      if (points.length === 0) return undefined;
      const xs = points.map((p) => p.at / 1000);
      const data: uPlot.AlignedData = [
        xs,
        points.map((p) => clamp(p.eValue)),
        xs.map(() => judge.threshold),
        ...(withLatency
          ? [points.map((p) => clampOrGap(p.errorsEValue)), points.map((p) => clampOrGap(p.latencyEValue))]
          : []),
      ];
      const series: uPlot.Series[] = [
        {},
        {
          label: 'evidence (e-value)',
          stroke: COLORS.evidence,
          width: 2,
          points: { show: true, size: 6 },
          // uPlot passes null where a series has no value.
          value: (_u, v: number | null) => (v === null ? '–' : formatEvidence(v)),
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
        // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- 3 is uPlot's Distr.Logarithmic, a const enum isolatedModules cannot reach
        scales: { y: { distr: 3, log: 10 } },
        axes: [
          { space: 80, values: (_u, splits) => splits.map(clockTime) },
          {
            size: 56,
            splits: (_u, _axis, min, max) => logTicks(min, max),
            // uPlot hands back null for ticks it leaves out.
            values: (_u, splits) => splits.map((v: number | null) => (v === null ? '' : formatEvidence(v))),
          },
        ],
        legend: { show: true, live: false },
      };
      return { options, data };
    },
    JSON.stringify([points.map((p) => [p.at, p.eValue, p.errorsEValue, p.latencyEValue]), judge.threshold]),
  );
  if (points.length === 0) return <p className="muted">No judge result yet.</p>;
  const latest = points.at(-1)?.eValue ?? 1;
  return (
    <div
      ref={box}
      className="chart"
      role="img"
      data-points={points.length}
      aria-label={
        `${metric.name} evidence over time: ${points.length} points, latest e-value ${formatEvidence(latest)}, ` +
        `threshold ${formatEvidence(judge.threshold)} (1/α), log scale`
      }
    />
  );
}
