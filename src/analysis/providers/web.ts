import { query, type JsonValue } from 'jsonpath-rfc9535';
import type { AnalysisRun, Measurement, Metric } from '../../api/index.js';
import { DEFAULT_WEB_JSON_PATH, DEFAULT_WEB_METHOD, DEFAULT_WEB_TIMEOUT_SECONDS } from '../../api/index.js';
import { headerRecord, httpRequest } from './http.js';
import { assessedJsonMeasurement, errorMeasurement } from './measurement.js';
import type { MetricProvider, ProviderContext } from './types.js';

/**
 * Argo's web provider: one HTTP request; a non-2xx answer is an Error; a JSON body is narrowed by `jsonPath` (the
 * first match, with its JSON type, is `result`, re-marshalled as the value); a body that is not JSON is `result` as a
 * string. JSONPath is evaluated by an RFC 9535 library that never evaluates code; the Kubernetes template braces
 * (`{$.data.ok}`) are stripped first and `.data` means `$.data`.
 */

/** `{$.data.ok}` -> `$.data.ok`; `{.data}` -> `$.data`; `{$}` -> `$`. */
export function toRfc9535(jsonPath: string): string {
  let p = jsonPath.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (p === '' || p === '$') return '$';
  if (p.startsWith('.') || p.startsWith('[')) p = `$${p}`;
  return p;
}

export class WebProvider implements MetricProvider {
  readonly type = 'web';

  async run(_run: AnalysisRun, metric: Metric, ctx: ProviderContext): Promise<Measurement> {
    const started = ctx.now();
    const config = metric.provider.web;
    if (config === undefined)
      return errorMeasurement(started, ctx.now(), `metric "${metric.name}" has no web provider`);
    const fail = (message: string): Measurement => errorMeasurement(started, ctx.now(), message);
    const method = config.method ?? DEFAULT_WEB_METHOD;
    const headers = headerRecord(config.headers);
    let body: string | undefined;
    if (config.jsonBody !== undefined) {
      body = JSON.stringify(config.jsonBody);
      headers['Content-Type'] = 'application/json';
    } else if (config.body !== undefined && config.body !== '') {
      body = config.body;
    }
    const timeoutMs = (config.timeoutSeconds ?? DEFAULT_WEB_TIMEOUT_SECONDS) * 1000;
    const outcome = await httpRequest({
      url: config.url,
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      timeoutMs,
      ...(config.insecure === undefined ? {} : { insecure: config.insecure }),
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    });
    if (!outcome.ok) return fail(`${method} ${config.url} failed: ${outcome.cause}`);
    if (outcome.status < 200 || outcome.status > 299) {
      return fail(`received non 2xx response code: ${outcome.status}`);
    }
    let json: JsonValue;
    try {
      json = JSON.parse(outcome.body) as JsonValue;
    } catch {
      // Not JSON: the body itself is the result.
      return assessedJsonMeasurement(outcome.body, outcome.body, metric, 'web', started, ctx.now());
    }
    const path = config.jsonPath ?? DEFAULT_WEB_JSON_PATH;
    let matches: JsonValue[];
    try {
      matches = query(json, toRfc9535(path));
    } catch (err) {
      return fail(`jsonPath ${JSON.stringify(path)} is not valid: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (matches.length === 0)
      return fail(`jsonPath ${JSON.stringify(path)} matched nothing in the response of ${config.url}`);
    const first = matches[0] ?? null;
    return assessedJsonMeasurement(first, JSON.stringify(first), metric, 'web', started, ctx.now());
  }

  resume(_run: AnalysisRun, _metric: Metric, measurement: Measurement): Promise<Measurement> {
    return Promise.resolve(measurement);
  }

  terminate(_run: AnalysisRun, _metric: Metric, measurement: Measurement): Promise<Measurement> {
    return Promise.resolve(measurement);
  }
}
