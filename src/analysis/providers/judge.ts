import type { AnalysisRun, JudgePrometheusSource, JudgeProviderConfig, Measurement, Metric } from '../../api/index.js';
import { JudgeProviderConfigSchema } from '../../api/index.js';
import { KanaryError } from '../../common/index.js';
import { fromJson } from '../../expr/index.js';
import type { MetricsSnapshot } from '../../local/router/index.js';
import {
  appendToTrail,
  batchFromReadings,
  createTrailCodec,
  evaluateJudge,
  initJudgeState,
  judgeResultOf,
  resolveJudgeConfig,
  TRAIL_METADATA_KEY,
  trailPointOf,
  updateJudge,
} from '../judge/index.js';
import type {
  ArmReading,
  CumulativeHistogram,
  EvidenceTrail,
  JudgeConfig,
  JudgeConfigInput,
  JudgeReading,
  JudgeState,
  JudgeUpdate,
} from '../judge/index.js';
import { headerRecord, httpRequest } from './http.js';
import { assessedMeasurement, errorMeasurement, isoAt } from './measurement.js';
import { configProblem, routerAddressOf, routerGet } from './router.js';
import type { MetricProvider, ProviderContext } from './types.js';

/**
 * Kanary's `judge` provider: "is the canary worse than stable?", tested sequentially with the judge's
 * anytime-valid e-values (docs/judge.md). Each measurement reads both arms' running counters (from the local
 * router, or from Prometheus), folds the increments since the previous measurement into the judge state, and
 * stores that state in the measurement's metadata (`judgeState`, JSON); the next measurement reads it back from
 * the last measurement of the same metric in `run.status`. So it is cheap to measure often (`interval: 2s`).
 * Next to the state it stores the evidence trail (`judgeTrail`, JSON): the e-value over the whole run, bounded
 * and thinned (src/analysis/judge/trail.ts), so a dashboard opened late still charts the history although the run
 * keeps only its last two measurements.
 *
 * `result` is a JudgeResult map: `verdict` ("pass" | "fail" | "continue"), `eValue`, `threshold`, `pValue`,
 * `canary`/`stable` {requests, errors, errorRate, meanLatencyMs}, `explanation`. Recommended condition:
 * `failureCondition: result.verdict == "fail"` with `failureLimit: 0`. Without any condition the verdict decides
 * (fail → Failed, else Successful) rather than Argo's "no condition is success".
 */

// The settings' schema is the manifest's (src/api), so the two cannot drift apart.
export { JudgePrometheusSourceSchema, JudgeProviderConfigSchema } from '../../api/index.js';
export type { JudgePrometheusSource, JudgeProviderConfig } from '../../api/index.js';

/** The router's own series, for a Prometheus that scrapes the router. */
export const DEFAULT_JUDGE_QUERIES = {
  requestQuery: 'sum(kanary_router_requests_total{namespace="$namespace",service="$service"})',
  errorQuery: 'sum(kanary_router_requests_total{namespace="$namespace",service="$service",code_class="5xx"})',
} as const;

/** Metadata key of the persisted state. */
export const JUDGE_STATE_KEY = 'judgeState';
/** Metadata key of the evidence trail (`encodeTrail`'s JSON). */
export const JUDGE_TRAIL_KEY = TRAIL_METADATA_KEY;

export type ReadOutcome = { ok: true; reading: JudgeReading } | { ok: false; error: string };

/** Reads both arms' running totals; `namespace` is already resolved. Never throws: failures are words. */
export type JudgeReader = (
  config: JudgeProviderConfig,
  namespace: string,
  ctx: ProviderContext,
) => Promise<ReadOutcome>;

export interface JudgeProviderOptions {
  /** Router URL when a metric sets none (env KANARY_ROUTER_URL). */
  routerAddress?: string;
  /** Replaces a data source (benchmarks drive the provider with simulated counters this way). */
  readers?: Partial<Record<'router' | 'prometheus', JudgeReader>>;
}

/** What a judge measurement stores in its metadata. */
interface Persisted {
  readonly state: JudgeState;
  readonly reading: JudgeReading;
}

const DEFAULT_TIMEOUT_SECONDS = 5;

function judgeConfigOf(config: JudgeProviderConfig, latencyAvailable: boolean): JudgeConfig {
  const input: JudgeConfigInput = {
    ...(config.alpha === undefined ? {} : { alpha: config.alpha }),
    ...(config.margin === undefined ? {} : { relativeMargin: config.margin }),
    ...(config.absoluteMargin === undefined ? {} : { absoluteMargin: config.absoluteMargin }),
    ...(config.minRequests === undefined ? {} : { minRequests: config.minRequests }),
    latency: { ...config.latency, enabled: latencyAvailable && config.latency?.enabled !== false },
  };
  return resolveJudgeConfig(input);
}

function isPersisted(x: unknown): x is Persisted {
  if (typeof x !== 'object' || x === null) return false;
  const p = x as { state?: { version?: unknown }; reading?: { canary?: { requests?: unknown } } };
  return p.state?.version === 1 && typeof p.reading?.canary?.requests === 'number';
}

/** What the latest measurement with a state stored: the state, and the trail stored next to it (if any). */
interface Stored {
  readonly raw: string;
  readonly value: Persisted;
  readonly trailRaw: string | undefined;
}

/** The state stored by the latest measurement of this metric that has one (Error measurements carry it too). */
function persistedOf(run: AnalysisRun, metricName: string): Stored | undefined {
  const list = run.status?.metricResults?.find((r) => r.name === metricName)?.measurements ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const metadata = list[i]?.metadata;
    const raw = metadata?.[JUDGE_STATE_KEY];
    if (raw === undefined) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
    if (!isPersisted(value)) {
      throw new KanaryError(
        'INVALID_SPEC',
        `the judge state stored in the last measurement of metric "${metricName}" is unreadable; ` +
          'start a new analysis run',
      );
    }
    return { raw, value, trailRaw: metadata?.[JUDGE_TRAIL_KEY] };
  }
  return undefined;
}

// ---- data sources ----

function sumSeries(snapshot: MetricsSnapshot, namespace: string, service: string): ArmReading {
  const mine = snapshot.series.filter((s) => s.namespace === namespace && s.service === service);
  const template = snapshot.series[0]?.latency.buckets;
  let latency: CumulativeHistogram | undefined;
  if (template !== undefined) {
    const upperBoundsMs = template.filter(([le]) => le !== '+Inf').map(([le]) => Number(le) * 1000);
    const cumulative = template.map((_, i) => mine.reduce((n, s) => n + (s.latency.buckets[i]?.[1] ?? 0), 0));
    const sumMs = mine.reduce((n, s) => n + s.latency.sum * 1000, 0);
    latency = { upperBoundsMs, cumulative, sumMs };
  }
  return {
    requests: mine.reduce((n, s) => n + s.total, 0),
    errors: mine.reduce((n, s) => n + s.errors, 0),
    ...(latency === undefined ? {} : { latency }),
  };
}

/** Cumulative counters of both Services from the router's `/_kanary/metrics.json`. */
export function routerReader(defaultAddress: string | undefined): JudgeReader {
  return async (config, namespace, ctx) => {
    const address = routerAddressOf(config.address, defaultAddress);
    if (!address.ok) return { ok: false, error: address.error.replace('provider.router.', 'provider.judge.') };
    const timeoutMs = (config.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    const answer = await routerGet(address.url, '_kanary/metrics.json', timeoutMs, ctx.signal);
    if (!answer.ok) return answer;
    const snapshot = answer.json as MetricsSnapshot;
    if (!Array.isArray(snapshot.series)) {
      return { ok: false, error: `router at ${address.url} answered a metrics snapshot without series` };
    }
    return {
      ok: true,
      reading: {
        canary: sumSeries(snapshot, namespace, config.canaryService),
        stable: sumSeries(snapshot, namespace, config.stableService),
        epoch: String(snapshot.startedAt),
      },
    };
  };
}

interface PromSample {
  metric?: Record<string, string>;
  value?: [number, string];
}

type PromOutcome = { ok: true; samples: PromSample[] } | { ok: false; error: string };

async function promQuery(source: JudgePrometheusSource, query: string, ctx: ProviderContext): Promise<PromOutcome> {
  const address = source.address;
  const url = new URL('api/v1/query', address.endsWith('/') ? address : `${address}/`).toString();
  const outcome = await httpRequest({
    url,
    method: 'POST',
    headers: { ...headerRecord(source.headers), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query }).toString(),
    timeoutMs: (source.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    ...(source.insecure === undefined ? {} : { insecure: source.insecure }),
    ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
  });
  if (!outcome.ok) return { ok: false, error: `prometheus query to ${address} failed: ${outcome.cause}` };
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } } | undefined;
  try {
    body = JSON.parse(outcome.body) as typeof body;
  } catch {
    body = undefined;
  }
  if (body?.status !== 'success') {
    const why = body?.error ?? `HTTP ${outcome.status} ${outcome.body.trim().slice(0, 200)}`;
    return { ok: false, error: `prometheus at ${address} rejected ${JSON.stringify(query)}: ${why}` };
  }
  const data = body.data;
  if (data?.resultType === 'scalar' && Array.isArray(data.result)) {
    return { ok: true, samples: [{ value: data.result as [number, string] }] };
  }
  if (data?.resultType !== 'vector' || !Array.isArray(data.result)) {
    return { ok: false, error: `prometheus at ${address}: ${JSON.stringify(query)} must return a vector or a scalar` };
  }
  return { ok: true, samples: data.result as PromSample[] };
}

/** Sum of a vector's values; an empty vector is 0 (a counter not created yet has counted nothing). */
function total(samples: readonly PromSample[]): number {
  return samples.reduce((n, s) => {
    const v = Number(s.value?.[1]);
    return Number.isFinite(v) ? n + v : n;
  }, 0);
}

function histogramOfBuckets(samples: readonly PromSample[], unitMs: number): CumulativeHistogram | undefined {
  const rows = samples
    .map((s) => ({ le: s.metric?.le, count: Number(s.value?.[1]) }))
    .filter((r): r is { le: string; count: number } => r.le !== undefined && Number.isFinite(r.count))
    .map((r) => ({ bound: r.le === '+Inf' ? Infinity : Number(r.le) * unitMs, count: r.count }))
    .filter((r) => !Number.isNaN(r.bound))
    .sort((a, b) => a.bound - b.bound);
  if (rows.length === 0 || rows[rows.length - 1]?.bound !== Infinity) return undefined;
  return {
    upperBoundsMs: rows.filter((r) => r.bound !== Infinity).map((r) => r.bound),
    cumulative: rows.map((r) => r.count),
  };
}

/** Running totals of both arms from Prometheus instant queries (2 or 3 per arm). */
export const prometheusReader: JudgeReader = async (config, namespace, ctx) => {
  const source = config.prometheus;
  if (source === undefined) {
    return { ok: false, error: 'judge source is prometheus but provider.judge.prometheus.address is not set' };
  }
  const fill = (q: string, service: string): string =>
    q.replaceAll('$namespace', namespace).replaceAll('$service', service);
  const arm = async (service: string): Promise<{ ok: true; arm: ArmReading } | { ok: false; error: string }> => {
    const [requests, errors, latency] = await Promise.all([
      promQuery(source, fill(source.requestQuery ?? DEFAULT_JUDGE_QUERIES.requestQuery, service), ctx),
      promQuery(source, fill(source.errorQuery ?? DEFAULT_JUDGE_QUERIES.errorQuery, service), ctx),
      source.latencyQuery === undefined ? undefined : promQuery(source, fill(source.latencyQuery, service), ctx),
    ]);
    if (!requests.ok) return requests;
    if (!errors.ok) return errors;
    if (latency !== undefined && !latency.ok) return latency;
    const histogram =
      latency === undefined
        ? undefined
        : histogramOfBuckets(latency.samples, source.latencyUnit === 'milliseconds' ? 1 : 1000);
    return {
      ok: true,
      arm: {
        requests: total(requests.samples),
        errors: total(errors.samples),
        ...(histogram ? { latency: histogram } : {}),
      },
    };
  };
  const [canary, stable] = await Promise.all([arm(config.canaryService), arm(config.stableService)]);
  if (!canary.ok) return canary;
  if (!stable.ok) return stable;
  return { ok: true, reading: { canary: canary.arm, stable: stable.arm } };
};

// ---- the provider ----

/**
 * One judge step from the stored state and a new reading. The first reading (and the first after the counters
 * restarted) is a baseline: nothing is folded in, so traffic from before the analysis never counts.
 */
function judgeStep(before: Persisted | undefined, reading: JudgeReading, config: JudgeConfig): JudgeUpdate {
  const state = before?.state ?? initJudgeState(config);
  if (before === undefined || before.reading.epoch !== reading.epoch) return evaluateJudge(state, config);
  return updateJudge(state, batchFromReadings(before.reading, reading), config);
}

function carriedMetadata(previous: Stored): Record<string, string> {
  return previous.trailRaw === undefined
    ? { [JUDGE_STATE_KEY]: previous.raw }
    : { [JUDGE_STATE_KEY]: previous.raw, [JUDGE_TRAIL_KEY]: previous.trailRaw };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class JudgeProvider implements MetricProvider {
  readonly type = 'judge';
  readonly #readers: Record<'router' | 'prometheus', JudgeReader>;
  /** Remembers the trails it wrote, so reading one back a second later costs nothing (one codec per provider). */
  readonly #trails = createTrailCodec();

  constructor(options: JudgeProviderOptions = {}) {
    this.#readers = {
      router: options.readers?.router ?? routerReader(options.routerAddress),
      prometheus: options.readers?.prometheus ?? prometheusReader,
    };
  }

  async run(run: AnalysisRun, metric: Metric, ctx: ProviderContext): Promise<Measurement> {
    const started = ctx.now();
    const parsed = JudgeProviderConfigSchema.safeParse(metric.provider.judge);
    if (!parsed.success) return errorMeasurement(started, ctx.now(), configProblem('judge', parsed.error));
    const config = parsed.data;
    const source = config.source ?? 'router';
    let judgeConfig: JudgeConfig;
    let previous: Stored | undefined;
    try {
      judgeConfig = judgeConfigOf(config, source === 'router' || config.prometheus?.latencyQuery !== undefined);
      previous = persistedOf(run, metric.name);
    } catch (err) {
      return errorMeasurement(started, ctx.now(), messageOf(err));
    }
    // An Error measurement carries the state and the trail forward, so one failed read loses neither.
    const carried = previous === undefined ? {} : { metadata: carriedMetadata(previous) };
    const namespace = config.namespace ?? run.metadata.namespace ?? 'default';
    const read = await this.#readers[source](config, namespace, ctx);
    if (!read.ok) return errorMeasurement(started, ctx.now(), read.error, carried);
    let update: JudgeUpdate;
    try {
      update = judgeStep(previous?.value, read.reading, judgeConfig);
    } catch (err) {
      return errorMeasurement(started, ctx.now(), messageOf(err), carried);
    }
    const result = judgeResultOf(update);
    // The trail point's time is the measurement's finishedAt, so a chart can match the two.
    const finished = ctx.now();
    const trail = appendToTrail(this.#trailBefore(previous), trailPointOf(result, finished));
    const metadata = {
      [JUDGE_STATE_KEY]: JSON.stringify({ state: update.state, reading: read.reading }),
      [JUDGE_TRAIL_KEY]: this.#trails.encode(trail),
    };
    const value = JSON.stringify(result);
    if ((metric.successCondition ?? '') === '' && (metric.failureCondition ?? '') === '') {
      const phase = result.verdict === 'fail' ? 'Failed' : 'Successful';
      return { phase, value, startedAt: isoAt(started), finishedAt: isoAt(finished), metadata };
    }
    return assessedMeasurement(fromJson(result), value, metric, 'judge', started, finished, metadata);
  }

  /**
   * The trail stored next to the state. Unlike an unreadable state (an Error: the verdict depends on it), a
   * missing or unreadable trail only starts a fresh one: it is a picture of the evidence for people, and losing
   * its past must never stop the judge from measuring.
   */
  #trailBefore(previous: Stored | undefined): EvidenceTrail {
    if (previous?.trailRaw === undefined) return [];
    return this.#trails.decode(previous.trailRaw) ?? [];
  }

  /** All the work happens in `run`. */
  resume(_run: AnalysisRun, _metric: Metric, measurement: Measurement): Promise<Measurement> {
    return Promise.resolve(measurement);
  }

  terminate(_run: AnalysisRun, _metric: Metric, measurement: Measurement): Promise<Measurement> {
    return Promise.resolve(measurement);
  }
}
