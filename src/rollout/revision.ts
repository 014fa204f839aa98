import { REVISION_ANNOTATION } from './constants.js';
import { emit, isFullyPromoted, newRS, patch, rsByHash, stableRS, type Context } from './context.js';
import { stepsHash } from './hash.js';
import { buildReplicaSet, maxRevision, revisionOf } from './replicasets.js';
import { isRollbackWithinWindow } from './rollback.js';

/**
 * Revisions: a new pod template (or new steps) starts a new update. The ReplicaSet for the template is created or
 * found (an undo finds an old one and gives it the next revision number), and the update state is reset to step 0,
 * or straight past the last step when the template is the stable one (going back to stable mid-update).
 */
export function syncRevision(ctx: Context): void {
  const stepHash = stepsHash(ctx.steps);
  const top = maxRevision(ctx.replicaSets);
  let rs = newRS(ctx);
  if (!rs) {
    const role = stableRS(ctx) ? 'canary' : 'stable';
    rs = buildReplicaSet(ctx, top + 1, role);
    ctx.actions.push({ type: 'create', object: rs });
    ctx.replicaSets = [...ctx.replicaSets, rs];
    emit(ctx, 'Normal', 'NewReplicaSetCreated', `Created ReplicaSet ${rs.metadata.name ?? ''} (revision ${top + 1})`);
  } else if (
    ctx.previous.currentPodHash !== ctx.podHash &&
    revisionOf(rs) < top &&
    ctx.previous.currentPodHash !== undefined
  ) {
    // An older template came back (undo): it becomes the newest revision, as in Argo.
    const revision = String(top + 1);
    rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
    patch(ctx, 'ReplicaSet', rs.metadata.name ?? '', {
      metadata: { annotations: { [REVISION_ANNOTATION]: revision } },
    });
  }
  ctx.revision = revisionOf(rs);
  if (ctx.rollout.metadata.annotations?.[REVISION_ANNOTATION] !== String(ctx.revision)) {
    patch(ctx, 'Rollout', ctx.name, { metadata: { annotations: { [REVISION_ANNOTATION]: String(ctx.revision) } } });
  }
  const templateChanged = ctx.status.currentPodHash !== ctx.podHash;
  if (!templateChanged && ctx.status.currentStepHash === stepHash) return;
  resetUpdate(ctx, stepHash);
  if (templateChanged) {
    emit(ctx, 'Normal', 'RolloutUpdated', `Rollout updated to revision ${ctx.revision}`);
  }
}

function resetUpdate(ctx: Context, stepHash: string): void {
  const s = ctx.status;
  s.currentPodHash = ctx.podHash;
  s.currentStepHash = stepHash;
  s.pauseConditions = [];
  s.controllerPause = false;
  s.abort = false;
  delete s.abortedAt;
  s.promoteFull = false;
  s.currentStepIndex = 0;
  if (s.canary) {
    delete s.canary.currentStepAnalysisRunStatus;
    delete s.canary.currentBackgroundAnalysisRunStatus;
  }
  s.conditions = (s.conditions ?? []).filter((c) => c.type !== 'Progressing');
  ctx.reset = true;
  if (isFullyPromoted(ctx) && rsByHash(ctx, s.stableRS) && ctx.previous.currentPodHash !== undefined) {
    s.currentStepIndex = ctx.steps.length;
    emit(ctx, 'Normal', 'SkipSteps', 'Rollback to stable ReplicaSets');
  }
}

/**
 * User intents written into status by operations: `abort: true` (abort), `abort: false` after an abort (retry),
 * `promoteFull: true` (promote --full).
 */
export function syncIntents(ctx: Context): void {
  const s = ctx.status;
  if (s.abort === true && isFullyPromoted(ctx)) {
    // Nothing left to abort: the update already completed.
    s.abort = false;
    delete s.abortedAt;
  }
  if (s.abort !== true && s.abortedAt !== undefined) {
    delete s.abortedAt;
    s.currentStepIndex = 0;
    if (s.canary) {
      delete s.canary.currentStepAnalysisRunStatus;
      delete s.canary.currentBackgroundAnalysisRunStatus;
    }
    ctx.retried = true;
  }
  if (s.abort === true) {
    markAborted(ctx);
    return;
  }
  if (s.promoteFull === true || isRollbackWithinWindow(ctx)) {
    s.pauseConditions = [];
    s.controllerPause = false;
    s.currentStepIndex = ctx.steps.length;
  }
}

/** Applies the abort bookkeeping: time stamp, no pauses, step index back to 0. */
export function markAborted(ctx: Context): void {
  const s = ctx.status;
  s.abort = true;
  s.abortedAt ??= ctx.nowIso;
  s.pauseConditions = [];
  s.controllerPause = false;
  s.promoteFull = false;
  s.currentStepIndex = isFullyPromoted(ctx) ? ctx.steps.length : 0;
}
