import type { z } from 'zod';
import type { AnalysisRun, Measurement, Metric, RouterMetricName } from '../../api/index.js';
import { RouterProviderConfigSchema } from '../../api/index.js';
import type { ServiceStats, WindowStats } from '../../local/router/index.js';
import { parseWindow } from '../../local/router/index.js';
import { httpRequest } from './http.js';
import { assessedMeasurement, errorMeasurement } from './measurement.js';
import type { MetricProvider, ProviderContext } from './types.js';

/**
 * Kanary's `router` provider: one number about one Service over a recent window, read straight from the local
 * router (`GET /_kanary/stats`), so there is no scrape delay. In a manifest:
 *
 *   provider:
 *     router: { service: sample-app-canary, window: 30s, metric: errorRate }
 *
 * `result` is a float64: errorRate and successRate in [0, 1], requestCount and errorCount, p50/p90/p99 in
 * milliseconds. With no request in the window every metric but the counts is nil (a condition on it is an Error
 * measurement, "no data"): no traffic is not evidence of health. Require traffic explicitly with a second
 * metric on `requestCount`.
 */

// The settings' schema is the manifest's (src/api), so the two cannot drift apart.
export { ROUTER_METRICS, RouterProviderConfigSchema } from '../../api/index.js';
export type { RouterMetricName, RouterProviderConfig } from '../../api/index.js';

export const DEFAULT_ROUTER_WINDOW = '30s';
const DEFAULT_TIMEOUT_SECONDS = 5;

export interface RouterProviderOptions {
  /** Used when a metric sets no address (e.g. env KANARY_ROUTER_URL). */
  defaultAddress?: string;
}

/** Turns a zod failure into "field x: reason" for the measurement message. */
export function configProblem(provider: string, error: z.ZodError): string {
  const issues = error.issues.map((i) => `${[provider, ...i.path.map(String)].join('.')}: ${i.message}`);
  return `invalid ${provider} provider settings (${issues.join('; ')})`;
}

/** The base URL to call, or the reason there is none. */
export function routerAddressOf(
  configured: string | undefined,
  fallback: string | undefined,
): { ok: true; url: string } | { ok: false; error: string } {
  const address = configured ?? fallback;
  if (address === undefined || address === '') {
    return {
      ok: false,
      error:
        'router address is not set: set provider.router.address or env KANARY_ROUTER_URL (e.g. http://127.0.0.1:7181)',
    };
  }
  try {
    const url = new URL(address);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '') return { ok: true, url: address };
  } catch {
    // fall through
  }
  return { ok: false, error: `router address ${JSON.stringify(address)} is not a URL such as http://127.0.0.1:7181` };
}

/** Fetches JSON from the router; failures come back as words naming the address. */
export async function routerGet(
  base: string,
  path: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ ok: true; json: unknown } | { ok: false; error: string }> {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`).toString();
  const outcome = await httpRequest({ url, method: 'GET', timeoutMs, ...(signal === undefined ? {} : { signal }) });
  if (!outcome.ok) return { ok: false, error: `router at ${base} is unreachable: ${outcome.cause}` };
  if (outcome.status !== 200) {
    const snippet = outcome.body.trim().slice(0, 200);
    return { ok: false, error: `router at ${base} answered HTTP ${outcome.status} to GET ${path}: ${snippet}` };
  }
  try {
    return { ok: true, json: JSON.parse(outcome.body) as unknown };
  } catch {
    return { ok: false, error: `router at ${base} answered something that is not JSON to GET ${path}` };
  }
}

const EMPTY: WindowStats = { requests: 0, errors: 0, errorRate: 0, p50: null, p90: null, p99: null };

/** The metric's value from window stats: null when it is undefined for lack of traffic. */
export function routerValue(stats: WindowStats, metric: RouterMetricName): number | null {
  const ms = (seconds: number | null): number | null => (seconds === null ? null : seconds * 1000);
  switch (metric) {
    case 'requestCount':
      return stats.requests;
    case 'errorCount':
      return stats.errors;
    case 'errorRate':
      return stats.requests === 0 ? null : stats.errors / stats.requests;
    case 'successRate':
      return stats.requests === 0 ? null : 1 - stats.errors / stats.requests;
    case 'p50':
      return ms(stats.p50);
    case 'p90':
      return ms(stats.p90);
    case 'p99':
      return ms(stats.p99);
  }
}

export class RouterProvider implements MetricProvider {
  readonly type = 'router';
  readonly #options: RouterProviderOptions;

  constructor(options: RouterProviderOptions = {}) {
    this.#options = options;
  }

  async run(run: AnalysisRun, metric: Metric, ctx: ProviderContext): Promise<Measurement> {
    const started = ctx.now();
    const fail = (message: string): Measurement => errorMeasurement(started, ctx.now(), message);
    const parsed = RouterProviderConfigSchema.safeParse(metric.provider.router);
    if (!parsed.success) return fail(configProblem('router', parsed.error));
    const config = parsed.data;
    const address = routerAddressOf(config.address, this.#options.defaultAddress);
    if (!address.ok) return fail(address.error);
    const window = config.window ?? DEFAULT_ROUTER_WINDOW;
    if (parseWindow(window) === undefined) {
      return fail(`router.window ${JSON.stringify(window)} is not a duration such as 30s, 5m or 1h`);
    }
    const service = `${config.namespace ?? run.metadata.namespace ?? 'default'}/${config.service}`;
    const query = new URLSearchParams({ service, window });
    const answer = await routerGet(
      address.url,
      `_kanary/stats?${query.toString()}`,
      (config.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      ctx.signal,
    );
    if (!answer.ok) return fail(answer.error);
    const stats = answer.json as Partial<ServiceStats>;
    if (typeof stats.total?.requests !== 'number') {
      return fail(`router at ${address.url} answered window stats without totals for ${service}`);
    }
    const selected = config.revision === undefined ? stats.total : (stats.revisions?.[config.revision] ?? EMPTY);
    const value = routerValue(selected, config.metric);
    const metadata = { service, window: `${stats.windowSeconds ?? '?'}s`, requests: String(selected.requests) };
    return assessedMeasurement(
      value,
      value === null ? 'null' : String(value),
      metric,
      'router',
      started,
      ctx.now(),
      metadata,
    );
  }

  /** All the work happens in `run`. */
  resume(_run: AnalysisRun, _metric: Metric, measurement: Measurement): Promise<Measurement> {
    return Promise.resolve(measurement);
  }

  terminate(_run: AnalysisRun, _metric: Metric, measurement: Measurement): Promise<Measurement> {
    return Promise.resolve(measurement);
  }
}
