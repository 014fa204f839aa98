import type { Rollout } from '../api/index.js';
import { advance } from './advance.js';
import { reconcileAnalysis } from './analysis.js';
import { desiredRolloutReplicas, hashOf, type Context } from './context.js';
import { finish } from './finish.js';
import { podTemplateHash } from './hash.js';
import { syncEphemeralMetadata } from './metadata.js';
import { reconcilePauseStep } from './pause.js';
import { cleanupHistory, revisionOf } from './replicasets.js';
import { reconcileRestart } from './restart.js';
import { syncIntents, syncRevision } from './revision.js';
import { reconcileScaling } from './scaling.js';
import { reconcileServices } from './services.js';
import { reconcileTraffic } from './traffic.js';
import type { Observed, ReconcileResult } from './types.js';
import { invalidSpecReason } from './validate.js';

function ownedBy(rollout: Rollout) {
  return (obj: { metadata: { ownerReferences?: { kind: string; name: string; uid: string }[] } }): boolean =>
    obj.metadata.ownerReferences?.some(
      (o) =>
        o.kind === 'Rollout' &&
        o.name === rollout.metadata.name &&
        (!rollout.metadata.uid || !o.uid || o.uid === rollout.metadata.uid),
    ) ?? false;
}

function createContext(rollout: Rollout, observed: Observed, now: number): Context {
  const status = structuredClone(rollout.status ?? {});
  const replicaSets = structuredClone(observed.replicaSets.filter(ownedBy(rollout)));
  const rsNames = new Set(replicaSets.map((rs) => rs.metadata.name));
  const pods = observed.pods.filter((p) =>
    p.metadata.ownerReferences?.some((o) => o.kind === 'ReplicaSet' && rsNames.has(o.name)),
  );
  const analysisRuns = structuredClone(observed.analysisRuns.filter(ownedBy(rollout)));
  const podHash = podTemplateHash(rollout.spec.template, status.collisionCount);
  const current = replicaSets.find((rs) => hashOf(rs) === podHash);
  return {
    rollout,
    name: rollout.metadata.name ?? '',
    namespace: rollout.metadata.namespace ?? 'default',
    now,
    nowIso: new Date(now).toISOString(),
    canary: rollout.spec.strategy.canary ?? {},
    steps: rollout.spec.strategy.canary?.steps ?? [],
    replicas: desiredRolloutReplicas(rollout),
    observed: { ...observed, pods, analysisRuns },
    previous: rollout.status ?? {},
    status,
    replicaSets,
    podHash,
    revision: revisionOf(current),
    actions: [],
    requeueAfterMs: undefined,
    stepDone: false,
    retried: false,
    reset: false,
  };
}

/**
 * One level-triggered pass of the Rollout engine (canary strategy): from the Rollout, what is observed about it and
 * the time, the status it should have, the changes to make in the world, and when to look again. Pure: the same
 * inputs always give the same result, and applying the actions then calling it again converges.
 */
export function reconcile(rollout: Rollout, observed: Observed, now: number): ReconcileResult {
  const ctx = createContext(rollout, observed, now);
  const invalid = invalidSpecReason(ctx);
  if (invalid !== undefined) {
    ctx.invalidSpec = invalid;
  } else {
    syncRevision(ctx);
    syncIntents(ctx);
    reconcileRestart(ctx);
    syncEphemeralMetadata(ctx);
    reconcileServices(ctx);
    reconcileAnalysis(ctx);
    reconcileTraffic(ctx);
    reconcileScaling(ctx);
    reconcilePauseStep(ctx);
    advance(ctx);
    cleanupHistory(ctx, new Set([ctx.podHash, ...(ctx.status.stableRS ? [ctx.status.stableRS] : [])]));
  }
  finish(ctx);
  return { status: ctx.status, actions: ctx.actions, requeueAfterMs: ctx.requeueAfterMs };
}
