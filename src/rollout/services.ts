import { MANAGED_BY_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from './constants.js';
import {
  availableReplicas,
  isAborted,
  isFullyPromoted,
  isInitialDeploy,
  newRS,
  patch,
  specReplicas,
  type Context,
} from './context.js';

/**
 * Service selectors: the stable Service selects the stable pods, the canary Service the canary pods once they are
 * all available (before that it keeps what it had), and both select stable when idle or aborted.
 */

function point(
  ctx: Context,
  serviceName: string | undefined,
  hash: (current: string | undefined) => string | undefined,
): void {
  if (!serviceName) return;
  const svc = ctx.observed.services.find((s) => s.metadata.name === serviceName);
  if (!svc) return;
  const current = svc.spec?.selector?.[POD_TEMPLATE_HASH_LABEL];
  const target = hash(current);
  const managed = svc.metadata.annotations?.[MANAGED_BY_ANNOTATION] === ctx.name;
  if (target === undefined || (target === current && managed)) return;
  patch(ctx, 'Service', serviceName, {
    metadata: { annotations: { [MANAGED_BY_ANNOTATION]: ctx.name } },
    spec: { selector: { [POD_TEMPLATE_HASH_LABEL]: target } },
  });
}

export function reconcileServices(ctx: Context): void {
  const stable = ctx.status.stableRS ?? ctx.podHash;
  point(ctx, ctx.canary.stableService, () => (isInitialDeploy(ctx) ? ctx.podHash : stable));
  point(ctx, ctx.canary.canaryService, (current) => {
    if (isInitialDeploy(ctx)) return ctx.podHash;
    if (isAborted(ctx) || isFullyPromoted(ctx)) return stable;
    const rs = newRS(ctx);
    const ready = specReplicas(rs) > 0 && availableReplicas(rs) >= specReplicas(rs);
    return ready ? ctx.podHash : (current ?? stable);
  });
}
