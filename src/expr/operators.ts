import { fail } from './errors.js';
import { compileRegex } from './regex.js';
import { arrayTypeName, goFormat, goInt, goTypeName, isArray, isMap, mapGet, tagArray, type Value } from './values.js';

/**
 * The run-time semantics of expr-lang's operators on Kanary values (`vm/runtime`): numbers compare across
 * int/float by value, nothing else is coerced, and a type mismatch is an error, never a silent false.
 */

/** The largest collection a single operation may build (expr's memory budget). */
export const MEMORY_BUDGET = 1_000_000;

const typeOf = goTypeName;

export function interfaceConversion(v: Value, want: string, offset: number): never {
  const got = v === null ? 'nil' : typeOf(v);
  return fail('runtime', `interface conversion: interface {} is ${got}, not ${want}`, offset);
}

/** expr's `Equal`: numbers by value, strings and bools with their own kind, arrays element-wise, else deep. */
export function equal(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (isNumeric(a) && isNumeric(b)) return numericEqual(a, b);
  if (isArray(a) && isArray(b)) {
    const generic = arrayTypeName(a) === '[]interface {}' || arrayTypeName(b) === '[]interface {}';
    if (!generic && arrayTypeName(a) !== arrayTypeName(b)) return false;
    return a.length === b.length && a.every((x, i) => equal(x, b[i] ?? null));
  }
  return deepEqual(a, b);
}

/** Go's reflect.DeepEqual: identical types all the way down. */
function deepEqual(a: Value, b: Value): boolean {
  if (typeOf(a) !== typeOf(b)) return false;
  if (isArray(a) && isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i] ?? null));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => {
      const other = mapGet(b, k);
      return other !== undefined && deepEqual(a[k] ?? null, other);
    });
  }
  return a === b;
}

function isNumeric(v: Value): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

function numericEqual(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
  return Number(a) === Number(b);
}

/** Orders two code-point strings as Go compares strings (byte-wise UTF-8, which is code-point order). */
function compareStrings(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
}

export function compare(op: string, a: Value, b: Value, offset: number): boolean {
  let d: number;
  if (isNumeric(a) && isNumeric(b)) d = compareNumbers(a, b);
  else if (typeof a === 'string' && typeof b === 'string') d = compareStrings(a, b);
  else return fail('runtime', `invalid operation: ${typeOf(a)} ${op} ${typeOf(b)}`, offset);
  switch (op) {
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    default:
      return d >= 0;
  }
}

function mismatch(op: string, a: Value, b: Value, offset: number): never {
  return fail('runtime', `invalid operation: ${typeOf(a)} ${op} ${typeOf(b)}`, offset);
}

function arithmetic(op: string, a: Value, b: Value, offset: number): Value {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (op === '+') return goInt(a + b);
    if (op === '-') return goInt(a - b);
    return goInt(a * b);
  }
  if (isNumeric(a) && isNumeric(b)) {
    const x = Number(a);
    const y = Number(b);
    if (op === '+') return x + y;
    if (op === '-') return x - y;
    return x * y;
  }
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  return mismatch(op, a, b, offset);
}

/** Go's math.Pow differs from `**` in two corner cases. */
export function goPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
  return x ** y;
}

function modulo(a: Value, b: Value, offset: number): Value {
  if (typeof a !== 'bigint' || typeof b !== 'bigint') return mismatch('%', a, b, offset);
  if (b === 0n) return fail('runtime', 'integer divide by zero', offset);
  return goInt(a % b);
}

function membership(needle: Value, haystack: Value, offset: number): boolean {
  if (haystack === null) return false;
  if (isArray(haystack)) return haystack.some((x) => equal(x, needle));
  if (isMap(haystack)) {
    if (needle === null) return mapGet(haystack, '') !== undefined;
    if (typeof needle !== 'string') {
      return fail(
        'runtime',
        `reflect.Value.MapIndex: value of type ${typeOf(needle)} is not assignable to type string`,
        offset,
      );
    }
    return mapGet(haystack, needle) !== undefined;
  }
  return fail('runtime', `operator "in" not defined on ${typeOf(haystack)}`, offset);
}

function stringOp(op: string, a: Value, b: Value, offset: number): boolean {
  if (typeof a !== 'string') return interfaceConversion(a, 'string', offset);
  if (typeof b !== 'string') return interfaceConversion(b, 'string', offset);
  switch (op) {
    case 'contains':
      return a.includes(b);
    case 'startsWith':
      return a.startsWith(b);
    case 'endsWith':
      return a.endsWith(b);
    default:
      return compileRegex(b, offset, 'runtime').test(a);
  }
}

export function makeRange(a: Value, b: Value, offset: number): Value {
  if (typeof a !== 'bigint' || typeof b !== 'bigint') return mismatch('..', a, b, offset);
  const size = b - a + 1n;
  if (size <= 0n) return tagArray([], '[]int');
  if (size > BigInt(MEMORY_BUDGET)) return fail('runtime', 'memory budget exceeded', offset);
  const out: bigint[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return tagArray(out, '[]int');
}

type BinaryFn = (a: Value, b: Value, offset: number, op: string) => Value;

const numeric =
  (fn: (x: number, y: number) => number): BinaryFn =>
  (a, b, offset, op) =>
    isNumeric(a) && isNumeric(b) ? fn(Number(a), Number(b)) : mismatch(op, a, b, offset);

const BINARY: Readonly<Record<string, BinaryFn>> = {
  '==': (a, b) => equal(a, b),
  '!=': (a, b) => !equal(a, b),
  '<': (a, b, offset, op) => compare(op, a, b, offset),
  '<=': (a, b, offset, op) => compare(op, a, b, offset),
  '>': (a, b, offset, op) => compare(op, a, b, offset),
  '>=': (a, b, offset, op) => compare(op, a, b, offset),
  '+': (a, b, offset, op) => arithmetic(op, a, b, offset),
  '-': (a, b, offset, op) => arithmetic(op, a, b, offset),
  '*': (a, b, offset, op) => arithmetic(op, a, b, offset),
  '/': numeric((x, y) => x / y),
  '%': (a, b, offset) => modulo(a, b, offset),
  '**': numeric(goPow),
  '^': numeric(goPow),
  in: (a, b, offset) => membership(a, b, offset),
  contains: (a, b, offset, op) => stringOp(op, a, b, offset),
  startsWith: (a, b, offset, op) => stringOp(op, a, b, offset),
  endsWith: (a, b, offset, op) => stringOp(op, a, b, offset),
  matches: (a, b, offset, op) => stringOp(op, a, b, offset),
  '..': (a, b, offset) => makeRange(a, b, offset),
};

/** Every binary operator except the short-circuit ones (`&&`, `||`, `??`), which the evaluator handles. */
export function binary(op: string, a: Value, b: Value, offset: number): Value {
  const fn = Object.prototype.hasOwnProperty.call(BINARY, op) ? BINARY[op] : undefined;
  if (fn === undefined) return fail('unsupported', `operator ${op} is not supported`, offset);
  return fn(a, b, offset, op);
}

export function unary(op: string, v: Value, offset: number): Value {
  if (op === '!' || op === 'not') return typeof v === 'boolean' ? !v : interfaceConversion(v, 'bool', offset);
  if (typeof v === 'bigint') return op === '-' ? goInt(-v) : v;
  if (typeof v === 'number') return op === '-' ? -v : v;
  return fail('runtime', `invalid operation: ${op} ${typeOf(v)}`, offset);
}

/** Go's `%v` of an index or key inside `cannot fetch` messages. */
export const formatKey = goFormat;
