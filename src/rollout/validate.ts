import type { Context } from './context.js';
import { collectTemplates } from './analysis-run.js';

/**
 * The checks the engine cannot act without; each failure becomes an `InvalidSpec` condition (phase Degraded) and
 * names the field and what to do.
 */
export function invalidSpecReason(ctx: Context): string | undefined {
  const spec = ctx.rollout.spec;
  if (!spec.strategy.canary) {
    return 'spec.strategy.canary is required: Kanary runs canary rollouts (blueGreen is not supported yet)';
  }
  if (!spec.template) return 'spec.template is required (workloadRef is not supported yet)';
  const canary = spec.strategy.canary;
  if (canary.trafficRouting && (!canary.canaryService || !canary.stableService)) {
    return 'Canary service and Stable service must to be set to use Traffic Routing';
  }
  const refs = [
    ...(canary.analysis?.templates ?? []),
    ...(canary.steps ?? []).flatMap((s) => s.analysis?.templates ?? []),
  ];
  const found = collectTemplates(ctx, refs);
  return typeof found === 'string' ? found : undefined;
}
