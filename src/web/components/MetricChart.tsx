import type uPlot from 'uplot';
import type { MetricInfo } from '../../info/index.js';
import { usePlot } from './usePlot.js';

const COLORS = { value: '#2563eb', success: '#16a34a', failure: '#dc2626' };
const HEIGHT = 180;

/** A metric's measurements over time with its thresholds as dashed lines (uPlot on a canvas). */
export function MetricChart({ metric }: { metric: MetricInfo }) {
  const points = metric.measurements.flatMap((m) => {
    const t = Date.parse(m.finishedAt ?? m.startedAt ?? '');
    return m.number === undefined || Number.isNaN(t) ? [] : [{ t: t / 1000, v: m.number }];
  });
  const box = usePlot(
    (width) => {
      if (points.length === 0) return undefined;
      const xs = points.map((p) => p.t);
      const data: uPlot.AlignedData = [
        xs,
        points.map((p) => p.v),
        ...metric.thresholds.map((th) => xs.map(() => th.value)),
      ];
      const series: uPlot.Series[] = [
        {},
        { label: metric.name, stroke: COLORS.value, width: 2, points: { show: true, size: 6 } },
        ...metric.thresholds.map((th): uPlot.Series => ({
          label: `${th.kind} ${th.operator} ${th.value}`,
          stroke: COLORS[th.kind],
          width: 1.5,
          dash: [6, 4],
          points: { show: false },
        })),
      ];
      const options: uPlot.Options = {
        width,
        height: HEIGHT,
        series,
        axes: [{}, { size: 56 }],
        legend: { show: true, live: false },
      };
      return { options, data };
    },
    JSON.stringify([points, metric.thresholds]),
  );
  if (points.length === 0) return <p className="muted">No numeric measurements yet.</p>;
  return (
    <div
      ref={box}
      className="chart"
      role="img"
      aria-label={`${metric.name}: ${points.length} measurements, latest ${points.at(-1)?.v ?? ''}${metric.thresholds.map((t) => `, ${t.kind} threshold ${t.operator} ${t.value}`).join('')}`}
    />
  );
}
