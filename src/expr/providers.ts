import { argoTypeEnv } from './argo.js';
import type { TypeEnv } from './env.js';
import { parseGoFloat } from './goparse.js';
import { T, type Type } from './types.js';
import { fromJson, isArray, isMap, tagArray, type Value } from './values.js';

/**
 * What `result` looks like for each metric provider (expr.md §2.3), both as a static type (for `kanary lint`,
 * which has no measurement) and as a conversion from JSON (for `kanary evaluate` and tests).
 */
export const PROVIDER_KINDS = ['prometheus', 'web', 'datadog', 'newrelic', 'job', 'router', 'judge'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** A provider kind, or a Prometheus result shape when it is known. */
export type ConditionContext = ProviderKind | 'prometheus-scalar' | 'prometheus-vector';

export function isProviderKind(x: string): x is ProviderKind {
  return (PROVIDER_KINDS as readonly string[]).includes(x);
}

/**
 * The static types `result` may have for a provider, most common first. Lint reports an error only when a
 * condition fails against every one of them (a Prometheus query may return a vector or a scalar).
 */
export function resultTypesFor(context: ConditionContext): readonly Type[] {
  switch (context) {
    case 'prometheus':
      return [T.arrayOf(T.float), T.float];
    case 'prometheus-vector':
      return [T.arrayOf(T.float)];
    case 'prometheus-scalar':
      return [T.float];
    case 'datadog':
      return [T.float, T.arrayOf(T.float)];
    case 'newrelic':
      return [T.mapOf(T.unknown), T.arrayOf(T.mapOf(T.unknown))];
    case 'web':
    case 'job':
    case 'router':
    case 'judge':
      return [T.unknown];
  }
}

/** Type environments for a provider, one per possible result type (see resultTypesFor). */
export function typeEnvsFor(context: ConditionContext): TypeEnv[] {
  return resultTypesFor(context).map((t) => argoTypeEnv(t));
}

/** The type environment for the most common result of a provider (a Prometheus vector, a Datadog float, ...). */
export function typeEnvFor(context: ConditionContext): TypeEnv {
  return argoTypeEnv(resultTypesFor(context)[0] ?? T.unknown);
}

export type Conversion = { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly error: string };

/** A Prometheus sample value: a JSON number, or the string form Prometheus' API uses (`"NaN"`, `"+Inf"`, `"0.5"`). */
function sampleValue(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  if (typeof x !== 'string') return undefined;
  const parsed = parseGoFloat(x);
  return parsed.ok ? parsed.value : undefined;
}

function floatSlice(json: readonly unknown[]): Value | undefined {
  const values = json.map(sampleValue);
  if (values.some((v) => v === undefined)) return undefined;
  return tagArray(values as number[], '[]float64');
}

/**
 * Turns decoded JSON into the Go value the provider would hand to Argo's evaluator:
 * prometheus: number -> float64, array of numbers -> `[]float64` (never nil);
 * datadog: null -> nil, number -> float64, array -> `[]float64`;
 * newrelic: object -> map, array of objects -> `[]map`;
 * web, job, router, judge: the JSON as is (numbers are float64, as Go's json package makes them).
 */
export function resultFromJson(json: unknown, kind: ProviderKind): Conversion {
  switch (kind) {
    case 'prometheus':
    case 'datadog':
      return numericResult(json, kind);
    case 'newrelic':
      return newRelicResult(json);
    case 'web':
    case 'job':
    case 'router':
    case 'judge':
      return { ok: true, value: fromJson(json) };
  }
}

function numericResult(json: unknown, kind: 'prometheus' | 'datadog'): Conversion {
  if (json === null && kind === 'datadog') return { ok: true, value: null };
  const scalar = sampleValue(json);
  if (scalar !== undefined) return { ok: true, value: scalar };
  if (Array.isArray(json)) {
    const vector = floatSlice(json);
    if (vector !== undefined) return { ok: true, value: vector };
  }
  const allowed = kind === 'datadog' ? 'null, a number or an array of numbers' : 'a number or an array of numbers';
  return { ok: false, error: `a ${kind} result must be ${allowed}, got ${JSON.stringify(json)}` };
}

function newRelicResult(json: unknown): Conversion {
  const value = fromJson(json);
  if (isMap(value)) return { ok: true, value };
  if (isArray(value) && value.every((row) => isMap(row))) {
    return { ok: true, value: tagArray(value, '[]map[string]interface {}') };
  }
  return {
    ok: false,
    error: `a newrelic result must be an object or an array of objects, got ${JSON.stringify(json)}`,
  };
}

/**
 * Puts an in-memory value into the shape the provider hands to Argo: for prometheus and datadog, numbers are
 * float64 and an array of numbers is a `[]float64`. Values that already have their shape are returned as is.
 */
export function normalizeResult(value: Value, kind: ProviderKind): Value {
  if (kind !== 'prometheus' && kind !== 'datadog') return value;
  if (typeof value === 'bigint') return Number(value);
  if (isArray(value) && value.every((x) => typeof x === 'number' || typeof x === 'bigint')) {
    return tagArray(
      value.map((x) => Number(x)),
      '[]float64',
    );
  }
  return value;
}
