import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnalysisRun, AnalysisTemplate, KubeObject, Rollout } from '../api/index.js';
import type { ReconcileReport } from '../controller/runtime/index.js';

/**
 * The controller's Prometheus metrics, named and labelled as Argo Rollouts names them (argo-rollouts.md §8), so
 * existing dashboards and alerts keep working: object info gauges are computed from the objects at scrape time;
 * reconcile histograms and error counters accumulate as the controllers report passes. Text exposition format
 * 0.0.4, written by hand (one small file beats a dependency).
 */

/** Buckets of the reconcile histograms, in seconds (Argo's). */
export const RECONCILE_BUCKETS = [0.01, 0.15, 0.25, 0.5, 1] as const;

const ANALYSIS_PHASES = ['Pending', 'Running', 'Successful', 'Failed', 'Error', 'Inconclusive'] as const;

/** What a scrape renders: the objects the controller currently sees. */
export interface MetricsSnapshot {
  rollouts: Rollout[];
  analysisRuns: AnalysisRun[];
  analysisTemplates: AnalysisTemplate[];
  clusterAnalysisTemplates: AnalysisTemplate[];
  events: KubeObject[];
}

type Labels = Record<string, string>;

interface Histogram {
  labels: Labels;
  buckets: number[];
  sum: number;
  count: number;
}

export class ControllerMetrics {
  readonly version: string;
  readonly #histograms = new Map<string, Map<string, Histogram>>([
    ['rollout_reconcile', new Map()],
    ['analysis_run_reconcile', new Map()],
  ]);
  readonly #errors = new Map<string, Map<string, { labels: Labels; value: number }>>([
    ['rollout_reconcile_error', new Map()],
    ['analysis_run_reconcile_error', new Map()],
  ]);

  constructor(version = '0.0.0') {
    this.version = version;
  }

  /** Feeds a controller pass report (`onReconcile` of the Rollout and AnalysisRun controllers). */
  observe(report: ReconcileReport): void {
    const base =
      report.controller === 'rollout'
        ? 'rollout'
        : report.controller.startsWith('analysis')
          ? 'analysis_run'
          : undefined;
    if (base === undefined) return;
    const [namespace = '', name = ''] = splitKey(report.key);
    const labels = { namespace, name };
    const id = labelText(labels);
    const histograms = this.#histograms.get(`${base}_reconcile`);
    let h = histograms?.get(id);
    if (!h) {
      h = { labels, buckets: RECONCILE_BUCKETS.map(() => 0), sum: 0, count: 0 };
      histograms?.set(id, h);
    }
    const seconds = report.durationMs / 1000;
    // Buckets are cumulative: every bucket at or above the duration counts it.
    for (let i = 0; i < RECONCILE_BUCKETS.length; i++) {
      if (seconds <= (RECONCILE_BUCKETS[i] ?? 0)) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
    }
    h.sum += seconds;
    h.count += 1;
    if (report.outcome === 'error') {
      const errors = this.#errors.get(`${base}_reconcile_error`);
      const e = errors?.get(id) ?? { labels, value: 0 };
      e.value += 1;
      errors?.set(id, e);
    }
  }

  /** The exposition text for one scrape. */
  render(snapshot: MetricsSnapshot): string {
    const out = new Exposition();
    renderRollouts(out, snapshot);
    renderAnalysis(out, snapshot);
    this.#renderReconciles(out);
    out.family('kanary_controller_info', 'gauge', 'Running Kanary controller information.');
    out.sample('kanary_controller_info', { version: this.version }, 1);
    return out.text();
  }

  #renderReconciles(out: Exposition): void {
    for (const [name, series] of this.#histograms) {
      const what = name === 'rollout_reconcile' ? 'Rollout' : 'Analysis Run';
      out.family(name, 'histogram', `${what} reconciliation performance.`);
      for (const h of series.values()) {
        RECONCILE_BUCKETS.forEach((le, i) =>
          out.sample(`${name}_bucket`, { ...h.labels, le: String(le) }, h.buckets[i] ?? 0),
        );
        out.sample(`${name}_bucket`, { ...h.labels, le: '+Inf' }, h.count);
        out.sample(`${name}_sum`, h.labels, h.sum);
        out.sample(`${name}_count`, h.labels, h.count);
      }
    }
    for (const [name, series] of this.#errors) {
      out.family(
        name,
        'counter',
        `Error occurring during the ${name.startsWith('rollout') ? 'rollout' : 'analysis run'}`,
      );
      for (const e of series.values()) out.sample(name, e.labels, e.value);
    }
  }
}

const REPLICA_GAUGES: [string, (ro: Rollout) => number][] = [
  ['available', (ro) => ro.status?.availableReplicas ?? 0],
  ['unavailable', (ro) => Math.max(0, (ro.status?.replicas ?? 0) - (ro.status?.availableReplicas ?? 0))],
  ['desired', (ro) => ro.spec.replicas ?? 1],
  ['updated', (ro) => ro.status?.updatedReplicas ?? 0],
];

function renderRollouts(out: Exposition, snapshot: MetricsSnapshot): void {
  out.family('rollout_info', 'gauge', 'Information about rollout.');
  for (const ro of snapshot.rollouts) {
    const labels = {
      ...id(ro),
      strategy: strategyOf(ro),
      traffic_router: trafficRouterOf(ro),
      phase: rolloutPhase(ro),
    };
    out.sample('rollout_info', labels, 1);
  }
  for (const [suffix, value] of REPLICA_GAUGES) {
    out.family(`rollout_info_replicas_${suffix}`, 'gauge', `The number of ${suffix} replicas per rollout.`);
    for (const ro of snapshot.rollouts) out.sample(`rollout_info_replicas_${suffix}`, id(ro), value(ro));
  }
  out.family('rollout_events_total', 'counter', 'Count of rollout events.');
  for (const [labels, count] of rolloutEvents(snapshot.events)) out.sample('rollout_events_total', labels, count);
}

function renderAnalysis(out: Exposition, snapshot: MetricsSnapshot): void {
  out.family('analysis_run_info', 'gauge', 'Information about analysis run.');
  for (const run of snapshot.analysisRuns) {
    out.sample('analysis_run_info', { ...id(run), phase: run.status?.phase ?? 'Pending' }, 1);
  }
  out.family('analysis_run_metric_type', 'gauge', 'Information on the type of a specific metric in the Analysis Runs.');
  for (const run of snapshot.analysisRuns) {
    for (const metric of run.spec.metrics) {
      out.sample(
        'analysis_run_metric_type',
        { ...id(run), metric: metric.name, type: providerType(metric.provider) },
        1,
      );
    }
  }
  out.family(
    'analysis_run_metric_phase',
    'gauge',
    'Information on the duration of a specific metric in the Analysis Run.',
  );
  for (const run of snapshot.analysisRuns) renderMetricPhases(out, run);
  out.family('analysis_template_info', 'gauge', 'Information about analysis templates.');
  const templates = [...snapshot.analysisTemplates, ...snapshot.clusterAnalysisTemplates];
  for (const t of templates) out.sample('analysis_template_info', id(t), 1);
  out.family('analysis_template_metric_info', 'gauge', 'Information on metrics in analysis templates.');
  for (const t of templates) {
    for (const metric of t.spec.metrics ?? []) {
      out.sample(
        'analysis_template_metric_info',
        { ...id(t), type: providerType(metric.provider), metric: metric.name },
        1,
      );
    }
  }
}

/** One sample per phase, 1 for the metric's current phase and 0 for the others. */
function renderMetricPhases(out: Exposition, run: AnalysisRun): void {
  const dryRun = new Set((run.spec.dryRun ?? []).map((d) => d.metricName));
  for (const metric of run.spec.metrics) {
    const current = run.status?.metricResults?.find((r) => r.name === metric.name)?.phase ?? 'Pending';
    const labels = {
      ...id(run),
      metric: metric.name,
      type: providerType(metric.provider),
      dry_run: String(dryRun.has(metric.name) || dryRun.has('*')),
    };
    for (const phase of ANALYSIS_PHASES) {
      out.sample('analysis_run_metric_phase', { ...labels, phase }, phase === current ? 1 : 0);
    }
  }
}

/** Serves `/metrics` on a port (0 picks a free one); the snapshot is read at every scrape. */
export async function startMetricsServer(options: {
  port: number;
  host?: string;
  metrics: ControllerMetrics;
  snapshot: () => Promise<MetricsSnapshot>;
}): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape /metrics\n');
      return;
    }
    options.snapshot().then(
      (snap) =>
        res
          .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
          .end(options.metrics.render(snap)),
      (err: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** rollout_info's phase by the Progressing condition's reason; other reasons mean Progressing. */
const PHASE_BY_REASON: Readonly<Record<string, string>> = {
  NewReplicaSetAvailable: 'Completed',
  RolloutPaused: 'Paused',
  ProgressDeadlineExceeded: 'Timeout',
  RolloutAborted: 'Abort',
};

/** The phase label of rollout_info: worked out from the conditions as Argo does, not `status.phase`. */
export function rolloutPhase(ro: Rollout): string {
  const conditions = ro.status?.conditions ?? [];
  if (conditions.some((c) => c.type === 'InvalidSpec' && c.status === 'True')) return 'InvalidSpec';
  const reason = conditions.find((c) => c.type === 'Progressing')?.reason ?? '';
  return PHASE_BY_REASON[reason] ?? (ro.spec.paused === true ? 'Paused' : 'Progressing');
}

function strategyOf(ro: Rollout): string {
  const strategy = ro.spec.strategy as Record<string, unknown> | undefined;
  if (strategy?.canary !== undefined) return 'canary';
  if (strategy?.blueGreen !== undefined) return 'blueGreen';
  return 'none';
}

function trafficRouterOf(ro: Rollout): string {
  const routing = (ro.spec.strategy as { canary?: { trafficRouting?: Record<string, unknown> } } | undefined)?.canary
    ?.trafficRouting;
  if (routing === undefined) return '';
  const kinds = Object.keys(routing).filter((k) => routing[k] !== undefined && k !== 'managedRoutes');
  return kinds.map((k) => (k === 'nginx' ? 'Nginx' : k.charAt(0).toUpperCase() + k.slice(1))).join(',');
}

function providerType(provider: unknown): string {
  const key = Object.keys(provider ?? {})[0] ?? 'Unknown';
  return key === 'newRelic'
    ? 'NewRelic'
    : key === 'cloudWatch'
      ? 'CloudWatch'
      : key.charAt(0).toUpperCase() + key.slice(1);
}

function rolloutEvents(events: KubeObject[]): Map<Labels, number> {
  const totals = new Map<string, { labels: Labels; value: number }>();
  for (const e of events as (KubeObject & {
    involvedObject?: { kind?: string; name?: string; namespace?: string };
    type?: string;
    reason?: string;
    count?: number;
  })[]) {
    if (e.involvedObject?.kind !== 'Rollout') continue;
    const labels = {
      namespace: e.involvedObject.namespace ?? e.metadata.namespace ?? '',
      name: e.involvedObject.name ?? '',
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
    };
    const key = labelText(labels);
    const t = totals.get(key) ?? { labels, value: 0 };
    t.value += e.count ?? 1;
    totals.set(key, t);
  }
  return new Map([...totals.values()].map((t) => [t.labels, t.value]));
}

function id(obj: KubeObject): Labels {
  return { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
}

function splitKey(key: string): string[] {
  const slash = key.indexOf('/');
  return slash < 0 ? ['', key] : [key.slice(0, slash), key.slice(slash + 1)];
}

function labelText(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
    .join(',');
}

class Exposition {
  readonly #lines: string[] = [];
  family(name: string, type: string, help: string): void {
    this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }
  sample(name: string, labels: Labels, value: number): void {
    const text = labelText(labels);
    this.#lines.push(`${name}${text === '' ? '' : `{${text}}`} ${formatValue(value)}`);
  }
  text(): string {
    return `${this.#lines.join('\n')}\n`;
  }
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
