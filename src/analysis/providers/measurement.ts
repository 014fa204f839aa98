import type { Measurement, Metric } from '../../api/index.js';
import { evaluateJsonResult, evaluateResult } from '../evaluate.js';
import type { ProviderKind, Value } from '../../expr/index.js';

/** Small builders shared by providers: every measurement gets its times from the injected clock. */

export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

/** Argo's MarkMeasurementError: phase Error, the cause as message, no value. */
export function errorMeasurement(
  startedAt: number,
  finishedAt: number,
  message: string,
  base: Partial<Measurement> = {},
): Measurement {
  return { ...base, phase: 'Error', message, startedAt: isoAt(startedAt), finishedAt: isoAt(finishedAt) };
}

/**
 * A completed measurement whose phase comes from the metric's conditions over an in-memory result. Positional
 * parameters: the router and judge providers call it this way.
 */
// eslint-disable-next-line max-params -- a stable positional signature shared by every provider
export function assessedMeasurement(
  result: Value,
  value: string,
  metric: Metric,
  kind: ProviderKind,
  startedAt: number,
  finishedAt: number,
  metadata?: Record<string, string>,
): Measurement {
  const assessment = evaluateResult(result, metric, kind);
  const m: Measurement = { phase: assessment.phase, value, startedAt: isoAt(startedAt), finishedAt: isoAt(finishedAt) };
  if (assessment.message !== undefined) m.message = assessment.message;
  if (metadata !== undefined && Object.keys(metadata).length > 0) m.metadata = metadata;
  return m;
}

/** The same from decoded JSON (web, job). */
// eslint-disable-next-line max-params -- the same positional signature as assessedMeasurement
export function assessedJsonMeasurement(
  json: unknown,
  value: string,
  metric: Metric,
  kind: ProviderKind,
  startedAt: number,
  finishedAt: number,
): Measurement {
  const assessment = evaluateJsonResult(json, metric, kind);
  const m: Measurement = { phase: assessment.phase, value, startedAt: isoAt(startedAt), finishedAt: isoAt(finishedAt) };
  if (assessment.message !== undefined) m.message = assessment.message;
  return m;
}

/** A network failure as words: `connect ECONNREFUSED 127.0.0.1:9090`, `timed out after 30s`, ... */
export function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return `timed out after ${timeoutMs / 1000}s`;
    if (err.name === 'AbortError') return 'aborted';
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error) {
      if (cause.name === 'TimeoutError') return `timed out after ${timeoutMs / 1000}s`;
      const code = (cause as { code?: string }).code;
      return code !== undefined && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
    }
    return err.message;
  }
  return String(err);
}
