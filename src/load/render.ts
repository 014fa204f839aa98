import { formatDuration } from './duration.js';
import type { CounterValues, LoadMetrics, MetricKey, RateValues, TrendValues } from './metrics.js';
import type { LoadSummary } from './summary.js';

/**
 * The end-of-test summary in k6's text layout: the checks with ✓/✗ (and a ↳ line for a failing one), then one
 * dotted line per metric, marked ✓/✗ when it carries thresholds, with the per-deployment sub-metrics under
 * http_req_rate.
 */
export function renderSummary(summary: LoadSummary): string {
  const lines: string[] = [''];
  for (const check of summary.checks) {
    const total = check.passes + check.fails;
    if (check.fails === 0) {
      lines.push(`     ✓ ${check.name}`);
    } else {
      lines.push(`     ✗ ${check.name}`);
      const pct = total === 0 ? 0 : Math.floor((100 * check.passes) / total);
      lines.push(`      ↳  ${pct}% — ✓ ${check.passes} / ✗ ${check.fails}`);
    }
  }
  if (summary.checks.length > 0) lines.push('');

  const rows = metricRows(summary.metrics);
  const nameWidth = Math.max(...rows.map((r) => r.label.length)) + 3;
  const colWidths = [0, 1, 2].map((i) =>
    Math.max(0, ...rows.map((r) => (r.cells.length > 1 ? (r.cells[i] ?? '').length : 0))),
  );
  for (const row of rows) {
    const mark = thresholdMark(summary, row.key);
    const indent = row.sub ? (mark === '' ? '       ' : '     ') : mark === '' ? '     ' : '   ';
    const dots = '.'.repeat(Math.max(1, nameWidth - row.label.length - (row.sub ? 2 : 0)));
    const cells = row.cells.length > 1 ? row.cells.map((c, i) => c.padEnd(colWidths[i] ?? 0)) : row.cells;
    lines.push(`${indent}${mark}${row.label}${dots}: ${cells.join(' ').trimEnd()}`);
  }
  lines.push('');
  for (const e of summary.errors) lines.push(`     no response ×${e.count}: ${e.message}`);
  if (summary.errors.length > 0) lines.push('');
  const verdict = summary.thresholdsPassed ? 'all thresholds passed' : failedThresholds(summary);
  const stopped = summary.state.aborted ? ' (stopped early)' : '';
  lines.push(`     ran ${formatDuration(summary.state.testRunDurationMs)}${stopped}: ${verdict}`);
  lines.push('');
  return lines.join('\n');
}

function failedThresholds(summary: LoadSummary): string {
  const failed = summary.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression}`);
  return `thresholds failed: ${failed.join('; ')}`;
}

interface Row {
  readonly key: MetricKey;
  readonly label: string;
  readonly sub: boolean;
  readonly cells: readonly string[];
}

function metricRows(m: LoadMetrics): Row[] {
  const rows: Row[] = [
    { key: 'checks', label: 'checks', sub: false, cells: rateCells(m.checks) },
    { key: 'http_req_duration', label: 'http_req_duration', sub: false, cells: [trendCell(m.http_req_duration)] },
    { key: 'http_req_failed', label: 'http_req_failed', sub: false, cells: rateCells(m.http_req_failed) },
    { key: 'http_req_rate', label: 'http_req_rate', sub: false, cells: rateCells(m.http_req_rate) },
    {
      key: 'http_req_rate{deployment:canary}',
      label: '{ deployment:canary }',
      sub: true,
      cells: rateCells(m['http_req_rate{deployment:canary}']),
    },
    {
      key: 'http_req_rate{deployment:stable}',
      label: '{ deployment:stable }',
      sub: true,
      cells: rateCells(m['http_req_rate{deployment:stable}']),
    },
    { key: 'http_reqs', label: 'http_reqs', sub: false, cells: counterCells(m.http_reqs) },
  ];
  // k6 prints a metric only once it has samples; these two are usually empty.
  if (m.dropped_iterations.count > 0) {
    rows.push({
      key: 'dropped_iterations',
      label: 'dropped_iterations',
      sub: false,
      cells: counterCells(m.dropped_iterations),
    });
  }
  if (m.interrupted_iterations.count > 0) {
    rows.push({
      key: 'interrupted_iterations',
      label: 'interrupted_iterations',
      sub: false,
      cells: counterCells(m.interrupted_iterations),
    });
  }
  rows.push({ key: 'iterations', label: 'iterations', sub: false, cells: counterCells(m.iterations) });
  return rows;
}

function thresholdMark(summary: LoadSummary, key: MetricKey): string {
  const mine = summary.thresholds.filter((t) => t.metric === key);
  if (mine.length === 0) return '';
  return mine.every((t) => t.ok) ? '✓ ' : '✗ ';
}

function rateCells(v: RateValues): string[] {
  return [`${(v.rate * 100).toFixed(2)}%`, `✓ ${v.passes}`, `✗ ${v.fails}`];
}

function counterCells(v: CounterValues): string[] {
  return [String(v.count), `${trimFixed(v.rate, 6)}/s`, ''];
}

function trendCell(v: TrendValues): string {
  return [
    `avg=${formatDuration(v.avg)}`,
    `min=${formatDuration(v.min)}`,
    `med=${formatDuration(v.med)}`,
    `max=${formatDuration(v.max)}`,
    `p(90)=${formatDuration(v['p(90)'])}`,
    `p(95)=${formatDuration(v['p(95)'])}`,
  ].join(' ');
}

function trimFixed(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}
