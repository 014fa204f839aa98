import type {
  AnalysisRun,
  AnalysisTemplateSpec,
  Argument,
  Metric,
  RolloutAnalysis,
  RolloutAnalysisArgument,
} from '../api/index.js';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, ROLLOUT_TYPE_LABEL, STEP_INDEX_LABEL } from './constants.js';
import type { Context } from './context.js';
import { ownerReference } from './replicasets.js';

/**
 * Building an AnalysisRun from a Rollout's analysis reference: templates looked up and flattened (nested
 * `templates`, duplicates by name removed), metrics joined, template args merged with the Rollout's args, and Argo's
 * name, labels, annotation and owner reference. Failures come back as a message naming what is wrong.
 */

export type RunKind = 'Step' | 'Background';

type Built = { run: AnalysisRun } | { error: string };

function findTemplate(ctx: Context, name: string, clusterScope: boolean): AnalysisTemplateSpec | undefined {
  const list = clusterScope ? ctx.observed.clusterAnalysisTemplates : ctx.observed.analysisTemplates;
  return list.find((t) => t.metadata.name === name)?.spec;
}

/** Every template spec a reference list reaches, depth first, each once; or the first missing template. */
export function collectTemplates(
  ctx: Context,
  refs: { templateName: string; clusterScope?: boolean }[],
  seen: Set<string> = new Set(),
): AnalysisTemplateSpec[] | string {
  const out: AnalysisTemplateSpec[] = [];
  for (const ref of refs) {
    const cluster = ref.clusterScope === true;
    const key = `${cluster ? 'cluster' : 'ns'}/${ref.templateName}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const spec = findTemplate(ctx, ref.templateName, cluster);
    if (!spec) {
      const kind = cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
      return `${kind} "${ref.templateName}" not found: create it or fix the templateName`;
    }
    out.push(spec);
    const nested = collectTemplates(ctx, spec.templates ?? [], seen);
    if (typeof nested === 'string') return nested;
    out.push(...nested);
  }
  return out;
}

function joinMetrics(specs: AnalysisTemplateSpec[]): Metric[] | string {
  const metrics: Metric[] = [];
  for (const m of specs.flatMap((s) => s.metrics ?? [])) {
    if (metrics.some((x) => x.name === m.name)) return `two metrics have the same name '${m.name}'`;
    metrics.push(m);
  }
  return metrics;
}

function joinTemplateArgs(specs: AnalysisTemplateSpec[]): Argument[] | string {
  const args: Argument[] = [];
  for (const a of specs.flatMap((s) => s.args ?? [])) {
    const same = args.find((x) => x.name === a.name);
    if (!same) args.push(a);
    else if (same.value !== a.value) return `arguments of templates conflict: args.${a.name} has two values`;
  }
  return args;
}

/** A downward-API style path (`metadata.name`, `metadata.labels['x']`) or any dotted path into the Rollout. */
export function fieldValue(root: unknown, path: string): string | undefined {
  const parts = path.match(/[^.[\]'"]+/g) ?? [];
  let cur: unknown = root;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return undefined;
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

function resolveRolloutArg(ctx: Context, arg: RolloutAnalysisArgument): string | undefined {
  if (arg.value !== undefined) return arg.value;
  const from = arg.valueFrom;
  if (from?.podTemplateHashValue === 'Stable') return ctx.status.stableRS;
  if (from?.podTemplateHashValue === 'Latest') return ctx.podHash;
  if (from?.fieldRef) return fieldValue(ctx.rollout, from.fieldRef.fieldPath);
  return undefined;
}

function mergeArgs(ctx: Context, templateArgs: Argument[], incoming: RolloutAnalysisArgument[]): Argument[] | string {
  const out: Argument[] = [];
  for (const arg of templateArgs) {
    const given = incoming.find((a) => a.name === arg.name);
    const value = given ? resolveRolloutArg(ctx, given) : undefined;
    const merged: Argument = value === undefined ? arg : { name: arg.name, value };
    if (merged.value === undefined && merged.valueFrom === undefined) return `args.${arg.name} was not resolved`;
    out.push(merged);
  }
  return out;
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
  const specs = collectTemplates(ctx, analysis.templates ?? []);
  if (typeof specs === 'string') return { error: specs };
  const metrics = joinMetrics(specs);
  if (typeof metrics === 'string') return { error: metrics };
  const templateArgs = joinTemplateArgs(specs);
  if (typeof templateArgs === 'string') return { error: templateArgs };
  const args = mergeArgs(ctx, templateArgs, analysis.args ?? []);
  if (typeof args === 'string') return { error: args };
  const dryRun = [...specs.flatMap((s) => s.dryRun ?? []), ...(analysis.dryRun ?? [])];
  const retention = [...specs.flatMap((s) => s.measurementRetention ?? []), ...(analysis.measurementRetention ?? [])];
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
    spec: {
      metrics,
      ...(args.length > 0 ? { args } : {}),
      ...(dryRun.length > 0 ? { dryRun } : {}),
      ...(retention.length > 0 ? { measurementRetention: retention } : {}),
    },
  };
  return { run };
}
