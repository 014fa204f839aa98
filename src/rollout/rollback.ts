import type { ReplicaSet } from '../api/index.js';
import { newRS, stableRS, type Context } from './context.js';
import { revisionOf } from './replicasets.js';

/**
 * `spec.rollbackWindow`: going back to a ReplicaSet created before the stable one, with fewer than `revisions`
 * ReplicaSets created in between, is fast-tracked: no steps, no analysis (Argo's `isRollbackWithinWindow`, which
 * orders by creation time so the answer does not change when the target gets a new revision number).
 */
function createdAt(rs: ReplicaSet): number {
  const t = Date.parse(rs.metadata.creationTimestamp ?? '');
  return Number.isFinite(t) ? t : revisionOf(rs);
}

export function isRollbackWithinWindow(ctx: Context): boolean {
  const window = ctx.rollout.spec.rollbackWindow?.revisions;
  const target = newRS(ctx);
  const stable = stableRS(ctx);
  if (window === undefined || !target || !stable || target === stable) return false;
  const from = createdAt(target);
  const to = createdAt(stable);
  if (!(from < to)) return false;
  const between = ctx.replicaSets.filter((rs) => createdAt(rs) > from && createdAt(rs) < to).length;
  return between < window;
}
