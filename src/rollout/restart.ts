import type { Pod, ReplicaSet } from '../api/index.js';
import { RESTART_RECHECK_MS } from './constants.js';
import { newRS, requeueAfter, specReplicas, stableRS, type Context } from './context.js';

/**
 * `spec.restartAt`: evict (delete) every pod created before it, at most `max(maxUnavailable, 1)` at a time and only
 * while every ReplicaSet is fully available, stable first, then the new one, then the rest. When none is left,
 * `status.restartedAt = restartAt`.
 */

export function resolveMaxUnavailable(value: number | string | undefined, replicas: number): number {
  if (value === undefined) return Math.floor(replicas * 0.25);
  if (typeof value === 'number') return value;
  const pct = /^(\d+)%$/.exec(value);
  if (pct) return Math.floor((replicas * Number(pct[1])) / 100);
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : 0;
}

function podsOf(ctx: Context, rs: ReplicaSet): Pod[] {
  const name = rs.metadata.name;
  return ctx.observed.pods.filter(
    (p) =>
      p.metadata.deletionTimestamp === undefined &&
      p.metadata.ownerReferences?.some((o) => o.kind === 'ReplicaSet' && o.name === name),
  );
}

function readyPods(pods: Pod[]): number {
  return pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

export function reconcileRestart(ctx: Context): void {
  const restartAt = ctx.rollout.spec.restartAt;
  if (restartAt === undefined || ctx.status.restartedAt === restartAt) return;
  const at = Date.parse(restartAt);
  if (!Number.isFinite(at)) return;
  if (ctx.now < at) return requeueAfter(ctx, at - ctx.now);
  const ordered: ReplicaSet[] = [];
  for (const rs of [stableRS(ctx), newRS(ctx), ...ctx.replicaSets]) {
    if (rs && !ordered.includes(rs) && specReplicas(rs) > 0) ordered.push(rs);
  }
  const stale = ordered.flatMap((rs) =>
    podsOf(ctx, rs).filter((p) => Date.parse(p.metadata.creationTimestamp ?? restartAt) < at),
  );
  if (stale.length === 0) {
    ctx.status.restartedAt = restartAt;
    return;
  }
  requeueAfter(ctx, RESTART_RECHECK_MS);
  // Availability from the pods themselves: a ReplicaSet's status lags behind the evictions just made.
  if (ordered.some((rs) => readyPods(podsOf(ctx, rs)) < specReplicas(rs))) return;
  const batch = Math.max(resolveMaxUnavailable(ctx.canary.maxUnavailable, ctx.replicas), 1);
  for (const pod of stale.slice(0, batch)) {
    ctx.actions.push({ type: 'delete', kind: 'Pod', name: pod.metadata.name ?? '' });
  }
}
