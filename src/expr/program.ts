import { argoTypeEnv, typeEnvForResult } from './argo.js';
import type { Node } from './ast.js';
import { check } from './checker.js';
import type { TypeEnv, Values } from './env.js';
import { ExprError, positionOf, toExprError } from './errors.js';
import { evaluate } from './evaluator.js';
import { parse } from './parser.js';
import { resultTypesFor, type ConditionContext } from './providers.js';
import { maskPlaceholders } from './substitute.js';
import { T, type Type } from './types.js';
import { goTypeName, type Value } from './values.js';

/**
 * The public entry points of the condition language. None of them throws: every failure comes back as an
 * ExprError value (an exception from inside the engine that is not an ExprError comes back as kind `internal`).
 */
export interface Program {
  readonly source: string;
  readonly ast: Node;
  readonly env: TypeEnv;
  /** The static type of the whole expression (`unknown` when only known at run time). */
  readonly type: Type;
}

/** Parses and type-checks `source` against `env`, as `expr.Compile(source, expr.Env(env))` does. */
export function compile(source: string, env: TypeEnv): Program | ExprError {
  try {
    const ast = parse(source);
    const type = check(ast, env);
    return { source, ast, env, type };
  } catch (err) {
    return toExprError(source, err);
  }
}

/** Runs a compiled program with values for its variables; the value may be of any type. */
export function run(program: Program, values: Values): Value | ExprError {
  try {
    return evaluate(program.ast, program.env, values);
  } catch (err) {
    return toExprError(program.source, err);
  }
}

/**
 * Argo's EvalCondition: compiles against the Go type of `result`, runs, and requires exactly a boolean
 * (`expected bool, but got int`).
 */
export function evalCondition(result: Value, condition: string): boolean | ExprError {
  const program = compile(condition, typeEnvForResult(result));
  if (program instanceof ExprError) return program;
  const output = run(program, { result });
  if (output instanceof ExprError) return output;
  if (typeof output !== 'boolean') {
    return new ExprError('runtime', `expected bool, but got ${goTypeName(output)}`, positionOf(condition, 0));
  }
  return output;
}

/**
 * Static diagnostics for a condition as written in a template, for `kanary lint`: syntax errors, unknown names,
 * unsupported constructs, and type errors that occur whatever the provider returns. `{{args.x}}` placeholders
 * are treated as values of unknown type. Positions are within `source`.
 */
export function checkCondition(source: string, context: ConditionContext): ExprError[] {
  const masked = maskPlaceholders(source);
  const extra = masked.names.map((n) => [n, T.unknown] as const);
  let first: ExprError | null = null;
  for (const resultType of resultTypesFor(context)) {
    const program = compile(masked.text, argoTypeEnv(resultType, extra));
    if (!(program instanceof ExprError)) return [];
    first ??= program;
    if (program.kind === 'syntax' || program.kind === 'unsupported') break;
  }
  return first === null ? [] : [new ExprError(first.kind, first.message, positionOf(source, first.offset))];
}
