import type {
  AnalysisRun,
  AnalysisTemplateRef,
  AnyAnalysisTemplate,
  Argument,
  DryRun,
  MeasurementRetention,
  OwnerReference,
  RunProblem,
} from '../../api/index.js';
import { buildAnalysisRunSpec, referencedKind, refToTemplate, templateLookup } from '../../api/index.js';
import { KanaryError } from '../../common/index.js';

/**
 * An AnalysisRun from templates given as objects (`kanary analyze`, tests): the spec from the shared builder in
 * the api module, with metrics required, and the metadata given. A problem throws KanaryError INVALID_SPEC worded
 * for a user at the command line: an unresolved arg says how to pass it with `--arg`.
 */

export type { AnyAnalysisTemplate } from '../../api/index.js';

export interface BuildRunOptions {
  name?: string;
  generateName?: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  /** Looks up nested `spec.templates` references not among the given templates. */
  findTemplate?: (ref: AnalysisTemplateRef) => AnyAnalysisTemplate | undefined;
  /** Extra dry-run and retention entries (from the Rollout's analysis block). */
  dryRun?: DryRun[];
  measurementRetention?: MeasurementRetention[];
}

/** The message for a problem of the builder, for a user at the command line. */
export function describeRunProblemForCli(problem: RunProblem): string {
  switch (problem.code) {
    case 'template-not-found': {
      const wanted = `${referencedKind(problem.ref)} "${problem.ref.templateName}"`;
      const by = problem.referrer;
      return by === undefined
        ? `${wanted} was not found: create it or fix the templateName`
        : `${by.kind} "${by.name}" refers to ${wanted}, which was not found: create it or fix spec.templates`;
    }
    case 'duplicate-metric':
      return `two metrics have the same name '${problem.metric}'`;
    case 'conflicting-arg':
      return `arguments of templates conflict: args.${problem.arg} has two values, "${problem.values[0]}" and "${problem.values[1]}"`;
    case 'unresolvable-field':
      return `args.${problem.arg}: valueFrom.fieldRef.fieldPath "${problem.fieldPath}" names no value: give it a value (for example --arg ${problem.arg}=VALUE)`;
    case 'unresolved-arg':
      return `args.${problem.arg} was not resolved: give it a value (for example --arg ${problem.arg}=VALUE)`;
    case 'no-templates':
      return 'no analysis template given: an AnalysisRun needs at least one template';
    case 'no-metrics':
      return 'the templates declare no metrics: add at least one metric';
  }
}

export function buildAnalysisRun(
  templates: readonly AnyAnalysisTemplate[],
  args: readonly Argument[],
  options: BuildRunOptions,
): AnalysisRun {
  const given = templateLookup(templates);
  const built = buildAnalysisRunSpec({
    templates: templates.map(refToTemplate),
    find: (ref) => given(ref) ?? options.findTemplate?.(ref),
    args,
    dryRun: options.dryRun ?? [],
    measurementRetention: options.measurementRetention ?? [],
    requireMetrics: true,
  });
  if (!built.ok) throw new KanaryError('INVALID_SPEC', describeRunProblemForCli(built.problem));
  const metadata: AnalysisRun['metadata'] = { namespace: options.namespace };
  if (options.name !== undefined) metadata.name = options.name;
  if (options.generateName !== undefined) metadata.generateName = options.generateName;
  if (options.labels !== undefined) metadata.labels = { ...options.labels };
  if (options.annotations !== undefined) metadata.annotations = { ...options.annotations };
  if (options.ownerReferences !== undefined) metadata.ownerReferences = structuredClone(options.ownerReferences);
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisRun', metadata, spec: built.value };
}
