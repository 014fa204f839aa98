import { formatFieldPath, validateRollout } from '../api/index.js';
import type { Context } from './context.js';
import { collectTemplates } from './analysis-run.js';

/**
 * The checks the engine cannot act without: the resource model's validation (Argo's rules and Kanary's "not
 * supported yet"), then that every referenced AnalysisTemplate exists. The first failure becomes an `InvalidSpec`
 * condition (phase Degraded) naming the field and what to do.
 */
export function invalidSpecReason(ctx: Context): string | undefined {
  const issue = validateRollout(ctx.rollout).find((i) => i.severity === 'error');
  if (issue) return `${formatFieldPath(issue.path)}: ${issue.message}`;
  const spec = ctx.rollout.spec;
  const canary = spec.strategy.canary;
  if (!canary) return 'spec.strategy.canary is required: Kanary runs canary rollouts';
  if (!spec.template) return 'spec.template is required';
  const refs = [
    ...(canary.analysis?.templates ?? []),
    ...(canary.steps ?? []).flatMap((s) => s.analysis?.templates ?? []),
  ];
  const found = collectTemplates(ctx, refs);
  return typeof found === 'string' ? found : undefined;
}
