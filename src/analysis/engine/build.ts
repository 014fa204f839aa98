import type {
  AnalysisRun,
  AnalysisTemplate,
  AnalysisTemplateRef,
  Argument,
  ClusterAnalysisTemplate,
  DryRun,
  MeasurementRetention,
  Metric,
  OwnerReference,
} from '../../api/index.js';
import { KanaryError } from '../../common/index.js';

/**
 * Building an AnalysisRun from templates as Argo does (`NewAnalysisRunFromTemplates`, `FlattenTemplates`,
 * `MergeArgs`): nested templates flattened depth first, each once; metrics joined (a repeated name is an error);
 * template args joined (one name with two values is an error); incoming args override template values; an arg left
 * with neither value nor valueFrom is an error. Pure; throws KanaryError INVALID_SPEC naming what is wrong.
 */

export type AnyAnalysisTemplate = AnalysisTemplate | ClusterAnalysisTemplate;

export interface BuildRunOptions {
  name?: string;
  generateName?: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  /** Looks up nested `spec.templates` references; without it, nested references are an error. */
  findTemplate?: (ref: AnalysisTemplateRef) => AnyAnalysisTemplate | undefined;
  /** Extra dry-run and retention entries (from the Rollout's analysis block). */
  dryRun?: DryRun[];
  measurementRetention?: MeasurementRetention[];
}

function invalid(message: string): never {
  throw new KanaryError('INVALID_SPEC', message);
}

function flatten(
  templates: readonly AnyAnalysisTemplate[],
  options: BuildRunOptions,
  seen: Set<string> = new Set(),
): AnyAnalysisTemplate[] {
  const out: AnyAnalysisTemplate[] = [];
  for (const t of templates) {
    const key = `${t.kind}/${t.metadata.name ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
    const nested = (t.spec.templates ?? []).map((ref) => {
      const found = options.findTemplate?.(ref);
      if (found === undefined) {
        const kind = ref.clusterScope === true ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
        return invalid(
          `${t.kind} "${t.metadata.name ?? ''}" refers to ${kind} "${ref.templateName}", which was not found: create it or fix spec.templates`,
        );
      }
      return found;
    });
    out.push(...flatten(nested, options, seen));
  }
  return out;
}

function joinMetrics(templates: readonly AnyAnalysisTemplate[]): Metric[] {
  const metrics: Metric[] = [];
  for (const m of templates.flatMap((t) => t.spec.metrics ?? [])) {
    if (metrics.some((x) => x.name === m.name)) invalid(`two metrics have the same name '${m.name}'`);
    metrics.push(structuredClone(m));
  }
  return metrics;
}

function sameArg(a: Argument, b: Argument): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Argo's MergeArgs over the joined template args. */
export function mergeArgs(templateArgs: readonly Argument[], incoming: readonly Argument[]): Argument[] {
  const merged: Argument[] = [];
  for (const arg of templateArgs) {
    const existing = merged.find((a) => a.name === arg.name);
    if (existing === undefined) merged.push(structuredClone(arg));
    else if (!sameArg(existing, arg)) invalid(`arguments of templates conflict: args.${arg.name} has two values`);
  }
  for (const arg of incoming) {
    const i = merged.findIndex((a) => a.name === arg.name);
    if (i < 0) continue;
    if (arg.value !== undefined) merged[i] = { name: arg.name, value: arg.value };
    else if (arg.valueFrom !== undefined) merged[i] = { name: arg.name, valueFrom: structuredClone(arg.valueFrom) };
  }
  for (const arg of merged) {
    if (arg.value === undefined && arg.valueFrom === undefined) {
      invalid(`args.${arg.name} was not resolved: give it a value (for example --arg ${arg.name}=VALUE)`);
    }
  }
  return merged;
}

export function buildAnalysisRun(
  templates: readonly AnyAnalysisTemplate[],
  args: readonly Argument[],
  options: BuildRunOptions,
): AnalysisRun {
  if (templates.length === 0) invalid('no analysis template given: an AnalysisRun needs at least one template');
  const all = flatten(templates, options);
  const metrics = joinMetrics(all);
  if (metrics.length === 0) invalid('the templates declare no metrics: add at least one metric');
  const runArgs = mergeArgs(
    all.flatMap((t) => t.spec.args ?? []),
    args,
  );
  const dryRun = [...all.flatMap((t) => t.spec.dryRun ?? []), ...(options.dryRun ?? [])];
  const retention = [...all.flatMap((t) => t.spec.measurementRetention ?? []), ...(options.measurementRetention ?? [])];
  const metadata: AnalysisRun['metadata'] = { namespace: options.namespace };
  if (options.name !== undefined) metadata.name = options.name;
  if (options.generateName !== undefined) metadata.generateName = options.generateName;
  if (options.labels !== undefined) metadata.labels = { ...options.labels };
  if (options.annotations !== undefined) metadata.annotations = { ...options.annotations };
  if (options.ownerReferences !== undefined) metadata.ownerReferences = structuredClone(options.ownerReferences);
  const run: AnalysisRun = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata,
    spec: { metrics },
  };
  if (runArgs.length > 0) run.spec.args = runArgs;
  if (dryRun.length > 0) run.spec.dryRun = dryRun;
  if (retention.length > 0) run.spec.measurementRetention = retention;
  return run;
}
