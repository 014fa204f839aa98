/**
 * The condition language: an expr-lang (v1.17) compatible subset for Argo Rollouts `successCondition` and
 * `failureCondition`. See docs/conditions.md.
 */
export { compile, run, evalCondition, checkCondition, type Program } from './program.js';
export { ExprError, isExprError, positionOf, type ExprErrorKind, type SourcePosition } from './errors.js';
export type { TypeEnv, FunctionDef, Values } from './env.js';
export { T, typeName, typeOfValue, type Type } from './types.js';
export { fromJson, toJson, tagArray, goTypeName, goFormat, goFloatString, type Value, type GoMap } from './values.js';
export { ARGO_FUNCTIONS, argoTypeEnv, typeEnvForResult, isNilOrEmpty } from './argo.js';
export {
  PROVIDER_KINDS,
  isProviderKind,
  resultTypesFor,
  typeEnvsFor,
  typeEnvFor,
  resultFromJson,
  normalizeResult,
  type ProviderKind,
  type ConditionContext,
  type Conversion,
} from './providers.js';
export { substituteArgs, argReferences, maskPlaceholders } from './substitute.js';
export type { Node } from './ast.js';
