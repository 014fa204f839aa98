import { truncToInt } from './builtins.js';
import { lookupValue, type FunctionDef, type TypeEnv } from './env.js';
import { fail } from './errors.js';
import { parseGoFloat, parseGoInt } from './goparse.js';
import { T, typeOfValue, type Type } from './types.js';
import { goFormat, goTypeName, type Value } from './values.js';

/**
 * Argo Rollouts' condition environment (`utils/evaluate/evaluate.go`): `result` plus six helper functions, with
 * Argo's quirks kept: `isNil(x)` and `default(x, d)` ignore `x` and look at the whole measurement result.
 */
function resultOf(values: Parameters<FunctionDef['call']>[2]): Value {
  return lookupValue(values, 'result') ?? null;
}

function notSupported(name: string, v: Value, offset: number): never {
  return fail('runtime', `${name}() not supported on ${goTypeName(v)} ${goFormat(v)}`, offset);
}

const asInt: FunctionDef = {
  params: [T.unknown],
  result: T.int64,
  call: ([v = null], offset) => {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number') return truncToInt(v);
    if (typeof v === 'string') {
      const parsed = parseGoInt(v);
      return parsed.ok ? parsed.value : fail('runtime', parsed.error, offset);
    }
    return notSupported('asInt', v, offset);
  },
};

const asFloat: FunctionDef = {
  params: [T.unknown],
  result: T.float,
  call: ([v = null], offset) => {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'string') {
      const parsed = parseGoFloat(v);
      return parsed.ok ? parsed.value : fail('runtime', parsed.error, offset);
    }
    return notSupported('asFloat', v, offset);
  },
};

const isNaNFn: FunctionDef = {
  params: [T.float],
  result: T.bool,
  call: ([v = null]) => typeof v === 'number' && Number.isNaN(v),
};

const isInfFn: FunctionDef = {
  params: [T.float],
  result: T.bool,
  call: ([v = null]) => v === Infinity || v === -Infinity,
};

const isNil: FunctionDef = {
  params: [T.unknown],
  result: T.bool,
  call: (_args, _offset, values) => resultOf(values) === null,
};

const defaultFn: FunctionDef = {
  params: [T.unknown, T.unknown],
  result: T.unknown,
  call: ([, fallback = null], _offset, values) => {
    const result = resultOf(values);
    return result === null ? fallback : result;
  },
};

export const ARGO_FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map([
  ['asInt', asInt],
  ['asFloat', asFloat],
  ['isNaN', isNaNFn],
  ['isInf', isInfFn],
  ['isNil', isNil],
  ['default', defaultFn],
]);

/** Argo's environment with `result` of the given static type. */
export function argoTypeEnv(resultType: Type, extraVariables: Iterable<readonly [string, Type]> = []): TypeEnv {
  return { variables: new Map([['result', resultType], ...extraVariables]), functions: ARGO_FUNCTIONS };
}

/** Argo's environment for a concrete result: the static type is the value's Go type, as `expr.Env(env)` does. */
export function typeEnvForResult(result: Value): TypeEnv {
  return argoTypeEnv(typeOfValue(result));
}

/** Argo's isNilOrEmpty (used to choose the error wording): nil, or an empty slice. */
export function isNilOrEmpty(result: Value): boolean {
  return result === null || (Array.isArray(result) && result.length === 0);
}
