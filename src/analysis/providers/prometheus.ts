import type { AnalysisRun, Measurement, Metric, PrometheusProvider as PrometheusConfig } from '../../api/index.js';
import { DEFAULT_PROMETHEUS_TIMEOUT_SECONDS } from '../../api/index.js';
import { headerRecord, httpRequest } from './http.js';
import { assessedMeasurement, errorMeasurement } from './measurement.js';
import type { MetricProvider, ProviderContext } from './types.js';

/**
 * Argo's prometheus provider: an instant query on `/api/v1/query` at the server's "now". A vector becomes
 * `[]float64` (one value per series, value string `[0.5]`, `[]` when empty), a matrix every sample flattened, a
 * scalar a float64 (`0.5`). Anything that goes wrong is an Error measurement naming the address and the cause.
 */

export interface PrometheusProviderOptions {
  /** Replaces every metric's address (`kanary analyze --prometheus-address`). */
  addressOverride?: string;
  /** Used when a metric has no address (Argo reads ARGO_ROLLOUTS_PROMETHEUS_ADDRESS). */
  defaultAddress?: string;
}

interface PromResponse {
  status?: string;
  errorType?: string;
  error?: string;
  warnings?: string[];
  data?: { resultType?: string; result?: unknown };
}

/** Prometheus sample values are strings: "0.5", "NaN", "+Inf", "-Inf". */
function sampleValue(text: unknown): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return typeof text === 'string' ? Number(text) : Number.NaN;
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64), as model.SampleValue.String() prints values. */
export function formatSample(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = String(f);
  if (!s.includes('e')) return s;
  return f.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 100 });
}

type Extracted = { ok: true; result: number | number[]; value: string } | { ok: false; error: string };

function extract(data: PromResponse['data']): Extracted {
  const result = data?.result;
  switch (data?.resultType) {
    case 'scalar': {
      const v = sampleValue(Array.isArray(result) ? result[1] : undefined);
      return { ok: true, result: v, value: formatSample(v) };
    }
    case 'vector': {
      const values = (Array.isArray(result) ? result : []).map((s) =>
        sampleValue((s as { value?: unknown[] }).value?.[1]),
      );
      return { ok: true, result: values, value: `[${values.map(formatSample).join(',')}]` };
    }
    case 'matrix': {
      const values = (Array.isArray(result) ? result : []).flatMap((s) =>
        ((s as { values?: unknown[][] }).values ?? []).map((pair) => sampleValue(pair[1])),
      );
      return { ok: true, result: values, value: `[${values.map(formatSample).join(',')}]` };
    }
    case undefined:
    default:
      return { ok: false, error: 'Prometheus metric type not supported' };
  }
}

type Answer = { ok: true; extracted: Extracted & { ok: true }; warnings: string[] } | { ok: false; error: string };

/** From Prometheus' HTTP answer to values, or to the words of what went wrong. */
function interpret(address: string, outcome: { status: number; statusText: string; body: string }): Answer {
  let parsed: PromResponse | undefined;
  try {
    parsed = JSON.parse(outcome.body) as PromResponse;
  } catch {
    parsed = undefined;
  }
  if (parsed?.status === 'error' || (parsed?.error !== undefined && outcome.status >= 400)) {
    return {
      ok: false,
      error: `prometheus at ${address} rejected the query: ${parsed.errorType ?? 'error'}: ${parsed.error ?? ''}`,
    };
  }
  if (outcome.status < 200 || outcome.status > 299) {
    const snippet = outcome.body.trim().slice(0, 200);
    const detail = snippet ? `: ${snippet}` : '';
    return {
      ok: false,
      error: `prometheus at ${address} answered HTTP ${outcome.status} ${outcome.statusText}${detail}`,
    };
  }
  if (parsed === undefined) return { ok: false, error: `prometheus at ${address} answered something that is not JSON` };
  const extracted = extract(parsed.data);
  if (!extracted.ok) return extracted;
  return { ok: true, extracted, warnings: parsed.warnings ?? [] };
}

/** Fields Kanary does not run yet fail loudly instead of being ignored. */
function unsupported(config: PrometheusConfig): string | undefined {
  if (config.rangeQuery !== undefined)
    return 'prometheus rangeQuery is not supported yet by Kanary: use an instant query';
  const auth = config.authentication;
  if (auth?.sigv4 !== undefined || auth?.oauth2 !== undefined) {
    return 'prometheus authentication sigv4 and oauth2 are not supported yet by Kanary: use basicAuth or headers';
  }
  return undefined;
}

function basicAuthHeader(config: PrometheusConfig): Record<string, string> {
  const basic = config.authentication?.basicAuth;
  if (basic === undefined) return {};
  const token = Buffer.from(`${basic.username ?? ''}:${basic.password ?? ''}`).toString('base64');
  return { Authorization: `Basic ${token}` };
}

function validAddress(address: string): string | undefined {
  try {
    const url = new URL(address);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '') return undefined;
  } catch {
    // fall through
  }
  return `prometheus address ${JSON.stringify(address)} is not a URL with a scheme and host, e.g. http://127.0.0.1:9090`;
}

export class PrometheusProvider implements MetricProvider {
  readonly type = 'prometheus';
  readonly #options: PrometheusProviderOptions;

  constructor(options: PrometheusProviderOptions = {}) {
    this.#options = options;
  }

  addressOf(metric: Metric): string | undefined {
    return this.#options.addressOverride ?? metric.provider.prometheus?.address ?? this.#options.defaultAddress;
  }

  metadata(metric: Metric): Record<string, string> | undefined {
    const query = metric.provider.prometheus?.query;
    return query === undefined ? undefined : { ResolvedPrometheusQuery: query };
  }

  async run(_run: AnalysisRun, metric: Metric, ctx: ProviderContext): Promise<Measurement> {
    const started = ctx.now();
    const config = metric.provider.prometheus;
    if (config === undefined) {
      return errorMeasurement(started, ctx.now(), `metric "${metric.name}" has no prometheus provider`);
    }
    const metadata: Record<string, string> = { ResolvedPrometheusQuery: config.query };
    const fail = (message: string): Measurement => errorMeasurement(started, ctx.now(), message, { metadata });
    const address = this.addressOf(metric);
    if (address === undefined || address === '') {
      return fail('prometheus address is not set: set provider.prometheus.address (or --prometheus-address)');
    }
    const bad = validAddress(address) ?? unsupported(config);
    if (bad !== undefined) return fail(bad);
    const timeoutMs = (config.timeout ?? DEFAULT_PROMETHEUS_TIMEOUT_SECONDS) * 1000;
    const url = new URL('api/v1/query', address.endsWith('/') ? address : `${address}/`).toString();
    const outcome = await httpRequest({
      url,
      method: 'POST',
      headers: {
        ...basicAuthHeader(config),
        ...headerRecord(config.headers),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ query: config.query }).toString(),
      timeoutMs,
      ...(config.insecure === undefined ? {} : { insecure: config.insecure }),
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    });
    if (!outcome.ok) return fail(`prometheus query to ${address} failed: ${outcome.cause}`);
    const answer = interpret(address, outcome);
    if (!answer.ok) return fail(answer.error);
    const extracted = answer.extracted;
    if (answer.warnings.length > 0) metadata.warnings = answer.warnings.join('; ');
    return assessedMeasurement(extracted.result, extracted.value, metric, 'prometheus', started, ctx.now(), metadata);
  }

  /** All the work happens in `run`; an in-flight prometheus measurement cannot exist. */
  resume(_run: AnalysisRun, _metric: Metric, measurement: Measurement): Promise<Measurement> {
    return Promise.resolve(measurement);
  }

  terminate(_run: AnalysisRun, _metric: Metric, measurement: Measurement): Promise<Measurement> {
    return Promise.resolve(measurement);
  }
}
