/**
 * The resource model: zod schemas (named `...Schema`) with their inferred types (bare names), durations,
 * defaults, validation and YAML loading for the Argo Rollouts kinds and the core kinds Kanary uses.
 */
export * from './meta.js';
export * from './common.js';
export * from './duration.js';
export * from './core.js';
export * from './analysis.js';
export * from './kanary-providers.js';
export * from './rollout.js';
export * from './defaults.js';
export * from './issues.js';
export * from './labels.js';
export * from './validate.js';
export * from './kinds.js';
export * from './source.js';
export * from './load.js';
export * from './lint.js';
export { fieldPathValue, type ArgSources, type IncomingArg } from './analysis-run-args.js';
export { referencedKind, type RunBuildResult, type RunProblem } from './analysis-run-problems.js';
export {
  buildAnalysisRunSpec,
  flattenTemplates,
  refToTemplate,
  templateLookup,
  type AnyAnalysisTemplate,
  type RunSpecInput,
  type TemplateLookup,
} from './analysis-run-spec.js';
export { findUnknownFields } from './unknown-fields.js';
export { crdsYaml, generateCrds, openApiSchemaFor } from './crds.js';
