/**
 * The runtime value model: how Go values seen by expr-lang are represented in JavaScript.
 *
 * - Go float64 is a JS `number`; Go int / int64 is a `bigint` kept in the signed 64-bit range. The type tag is
 *   the JS type itself, so `1` (int) and `1.0` (float64) stay distinct as they are in expr.
 * - nil is `null`. A slice is a JS array; a map is a plain object with a null prototype.
 * - An array may carry its Go type name (`[]float64` for a Prometheus vector, `[]int` for a range); untagged
 *   arrays are `[]interface {}`, which is what JSON decoding and array literals give in Go.
 */
export type GoMap = { readonly [key: string]: Value };
export type Value = null | boolean | number | bigint | string | readonly Value[] | GoMap;

const GO_ARRAY_TYPE = Symbol('goArrayType');

type Tagged = { [GO_ARRAY_TYPE]?: string };

/** Marks an array with its Go slice type (for example `[]float64`); returns the same array. */
export function tagArray<T extends readonly Value[]>(array: T, goType: string): T {
  Object.defineProperty(array, GO_ARRAY_TYPE, { value: goType, enumerable: false });
  return array;
}

export function arrayTypeName(array: readonly Value[]): string {
  return (array as Tagged)[GO_ARRAY_TYPE] ?? '[]interface {}';
}

/** A Go int: wraps around at 64 bits like Go's int on a 64-bit machine. */
export function goInt(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

export function isMap(v: Value): v is GoMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isArray(v: Value): v is readonly Value[] {
  return Array.isArray(v);
}

export function isNumber(v: Value): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

export function newMap(entries: Iterable<readonly [string, Value]>): GoMap {
  const map = Object.create(null) as Record<string, Value>;
  for (const [k, v] of entries) map[k] = v;
  return map;
}

/** Reads a map key without ever touching the prototype chain. */
export function mapGet(map: GoMap, key: string): Value | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** Go's `%T` of a value. */
export function goTypeName(v: Value): string {
  if (v === null) return '<nil>';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'string';
  return isArray(v) ? arrayTypeName(v) : 'map[string]interface {}';
}

/** Go's `%v` of a value (used inside error messages). */
export function goFormat(v: Value): string {
  if (v === null) return '<nil>';
  if (typeof v === 'number') return goFloatString(v);
  if (typeof v !== 'object') return String(v);
  if (isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  const entries = Object.keys(v)
    .sort()
    .map((k) => `${k}:${goFormat(v[k] ?? null)}`);
  return `map[${entries.join(' ')}]`;
}

/** Formats a float64 as Go's `%v` does: shortest digits, `%e` form when the exponent is < -4 or >= 6 (as strconv 'g'). */
export function goFloatString(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa = '', expText = '0'] = f.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(f);
}

/** Converts decoded JSON into a Value: numbers become float64, objects maps, arrays `[]interface {}`. */
export function fromJson(json: unknown): Value {
  if (typeof json === 'boolean' || typeof json === 'string' || typeof json === 'number') return json;
  if (typeof json === 'bigint') return Number(json);
  if (Array.isArray(json)) return json.map((x) => fromJson(x));
  if (typeof json === 'object' && json !== null) {
    return newMap(Object.entries(json as Record<string, unknown>).map(([k, v]) => [k, fromJson(v)] as const));
  }
  return null;
}

/** The inverse of fromJson, for printing: ints become numbers, NaN and Inf become strings. */
export function toJson(v: Value): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && !Number.isFinite(v)) return goFloatString(v);
  if (isArray(v)) return v.map(toJson);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}
