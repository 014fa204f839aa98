import type { AnalysisPhase, AnalysisRun, RolloutAnalysis, RolloutAnalysisRunStatus } from '../api/index.js';
import {
  DEFAULT_SUCCESSFUL_RUN_HISTORY_LIMIT,
  DEFAULT_UNSUCCESSFUL_RUN_HISTORY_LIMIT,
  POD_TEMPLATE_HASH_LABEL,
  ROLLOUT_TYPE_LABEL,
  STEP_INDEX_LABEL,
} from './constants.js';
import {
  currentIndex,
  emit,
  hasPauseCondition,
  isAborted,
  isFullyPromoted,
  isInitialDeploy,
  patch,
  type Context,
} from './context.js';
import { buildAnalysisRun, runName, type RunKind } from './analysis-run.js';
import { markAborted } from './revision.js';
import { isRollbackWithinWindow } from './rollback.js';

/**
 * Keeps `spec.analysis.successfulRunHistoryLimit` Successful and `unsuccessfulRunHistoryLimit` Failed, Error or
 * Inconclusive runs (5 each by default), newest first; runs the status still refers to are always kept.
 */
function cleanupRunHistory(ctx: Context, runs: AnalysisRun[]): void {
  const keep = new Set([
    ctx.status.canary?.currentStepAnalysisRunStatus?.name,
    ctx.status.canary?.currentBackgroundAnalysisRunStatus?.name,
  ]);
  const done = runs
    .filter((r) => COMPLETED.has(phaseOf(r)) && !keep.has(r.metadata.name))
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
  const limits = ctx.rollout.spec.analysis;
  const successful = done.filter((r) => phaseOf(r) === 'Successful');
  const unsuccessful = done.filter((r) => phaseOf(r) !== 'Successful');
  const excess = [
    ...successful.slice(limits?.successfulRunHistoryLimit ?? DEFAULT_SUCCESSFUL_RUN_HISTORY_LIMIT),
    ...unsuccessful.slice(limits?.unsuccessfulRunHistoryLimit ?? DEFAULT_UNSUCCESSFUL_RUN_HISTORY_LIMIT),
  ];
  for (const run of excess) ctx.actions.push({ type: 'delete', kind: 'AnalysisRun', name: run.metadata.name ?? '' });
}

/**
 * The Rollout's side of analysis: create the step and background AnalysisRuns when due, read their phase, and act:
 * Successful completes an analysis step, Failed/Error aborts, Inconclusive pauses (`InconclusiveAnalysisRun`) until
 * a human promotes. Runs that no longer matter (old revision, past step, abort, full promotion) are terminated.
 * The AnalysisRun controller does the measuring; here runs are only created, terminated and read.
 */

const COMPLETED: ReadonlySet<AnalysisPhase> = new Set(['Successful', 'Failed', 'Error', 'Inconclusive']);

export function phaseOf(run: AnalysisRun): AnalysisPhase {
  return run.status?.phase ?? 'Pending';
}

/** Still measuring and not asked to stop. */
export function isLive(run: AnalysisRun): boolean {
  return run.spec.terminate !== true && !COMPLETED.has(phaseOf(run));
}

function terminate(ctx: Context, runs: AnalysisRun[]): void {
  for (const run of runs.filter(isLive)) {
    run.spec.terminate = true;
    patch(ctx, 'AnalysisRun', run.metadata.name ?? '', { spec: { terminate: true } });
  }
}

function ownedRuns(ctx: Context): AnalysisRun[] {
  return ctx.observed.analysisRuns.filter((r) =>
    r.metadata.ownerReferences?.some((o) => o.kind === 'Rollout' && o.name === ctx.name),
  );
}

function hashOfRun(run: AnalysisRun): string | undefined {
  return run.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
}

function isKind(run: AnalysisRun, kind: RunKind, stepIndex?: number): boolean {
  const labels = run.metadata.labels ?? {};
  if (labels[ROLLOUT_TYPE_LABEL] !== kind) return false;
  return stepIndex === undefined || labels[STEP_INDEX_LABEL] === String(stepIndex);
}

export function reconcileAnalysis(ctx: Context): void {
  const runs = ownedRuns(ctx);
  const skipAll =
    isInitialDeploy(ctx) ||
    isFullyPromoted(ctx) ||
    isAborted(ctx) ||
    ctx.status.promoteFull === true ||
    isRollbackWithinWindow(ctx);
  cleanupRunHistory(ctx, runs);
  if (skipAll) return terminate(ctx, runs);
  terminate(
    ctx,
    runs.filter((r) => hashOfRun(r) !== ctx.podHash),
  );
  const current = runs.filter((r) => hashOfRun(r) === ctx.podHash);
  reconcileStepAnalysis(ctx, current);
  if (!isAborted(ctx)) reconcileBackgroundAnalysis(ctx, current);
  if (isAborted(ctx)) terminate(ctx, current);
}

function canaryStatus(ctx: Context): NonNullable<Context['status']['canary']> {
  ctx.status.canary ??= {};
  return ctx.status.canary;
}

interface Slot {
  kind: RunKind;
  stepIndex: number | undefined;
  get: () => RolloutAnalysisRunStatus | undefined;
  set: (r: RolloutAnalysisRunStatus | undefined) => void;
}

function stepSlot(ctx: Context, index: number): Slot {
  return {
    kind: 'Step',
    stepIndex: index,
    get: () => ctx.status.canary?.currentStepAnalysisRunStatus,
    set: (r) => {
      if (r) canaryStatus(ctx).currentStepAnalysisRunStatus = r;
      else if (ctx.status.canary) delete ctx.status.canary.currentStepAnalysisRunStatus;
    },
  };
}

function backgroundSlot(ctx: Context): Slot {
  return {
    kind: 'Background',
    stepIndex: undefined,
    get: () => ctx.status.canary?.currentBackgroundAnalysisRunStatus,
    set: (r) => {
      if (r) canaryStatus(ctx).currentBackgroundAnalysisRunStatus = r;
      else if (ctx.status.canary) delete ctx.status.canary.currentBackgroundAnalysisRunStatus;
    },
  };
}

function reconcileStepAnalysis(ctx: Context, runs: AnalysisRun[]): void {
  const index = currentIndex(ctx);
  const step = ctx.steps[index];
  terminate(
    ctx,
    runs.filter((r) => isKind(r, 'Step') && !isKind(r, 'Step', index)),
  );
  const slot = stepSlot(ctx, index);
  if (!step?.analysis) return slot.set(undefined);
  const run = findOrCreate(ctx, runs, slot, step.analysis, ctx.rollout.spec.paused !== true);
  if (run) react(ctx, run, slot, 'Step-based analysis phase error/failed');
}

function reconcileBackgroundAnalysis(ctx: Context, runs: AnalysisRun[]): void {
  const analysis = ctx.canary.analysis;
  const mine = runs.filter((r) => isKind(r, 'Background'));
  const slot = backgroundSlot(ctx);
  if (!analysis?.templates?.length || currentIndex(ctx) < (analysis.startingStep ?? 0)) {
    terminate(ctx, mine);
    return slot.set(undefined);
  }
  const run = findOrCreate(ctx, mine, slot, analysis, true);
  if (run) react(ctx, run, slot, 'Background analysis phase error/failed');
}

/**
 * The run the slot refers to; else a live run of the right kind (adopted after a lost status write); else a new one
 * (when `mayCreate`).
 */
function findOrCreate(
  ctx: Context,
  runs: AnalysisRun[],
  slot: Slot,
  analysis: RolloutAnalysis,
  mayCreate: boolean,
): AnalysisRun | undefined {
  const recorded = slot.get();
  const byName = recorded ? runs.find((r) => r.metadata.name === recorded.name) : undefined;
  if (byName) return byName;
  const adopted = runs.find((r) => isKind(r, slot.kind, slot.stepIndex) && isLive(r));
  if (adopted) {
    slot.set({ name: adopted.metadata.name ?? '', status: phaseOf(adopted) });
    return adopted;
  }
  if (!mayCreate) return undefined;
  return createRun(ctx, slot, analysis);
}

function createRun(ctx: Context, slot: Slot, analysis: RolloutAnalysis): AnalysisRun | undefined {
  const taken = new Set(ctx.observed.analysisRuns.map((r) => r.metadata.name ?? ''));
  for (const a of ctx.actions)
    if (a.type === 'create' && a.object.kind === 'AnalysisRun') taken.add(a.object.metadata.name ?? '');
  const built = buildAnalysisRun(ctx, slot.kind, analysis, runName(ctx, slot.stepIndex, taken), slot.stepIndex);
  if ('error' in built) {
    ctx.invalidSpec ??= built.error;
    return undefined;
  }
  ctx.actions.push({ type: 'create', object: built.run });
  slot.set({ name: built.run.metadata.name ?? '', status: 'Pending' });
  return built.run;
}

function react(ctx: Context, run: AnalysisRun, slot: Slot, failurePrefix: string): void {
  const phase = phaseOf(run);
  const before = slot.get();
  const previous = before?.status ?? 'Pending';
  const message = run.status?.message;
  slot.set({ name: run.metadata.name ?? '', status: phase, ...(message === undefined ? {} : { message }) });
  if (phase !== previous) {
    const type = phase === 'Failed' || phase === 'Error' || phase === 'Inconclusive' ? 'Warning' : 'Normal';
    emit(
      ctx,
      type,
      `AnalysisRun${phase}`,
      `${slot.kind} Analysis Run '${run.metadata.name ?? ''}' Status New: '${phase}' Previous: '${previous}'`,
    );
  }
  if (phase === 'Successful' && slot.kind === 'Step') ctx.stepDone = true;
  if (phase === 'Failed' || phase === 'Error') {
    ctx.abortReason = `${failurePrefix}: ${message ?? ''}`;
    markAborted(ctx);
  }
  if (phase === 'Inconclusive') onInconclusive(ctx, slot, previous);
}

/**
 * First sight of an Inconclusive run pauses with `InconclusiveAnalysisRun`. Once a human clears that pause
 * (promote), a step run counts as done and a background run is replaced by a new one.
 */
function onInconclusive(ctx: Context, slot: Slot, previous: AnalysisPhase): void {
  if (previous !== 'Inconclusive') {
    if (!hasPauseCondition(ctx, 'InconclusiveAnalysisRun')) {
      ctx.status.pauseConditions = [
        ...(ctx.status.pauseConditions ?? []),
        { reason: 'InconclusiveAnalysisRun', startTime: ctx.nowIso },
      ];
      emit(ctx, 'Normal', 'RolloutPaused', 'Rollout is paused (InconclusiveAnalysisRun)');
    }
    ctx.status.controllerPause = true;
    return;
  }
  if (hasPauseCondition(ctx, 'InconclusiveAnalysisRun')) return;
  ctx.status.controllerPause = false;
  if (slot.kind === 'Step') {
    ctx.stepDone = true;
    return;
  }
  slot.set(undefined);
  const analysis = ctx.canary.analysis;
  if (analysis) createRun(ctx, slot, analysis);
}
