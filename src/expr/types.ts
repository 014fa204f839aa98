import { arrayTypeName, isArray, type Value } from './values.js';

/**
 * Static types, the checker's view of Go types ("natures" in expr-lang). `unknown` is Go's `interface {}`: anything
 * goes at compile time and the check happens at run time. `nil` is the nature of a nil value, which is NOT unknown:
 * most operations on it are compile errors, exactly as in expr.
 */
export type Type =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'nil' }
  | { readonly kind: 'bool' }
  /** `name` is `int64` for what asInt returns; it only changes messages. */
  | { readonly kind: 'int'; readonly name?: string }
  | { readonly kind: 'float' }
  | { readonly kind: 'string' }
  | { readonly kind: 'array'; readonly elem: Type }
  | { readonly kind: 'map'; readonly value: Type };

export const T = {
  unknown: { kind: 'unknown' },
  nil: { kind: 'nil' },
  bool: { kind: 'bool' },
  int: { kind: 'int' },
  int64: { kind: 'int', name: 'int64' },
  float: { kind: 'float' },
  string: { kind: 'string' },
  arrayOf: (elem: Type): Type => ({ kind: 'array', elem }),
  mapOf: (value: Type): Type => ({ kind: 'map', value }),
} as const satisfies Record<string, Type | ((t: Type) => Type)>;

/** Go's spelling of a type, as expr prints it in messages. */
export function typeName(t: Type): string {
  switch (t.kind) {
    case 'unknown':
      return 'interface {}';
    case 'nil':
      return 'nil';
    case 'bool':
      return 'bool';
    case 'int':
      return t.name ?? 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'array':
      return `[]${typeName(t.elem)}`;
    case 'map':
      return `map[string]${typeName(t.value)}`;
  }
}

export const isUnknown = (t: Type): boolean => t.kind === 'unknown';
export const isNumberType = (t: Type): boolean => t.kind === 'int' || t.kind === 'float';

/** The static type expr derives from a Go value put in the environment (its dynamic type). */
export function typeOfValue(v: Value): Type {
  if (v === null) return T.nil;
  if (typeof v === 'boolean') return T.bool;
  if (typeof v === 'number') return T.float;
  if (typeof v === 'bigint') return T.int;
  if (typeof v === 'string') return T.string;
  if (isArray(v)) return arrayTypeFromName(arrayTypeName(v));
  return T.mapOf(T.unknown);
}

function arrayTypeFromName(name: string): Type {
  switch (name) {
    case '[]float64':
      return T.arrayOf(T.float);
    case '[]int':
      return T.arrayOf(T.int);
    case '[]string':
      return T.arrayOf(T.string);
    case '[]map[string]interface {}':
      return T.arrayOf(T.mapOf(T.unknown));
    default:
      return T.arrayOf(T.unknown);
  }
}

export function sameType(a: Type, b: Type): boolean {
  return typeName(a) === typeName(b);
}
