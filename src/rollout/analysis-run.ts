import type {
  AnalysisRun,
  AnalysisTemplateRef,
  AnalysisTemplateSpec,
  RolloutAnalysis,
  RunProblem,
  TemplateLookup,
} from '../api/index.js';
import { buildAnalysisRunSpec, flattenTemplates, referencedKind, templateLookup } from '../api/index.js';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, ROLLOUT_TYPE_LABEL, STEP_INDEX_LABEL } from './constants.js';
import type { Context } from './context.js';
import { ownerReference } from './replicasets.js';

/**
 * A Rollout's AnalysisRun: the spec from the shared builder (templates looked up among the observed ones, args
 * resolved against this Rollout: `podTemplateHashValue` and `fieldRef`), plus Argo's name, labels, revision
 * annotation and owner reference. Problems are worded here as the Rollout's InvalidSpec message.
 */

export type RunKind = 'Step' | 'Background';

type Built = { run: AnalysisRun } | { error: string };

/** The InvalidSpec message for a problem of the builder. */
export function describeRunProblem(problem: RunProblem): string {
  switch (problem.code) {
    case 'template-not-found':
      return `${referencedKind(problem.ref)} "${problem.ref.templateName}" not found: create it or fix the templateName`;
    case 'duplicate-metric':
      return `two metrics have the same name '${problem.metric}'`;
    case 'conflicting-arg':
      return `arguments of templates conflict: args.${problem.arg} has two values, "${problem.values[0]}" and "${problem.values[1]}"`;
    case 'unresolvable-field':
      return `args.${problem.arg}: valueFrom.fieldRef.fieldPath "${problem.fieldPath}" names no value in the Rollout: fix the fieldPath`;
    case 'unresolved-arg':
      return `args.${problem.arg} was not resolved`;
    case 'no-templates':
      return 'the analysis names no template: add one under templates';
    case 'no-metrics':
      return 'the analysis templates declare no metrics: add at least one metric';
  }
}

function observedTemplates(ctx: Context): TemplateLookup {
  return templateLookup([...ctx.observed.analysisTemplates, ...ctx.observed.clusterAnalysisTemplates]);
}

/** Every template spec a reference list reaches, depth first, each once; or the message for a missing one. */
export function collectTemplates(ctx: Context, refs: readonly AnalysisTemplateRef[]): AnalysisTemplateSpec[] | string {
  const flat = flattenTemplates(refs, observedTemplates(ctx));
  return flat.ok ? flat.value.map((t) => t.spec) : describeRunProblem(flat.problem);
}

export function runLabels(ctx: Context, kind: RunKind, stepIndex?: number): Record<string, string> {
  return {
    ...(ctx.rollout.spec.selector?.matchLabels ?? {}),
    [POD_TEMPLATE_HASH_LABEL]: ctx.podHash,
    [ROLLOUT_TYPE_LABEL]: kind,
    ...(stepIndex === undefined ? {} : { [STEP_INDEX_LABEL]: String(stepIndex) }),
  };
}

/** `<rollout>-<podHash>-<revision>[-<stepIndex>]`, with `.1`, `.2`... when the name is taken. */
export function runName(ctx: Context, stepIndex: number | undefined, taken: Set<string>): string {
  const base = `${ctx.name}-${ctx.podHash}-${ctx.revision}${stepIndex === undefined ? '' : `-${stepIndex}`}`;
  if (!taken.has(base)) return base;
  for (let n = 1; ; n++) if (!taken.has(`${base}.${n}`)) return `${base}.${n}`;
}

export function buildAnalysisRun(
  ctx: Context,
  kind: RunKind,
  analysis: RolloutAnalysis,
  name: string,
  stepIndex?: number,
): Built {
  const spec = buildAnalysisRunSpec({
    templates: analysis.templates ?? [],
    find: observedTemplates(ctx),
    args: analysis.args ?? [],
    sources: { stablePodHash: ctx.status.stableRS, latestPodHash: ctx.podHash, fieldRoot: ctx.rollout },
    dryRun: analysis.dryRun ?? [],
    measurementRetention: analysis.measurementRetention ?? [],
  });
  if (!spec.ok) return { error: describeRunProblem(spec.problem) };
  const extra = analysis.analysisRunMetadata;
  const run: AnalysisRun = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name,
      namespace: ctx.namespace,
      labels: { ...runLabels(ctx, kind, stepIndex), ...(extra?.labels ?? {}) },
      annotations: { ...(extra?.annotations ?? {}), [REVISION_ANNOTATION]: String(ctx.revision) },
      ownerReferences: [ownerReference(ctx)],
    },
    spec: spec.value,
  };
  return { run };
}
