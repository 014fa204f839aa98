import { fail } from './errors.js';
import { parseGoFloat, parseGoInt } from './goparse.js';
import { compare } from './operators.js';
import { isUnknown, isNumberType, T, typeName, type Type } from './types.js';
import { goInt, goTypeName, isArray, isMap, type Value } from './values.js';

/**
 * expr-lang's plain builtins (those that take values, not predicates) that Kanary supports, each with its
 * compile-time rule and its run-time behaviour. Predicate builtins (`all`, `filter`, ...) live in the evaluator
 * because they run closures.
 */
export interface Builtin {
  readonly minArgs: number;
  readonly maxArgs: number;
  check(args: readonly Type[], offset: number): Type;
  run(args: readonly Value[], offset: number): Value;
}

/** expr builtins that exist but are not implemented here: calling one is a clear "not supported" error. */
export const UNSUPPORTED_BUILTINS = new Set([
  'string',
  'trim',
  'trimPrefix',
  'trimSuffix',
  'upper',
  'lower',
  'split',
  'splitAfter',
  'replace',
  'repeat',
  'join',
  'indexOf',
  'lastIndexOf',
  'hasPrefix',
  'hasSuffix',
  'first',
  'last',
  'get',
  'toJSON',
  'fromJSON',
  'toBase64',
  'fromBase64',
  'now',
  'duration',
  'date',
  'timezone',
  'keys',
  'values',
  'toPairs',
  'fromPairs',
  'sort',
  'take',
  'type',
  'bitand',
  'bitor',
  'bitxor',
  'bitnand',
  'bitnot',
  'bitshl',
  'bitshr',
  'bitushr',
  'concat',
  'reverse',
  'uniq',
  'flatten',
]);

const INT64_MIN = -(2n ** 63n);

function invalidArgument(name: string, type: string, offset: number): never {
  return fail('runtime', `invalid argument for ${name} (type ${type})`, offset);
}

function checkOne(name: string, accept: (t: Type) => boolean, result: (t: Type) => Type): Builtin['check'] {
  return (args, offset) => {
    const t = args[0] ?? T.unknown;
    if (isUnknown(t)) return result(t);
    if (!accept(t)) fail('type', `invalid argument for ${name} (type ${typeName(t)})`, offset);
    return result(t);
  };
}

/** Go's int64(f) conversion on amd64: truncation, and the minimum int64 for NaN, Inf and overflow. */
export function truncToInt(f: number): bigint {
  if (!Number.isFinite(f) || Math.abs(f) >= 2 ** 63) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

function toFloat(name: string, v: Value, offset: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return invalidArgument(name, goTypeName(v), offset);
}

function roundHalfAway(f: number): number {
  if (!Number.isFinite(f)) return f;
  const r = Math.sign(f) * Math.round(Math.abs(f));
  return Object.is(r, -0) || r === 0 ? (f < 0 ? -0 : 0) : r;
}

const rounding = (name: string, fn: (f: number) => number): Builtin => ({
  minArgs: 1,
  maxArgs: 1,
  check: checkOne(name, isNumberType, () => T.float),
  run: ([v = null], offset) => fn(toFloat(name, v, offset)),
});

/** Flattens the arguments of max/min/mean/median into numbers, as expr does for arrays. */
function numbersOf(name: string, args: readonly Value[], offset: number): (number | bigint)[] {
  const out: (number | bigint)[] = [];
  const visit = (v: Value, depth: number): void => {
    if (typeof v === 'number' || typeof v === 'bigint') out.push(v);
    else if (isArray(v) && depth < 32) v.forEach((x) => visit(x, depth + 1));
    else invalidArgument(name, goTypeName(v), offset);
  };
  args.forEach((a) => visit(a, 0));
  return out;
}

function checkNumbersOrArrays(name: string, resultOf: (elem: Type) => Type): Builtin['check'] {
  return (args, offset) => {
    let elem: Type | null = null;
    for (const t of args) {
      const item = t.kind === 'array' ? t.elem : t;
      if (!isUnknown(item) && !isNumberType(item)) {
        fail('type', `invalid argument for ${name} (type ${typeName(t)})`, offset);
      }
      elem = elem === null || typeName(elem) === typeName(item) ? item : T.unknown;
    }
    return resultOf(elem ?? T.unknown);
  };
}

const extreme = (name: string, wantGreater: boolean): Builtin => ({
  minArgs: 1,
  maxArgs: Infinity,
  check: checkNumbersOrArrays(name, (elem) => elem),
  run: (args, offset) => {
    let best: number | bigint | null = null;
    for (const x of numbersOf(name, args, offset)) {
      if (best === null || compare(wantGreater ? '<' : '>', best, x, offset)) best = x;
    }
    return best;
  },
});

function mean(values: readonly (number | bigint)[]): number {
  if (values.length === 0) return 0;
  return values.reduce<number>((s, x) => s + Number(x), 0) / values.length;
}

function median(values: readonly (number | bigint)[]): number {
  if (values.length === 0) return 0;
  const sorted = values.map(Number).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] ?? 0;
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function toIntValue(v: Value, offset: number): Value {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return truncToInt(v);
  if (typeof v === 'string') {
    const parsed = parseGoInt(v, 'Atoi');
    return parsed.ok ? parsed.value : fail('runtime', parsed.error, offset);
  }
  return fail('runtime', `invalid operation: int(${goTypeName(v)})`, offset);
}

function toFloatValue(v: Value, offset: number): Value {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const parsed = parseGoFloat(v);
    return parsed.ok ? parsed.value : fail('runtime', parsed.error, offset);
  }
  return fail('runtime', `invalid operation: float(${goTypeName(v)})`, offset);
}

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  [
    'len',
    {
      minArgs: 1,
      maxArgs: 1,
      check: checkOne(
        'len',
        (t) => ['array', 'map', 'string'].includes(t.kind),
        () => T.int,
      ),
      run: ([v = null], offset) => {
        if (typeof v === 'string') return BigInt(Array.from(v).length);
        if (isArray(v)) return BigInt(v.length);
        if (isMap(v)) return BigInt(Object.keys(v).length);
        return invalidArgument('len', goTypeName(v), offset);
      },
    },
  ],
  [
    'abs',
    {
      minArgs: 1,
      maxArgs: 1,
      check: checkOne('abs', isNumberType, (t) => t),
      run: ([v = null], offset) => {
        if (typeof v === 'bigint') return goInt(v < 0n ? -v : v);
        if (typeof v === 'number') return Math.abs(v);
        return invalidArgument('abs', goTypeName(v), offset);
      },
    },
  ],
  [
    'int',
    {
      minArgs: 1,
      maxArgs: 1,
      check: checkOne(
        'int',
        (t) => isNumberType(t) || t.kind === 'string',
        () => T.int,
      ),
      run: ([v = null], offset) => toIntValue(v, offset),
    },
  ],
  [
    'float',
    {
      minArgs: 1,
      maxArgs: 1,
      check: checkOne(
        'float',
        (t) => isNumberType(t) || t.kind === 'string',
        () => T.float,
      ),
      run: ([v = null], offset) => toFloatValue(v, offset),
    },
  ],
  ['round', rounding('round', roundHalfAway)],
  ['floor', rounding('floor', Math.floor)],
  ['ceil', rounding('ceil', Math.ceil)],
  ['max', extreme('max', true)],
  ['min', extreme('min', false)],
  [
    'mean',
    {
      minArgs: 1,
      maxArgs: Infinity,
      check: checkNumbersOrArrays('mean', () => T.float),
      run: (args, offset) => mean(numbersOf('mean', args, offset)),
    },
  ],
  [
    'median',
    {
      minArgs: 1,
      maxArgs: Infinity,
      check: checkNumbersOrArrays('median', () => T.float),
      run: (args, offset) => median(numbersOf('median', args, offset)),
    },
  ],
]);
