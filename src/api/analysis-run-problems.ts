import type { AnalysisTemplateRef } from './analysis.js';

/**
 * Why an AnalysisRun cannot be built from its templates, as data. The builder names the problem; each caller words
 * it for its reader (the Rollout engine as an InvalidSpec condition, `kanary analyze` with a `--arg` hint).
 */
export type RunProblem =
  /** A referenced template does not exist; `referrer` is the template whose `spec.templates` names it, if nested. */
  | {
      code: 'template-not-found';
      ref: AnalysisTemplateRef;
      referrer?: { kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate'; name: string };
    }
  /** Two metrics of the joined templates share a name. */
  | { code: 'duplicate-metric'; metric: string }
  /** Two templates give one arg two different values. */
  | { code: 'conflicting-arg'; arg: string; values: readonly [string, string] }
  /** A `valueFrom.fieldRef` names nothing (or no single value) in the object it reads. */
  | { code: 'unresolvable-field'; arg: string; fieldPath: string }
  /** A template arg was left with neither value nor valueFrom. */
  | { code: 'unresolved-arg'; arg: string }
  /** No template was given (only when metrics are required). */
  | { code: 'no-templates' }
  /** The templates declare no metric (only when metrics are required). */
  | { code: 'no-metrics' };

/** A step of the builder: its value, or the problem that stops it. */
export type RunBuildResult<T> = { ok: true; value: T } | { ok: false; problem: RunProblem };

/** The kind a template reference points at. */
export function referencedKind(ref: AnalysisTemplateRef): 'AnalysisTemplate' | 'ClusterAnalysisTemplate' {
  return ref.clusterScope === true ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
}
