import type { Type } from './types.js';
import type { Value } from './values.js';

/**
 * What a condition may name: variables with their static types (for the checker), and functions with their
 * signatures and implementations. Argo's environment (`result`, `asInt`, ...) is one instance, built in
 * `argo.ts`.
 */
export interface FunctionDef {
  /** Parameter types; `unknown` accepts anything (Go's `interface {}`). */
  readonly params: readonly Type[];
  readonly result: Type;
  /**
   * Receives arguments already checked for count, the offset of the call (for errors) and all variable values
   * (Argo's isNil and default look at `result` whatever their argument). Fails via `fail` on bad input.
   */
  readonly call: (args: readonly Value[], offset: number, values: Values) => Value;
}

export interface TypeEnv {
  readonly variables: ReadonlyMap<string, Type>;
  readonly functions: ReadonlyMap<string, FunctionDef>;
}

/** Values for the variables of a TypeEnv, by name. */
export type Values = ReadonlyMap<string, Value> | Readonly<Record<string, Value>>;

export function lookupValue(values: Values, name: string): Value | undefined {
  if (values instanceof Map) return (values as ReadonlyMap<string, Value>).get(name);
  const record = values as Readonly<Record<string, Value>>;
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}
