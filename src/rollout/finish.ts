import { formatSelector } from '../api/index.js';
import { emit, isAborted, newRS, type Context } from './context.js';
import { getCondition, removeCondition, setCondition } from './conditions.js';
import { progressingConditions } from './progress.js';
import { resolveMaxUnavailable } from './restart.js';
import { calculatePhase } from './status/phase.js';

/**
 * The end of a pass: replica counts, conditions, phase and message, and the events that mark transitions
 * (`RolloutAborted`, `RolloutResumed`).
 */

function counts(ctx: Context): void {
  const s = ctx.status;
  const sum = (f: (rs: Context['replicaSets'][number]) => number): number =>
    ctx.replicaSets.reduce((n, rs) => n + f(rs), 0);
  s.replicas = sum((rs) => rs.status?.replicas ?? 0);
  s.updatedReplicas = newRS(ctx)?.status?.replicas ?? 0;
  s.readyReplicas = sum((rs) => rs.status?.readyReplicas ?? 0);
  s.availableReplicas = sum((rs) => rs.status?.availableReplicas ?? 0);
  s.HPAReplicas = s.replicas;
  s.selector = formatSelector(ctx.rollout.spec.selector ?? {});
  s.observedGeneration = String(ctx.rollout.metadata.generation ?? 0);
}

function otherConditions(ctx: Context): void {
  const s = ctx.status;
  let conds = s.conditions ?? [];
  conds = ctx.invalidSpec
    ? setCondition(
        conds,
        { type: 'InvalidSpec', status: 'True', reason: 'InvalidSpec', message: ctx.invalidSpec },
        ctx.nowIso,
      )
    : removeCondition(conds, 'InvalidSpec');
  const minAvailable = ctx.replicas - resolveMaxUnavailable(ctx.canary.maxUnavailable, ctx.replicas);
  const available = (s.availableReplicas ?? 0) >= minAvailable;
  conds = setCondition(
    conds,
    available
      ? { type: 'Available', status: 'True', reason: 'AvailableReason', message: 'Rollout has minimum availability' }
      : {
          type: 'Available',
          status: 'False',
          reason: 'AvailableReason',
          message: 'Rollout does not have minimum availability',
        },
    ctx.nowIso,
  );
  const completed = s.stableRS !== undefined && s.stableRS === s.currentPodHash;
  conds = setCondition(
    conds,
    {
      type: 'Completed',
      status: completed ? 'True' : 'False',
      reason: 'RolloutCompleted',
      message: 'RolloutCompleted',
    },
    ctx.nowIso,
  );
  const paused = ctx.rollout.spec.paused === true || (s.pauseConditions ?? []).length > 0;
  conds = paused
    ? setCondition(
        conds,
        { type: 'Paused', status: 'True', reason: 'RolloutPaused', message: 'Rollout is paused' },
        ctx.nowIso,
      )
    : removeCondition(conds, 'Paused');
  s.conditions = conds;
}

function transitionEvents(ctx: Context): void {
  const before = getCondition(ctx.previous.conditions, 'Progressing');
  const after = getCondition(ctx.status.conditions, 'Progressing');
  if (after?.reason === 'RolloutAborted' && before?.reason !== 'RolloutAborted') {
    emit(ctx, 'Warning', 'RolloutAborted', after.message ?? '');
  }
  const wasPaused = (ctx.previous.pauseConditions ?? []).length > 0;
  const isPaused = (ctx.status.pauseConditions ?? []).length > 0;
  if (wasPaused && !isPaused && !isAborted(ctx)) emit(ctx, 'Normal', 'RolloutResumed', 'Rollout is resumed');
}

export function finish(ctx: Context): void {
  const s = ctx.status;
  if (ctx.canary.trafficRouting === undefined && s.canary) delete s.canary.weights;
  counts(ctx);
  if (!ctx.invalidSpec && newRS(ctx)) s.conditions = progressingConditions(ctx);
  otherConditions(ctx);
  const { phase, message } = calculatePhase(ctx.rollout.spec, s);
  s.phase = phase;
  s.message = message;
  s.conditions = setCondition(
    s.conditions ?? [],
    phase === 'Healthy'
      ? { type: 'Healthy', status: 'True', reason: 'RolloutHealthy', message: 'Rollout is healthy' }
      : { type: 'Healthy', status: 'False', reason: 'RolloutHealthy', message: 'Rollout is not healthy' },
    ctx.nowIso,
  );
  if (!ctx.invalidSpec) transitionEvents(ctx);
}
