import type { RolloutCondition } from '../api/index.js';
import { DEFAULT_PROGRESS_DEADLINE_SECONDS } from './constants.js';
import { availableReplicas, isAborted, isFullyPromoted, newRS, requeueAfter, type Context } from './context.js';
import { getCondition, setCondition } from './conditions.js';
import { markAborted } from './revision.js';

/**
 * The `Progressing` condition and the progress deadline. While an update is in flight and not paused, every change
 * in step or replica counts refreshes `lastUpdateTime`; `progressDeadlineSeconds` without one gives
 * `ProgressDeadlineExceeded` (and an abort with `progressDeadlineAbort`). Pauses do not count against it.
 */

function fingerprint(s: Context['status']): string {
  return [
    s.currentPodHash,
    s.currentStepIndex,
    s.replicas,
    s.updatedReplicas,
    s.readyReplicas,
    s.availableReplicas,
  ].join('/');
}

function abortedCondition(ctx: Context): Omit<RolloutCondition, 'lastUpdateTime' | 'lastTransitionTime'> {
  const reason = ctx.abortReason === undefined ? '' : `: ${ctx.abortReason}`;
  return {
    type: 'Progressing',
    status: 'False',
    reason: 'RolloutAborted',
    message: `Rollout aborted update to revision ${ctx.revision}${reason}`,
  };
}

function inFlight(ctx: Context, rsName: string): RolloutCondition[] {
  const conditions = ctx.status.conditions ?? [];
  const existing = getCondition(conditions, 'Progressing');
  const progressed = ctx.reset || fingerprint(ctx.previous) !== fingerprint(ctx.status);
  if (existing?.reason === 'ProgressDeadlineExceeded' && !progressed) return conditions;
  const next = {
    type: 'Progressing',
    status: 'True' as const,
    reason: 'ReplicaSetUpdated',
    message: `ReplicaSet "${rsName}" is progressing.`,
  };
  const updated = setCondition(conditions, next, ctx.nowIso, progressed);
  const since = Date.parse(getCondition(updated, 'Progressing')?.lastUpdateTime ?? ctx.nowIso);
  const deadline = since + (ctx.rollout.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) * 1000;
  if (ctx.now <= deadline) {
    requeueAfter(ctx, deadline - ctx.now + 1);
    return updated;
  }
  const timedOut = `ReplicaSet "${rsName}" has timed out progressing.`;
  if (ctx.rollout.spec.progressDeadlineAbort === true) {
    markAborted(ctx);
    ctx.abortReason = timedOut;
    requeueAfter(ctx, 0);
    return setCondition(updated, abortedCondition(ctx), ctx.nowIso);
  }
  return setCondition(
    updated,
    { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: timedOut },
    ctx.nowIso,
  );
}

export function progressingConditions(ctx: Context): RolloutCondition[] {
  const conditions = ctx.status.conditions ?? [];
  const rsName = newRS(ctx)?.metadata.name ?? '';
  if (isAborted(ctx)) return setCondition(conditions, abortedCondition(ctx), ctx.nowIso);
  if (ctx.rollout.spec.paused === true || (ctx.status.pauseConditions ?? []).length > 0) {
    return setCondition(
      conditions,
      { type: 'Progressing', status: 'Unknown', reason: 'RolloutPaused', message: 'Rollout is paused' },
      ctx.nowIso,
    );
  }
  if (ctx.retried) {
    return setCondition(
      conditions,
      { type: 'Progressing', status: 'Unknown', reason: 'RolloutRetry', message: 'Retrying Rollout after abort' },
      ctx.nowIso,
    );
  }
  if (isFullyPromoted(ctx) && availableReplicas(newRS(ctx)) >= ctx.replicas) {
    return setCondition(
      conditions,
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${rsName}" has successfully progressed.`,
      },
      ctx.nowIso,
    );
  }
  return inFlight(ctx, rsName);
}
