import type {
  AnalysisRunSpec,
  AnalysisTemplate,
  AnalysisTemplateRef,
  ClusterAnalysisTemplate,
  DryRun,
  MeasurementRetention,
  Metric,
} from './analysis.js';
import { joinTemplateArgs, mergeRunArgs, type ArgSources, type IncomingArg } from './analysis-run-args.js';
import { referencedKind, type RunBuildResult } from './analysis-run-problems.js';

/**
 * The one builder of an AnalysisRun's spec from templates, shared by the Rollout engine and `kanary analyze`
 * (Argo's `NewAnalysisRunFromTemplates`): nested templates flattened depth first, each once; metrics joined (a
 * repeated name is a problem); template args joined and merged with the incoming ones; dryRun and
 * measurementRetention of the templates followed by the caller's. Pure. Problems come back as `RunProblem` data.
 */

export type AnyAnalysisTemplate = AnalysisTemplate | ClusterAnalysisTemplate;

/** Finds the template a reference names; undefined when there is none. */
export type TemplateLookup = (ref: AnalysisTemplateRef) => AnyAnalysisTemplate | undefined;

/** A lookup over a list of templates: `clusterScope` picks the kind, `templateName` the name. */
export function templateLookup(templates: readonly AnyAnalysisTemplate[]): TemplateLookup {
  return (ref) => templates.find((t) => t.kind === referencedKind(ref) && (t.metadata.name ?? '') === ref.templateName);
}

/** The reference that names a template. */
export function refToTemplate(template: AnyAnalysisTemplate): AnalysisTemplateRef {
  const ref: AnalysisTemplateRef = { templateName: template.metadata.name ?? '' };
  if (template.kind === 'ClusterAnalysisTemplate') ref.clusterScope = true;
  return ref;
}

/** Every template the references reach, depth first, each once; or the first reference that finds nothing. */
export function flattenTemplates(
  refs: readonly AnalysisTemplateRef[],
  find: TemplateLookup,
): RunBuildResult<AnyAnalysisTemplate[]> {
  const out: AnyAnalysisTemplate[] = [];
  const seen = new Set<string>();
  const visit = (ref: AnalysisTemplateRef, referrer: AnyAnalysisTemplate | undefined): RunBuildResult<undefined> => {
    const key = `${referencedKind(ref)}/${ref.templateName}`;
    if (seen.has(key)) return { ok: true, value: undefined };
    seen.add(key);
    const template = find(ref);
    if (template === undefined) {
      const from = referrer && { kind: referrer.kind, name: referrer.metadata.name ?? '' };
      return { ok: false, problem: { code: 'template-not-found', ref, ...(from && { referrer: from }) } };
    }
    out.push(template);
    for (const nested of template.spec.templates ?? []) {
      const done = visit(nested, template);
      if (!done.ok) return done;
    }
    return { ok: true, value: undefined };
  };
  for (const ref of refs) {
    const done = visit(ref, undefined);
    if (!done.ok) return done;
  }
  return { ok: true, value: out };
}

function joinMetrics(templates: readonly AnyAnalysisTemplate[]): RunBuildResult<Metric[]> {
  const metrics: Metric[] = [];
  for (const m of templates.flatMap((t) => t.spec.metrics ?? [])) {
    if (metrics.some((x) => x.name === m.name)) {
      return { ok: false, problem: { code: 'duplicate-metric', metric: m.name } };
    }
    metrics.push(structuredClone(m));
  }
  return { ok: true, value: metrics };
}

export interface RunSpecInput {
  /** The templates the run is made of, in order. */
  templates: readonly AnalysisTemplateRef[];
  find: TemplateLookup;
  /** Args from outside the templates; they override template args of the same name. */
  args?: readonly IncomingArg[];
  /** For a Rollout: what `valueFrom` of the incoming args reads (see `ArgSources`). */
  sources?: ArgSources;
  /** The caller's dryRun and retention entries (a Rollout's analysis block), after the templates' own. */
  dryRun?: readonly DryRun[];
  measurementRetention?: readonly MeasurementRetention[];
  /**
   * Reject a run with no template or no metric. Argo's Rollout controller does not check this when it creates a
   * run (the run then ends in Error, "Analysis spec invalid"); a foreground `kanary analyze` rejects it up front.
   */
  requireMetrics?: boolean;
}

export function buildAnalysisRunSpec(input: RunSpecInput): RunBuildResult<AnalysisRunSpec> {
  const required = input.requireMetrics === true;
  if (required && input.templates.length === 0) return { ok: false, problem: { code: 'no-templates' } };
  const flat = flattenTemplates(input.templates, input.find);
  if (!flat.ok) return flat;
  const templates = flat.value;
  const metrics = joinMetrics(templates);
  if (!metrics.ok) return metrics;
  if (required && metrics.value.length === 0) return { ok: false, problem: { code: 'no-metrics' } };
  const templateArgs = joinTemplateArgs(templates.flatMap((t) => t.spec.args ?? []));
  if (!templateArgs.ok) return templateArgs;
  const args = mergeRunArgs(templateArgs.value, input.args ?? [], input.sources);
  if (!args.ok) return args;
  const dryRun = [...templates.flatMap((t) => t.spec.dryRun ?? []), ...(input.dryRun ?? [])];
  const retention = [
    ...templates.flatMap((t) => t.spec.measurementRetention ?? []),
    ...(input.measurementRetention ?? []),
  ];
  const spec: AnalysisRunSpec = { metrics: metrics.value };
  if (args.value.length > 0) spec.args = args.value;
  if (dryRun.length > 0) spec.dryRun = structuredClone(dryRun);
  if (retention.length > 0) spec.measurementRetention = structuredClone(retention);
  return { ok: true, value: spec };
}
