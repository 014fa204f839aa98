import type { ReplicaSet } from '../api/index.js';
import {
  ARGOPROJ_API_VERSION,
  DEFAULT_REVISION_HISTORY_LIMIT,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  SCALE_DOWN_DEADLINE_ANNOTATION,
} from './constants.js';
import { emit, hashOf, patch, requeueAfter, type Context } from './context.js';
import { roleMetadata, type Role } from './metadata.js';

/** ReplicaSet bookkeeping: revisions, building the new ReplicaSet, scaling with events, history cleanup. */

export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } } | undefined): number {
  const raw = obj?.metadata.annotations?.[REVISION_ANNOTATION];
  const n = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isFinite(n) ? n : 0;
}

export function maxRevision(replicaSets: ReplicaSet[]): number {
  return replicaSets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

export function ownerReference(ctx: Context): {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
} {
  return {
    apiVersion: ARGOPROJ_API_VERSION,
    kind: 'Rollout',
    name: ctx.name,
    uid: ctx.rollout.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The ReplicaSet for the current pod template, with 0 replicas; scaling decides its size later in the pass. */
export function buildReplicaSet(ctx: Context, revision: number, role: Role): ReplicaSet {
  const template = ctx.rollout.spec.template;
  const meta = roleMetadata(ctx, role);
  const hashLabel = { [POD_TEMPLATE_HASH_LABEL]: ctx.podHash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${ctx.name}-${ctx.podHash}`,
      namespace: ctx.namespace,
      labels: { ...(template?.metadata?.labels ?? {}), ...hashLabel },
      annotations: { [REVISION_ANNOTATION]: String(revision) },
      ownerReferences: [ownerReference(ctx)],
    },
    spec: {
      replicas: 0,
      ...(ctx.rollout.spec.minReadySeconds === undefined ? {} : { minReadySeconds: ctx.rollout.spec.minReadySeconds }),
      selector: { matchLabels: { ...(ctx.rollout.spec.selector?.matchLabels ?? {}), ...hashLabel } },
      template: {
        ...(template ?? { spec: { containers: [] } }),
        metadata: {
          ...(template?.metadata ?? {}),
          labels: { ...(template?.metadata?.labels ?? {}), ...(meta.labels ?? {}), ...hashLabel },
          annotations: { ...(template?.metadata?.annotations ?? {}), ...(meta.annotations ?? {}) },
        },
      },
    },
  };
}

function scaleEventMessage(rs: ReplicaSet, from: number, to: number): string {
  const dir = to > from ? 'up' : 'down';
  return `Scaled ${dir} ReplicaSet ${rs.metadata.name ?? ''} (revision ${revisionOf(rs)}) from ${from} to ${to}`;
}

/**
 * Sets a ReplicaSet's `spec.replicas`. A ReplicaSet created in this pass has its create action amended instead, so
 * the world sees one write.
 */
export function scaleTo(ctx: Context, rs: ReplicaSet, replicas: number): void {
  const from = rs.spec.replicas ?? 0;
  if (from === replicas) return;
  const name = rs.metadata.name ?? '';
  const pending = ctx.actions.find(
    (a) => a.type === 'create' && a.object.kind === 'ReplicaSet' && a.object.metadata.name === name,
  );
  if (pending?.type === 'create') {
    (pending.object as ReplicaSet).spec.replicas = replicas;
  } else {
    const body: Record<string, unknown> = { spec: { replicas } };
    if (replicas === 0 && rs.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] !== undefined) {
      body.metadata = { annotations: { [SCALE_DOWN_DEADLINE_ANNOTATION]: null } };
    }
    patch(ctx, 'ReplicaSet', name, body);
  }
  rs.spec.replicas = replicas;
  emit(ctx, 'Normal', 'ScalingReplicaSet', scaleEventMessage(rs, from, replicas));
}

export function deadlineOf(rs: ReplicaSet): number | undefined {
  const raw = rs.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION];
  if (raw === undefined) return undefined;
  const t = Date.parse(raw);
  return Number.isFinite(t) ? t : undefined;
}

export function setDeadline(ctx: Context, rs: ReplicaSet, at: number): void {
  const iso = new Date(at).toISOString();
  rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}), [SCALE_DOWN_DEADLINE_ANNOTATION]: iso };
  patch(ctx, 'ReplicaSet', rs.metadata.name ?? '', {
    metadata: { annotations: { [SCALE_DOWN_DEADLINE_ANNOTATION]: iso } },
  });
}

export function clearDeadline(ctx: Context, rs: ReplicaSet): void {
  if (rs.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] === undefined) return;
  rs.metadata.annotations = Object.fromEntries(
    Object.entries(rs.metadata.annotations).filter(([k]) => k !== SCALE_DOWN_DEADLINE_ANNOTATION),
  );
  patch(ctx, 'ReplicaSet', rs.metadata.name ?? '', {
    metadata: { annotations: { [SCALE_DOWN_DEADLINE_ANNOTATION]: null } },
  });
}

/**
 * Scales a ReplicaSet to 0 once its `scale-down-deadline` passes, setting the deadline `delayMs` from now if it has
 * none. A delay of 0 scales down at once.
 */
export function scaleDownAfterDelay(ctx: Context, rs: ReplicaSet, delayMs: number): void {
  if ((rs.spec.replicas ?? 0) === 0) return;
  let deadline = deadlineOf(rs);
  if (deadline === undefined) {
    if (delayMs <= 0) return scaleTo(ctx, rs, 0);
    deadline = ctx.now + delayMs;
    setDeadline(ctx, rs, deadline);
  }
  if (ctx.now >= deadline) scaleTo(ctx, rs, 0);
  else requeueAfter(ctx, deadline - ctx.now);
}

/**
 * Deletes the oldest fully scaled-down ReplicaSets beyond `revisionHistoryLimit`, with the AnalysisRuns tied to
 * their pod hash.
 */
export function cleanupHistory(ctx: Context, keep: Set<string>): void {
  const limit = ctx.rollout.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
  const old = ctx.replicaSets
    .filter((rs) => !keep.has(hashOf(rs) ?? '') && (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  const excess = old.length - limit;
  for (const rs of old.slice(0, Math.max(0, excess))) {
    const hash = hashOf(rs);
    ctx.actions.push({ type: 'delete', kind: 'ReplicaSet', name: rs.metadata.name ?? '' });
    for (const run of ctx.observed.analysisRuns) {
      if (run.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash) {
        ctx.actions.push({ type: 'delete', kind: 'AnalysisRun', name: run.metadata.name ?? '' });
      }
    }
  }
  ctx.replicaSets = ctx.replicaSets.filter((rs) => !old.slice(0, Math.max(0, excess)).includes(rs));
}
