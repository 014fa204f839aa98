import type { RolloutPhase, RolloutSpec, RolloutStatus } from '../../api/index.js';
import { DEFAULT_REPLICAS } from '../constants.js';

/**
 * Argo's `CalculateRolloutPhase` (§2.2): the first rule that matches wins. Pure over spec and status so clients and
 * tests can recompute it.
 */
export function calculatePhase(spec: RolloutSpec, status: RolloutStatus): { phase: RolloutPhase; message: string } {
  const conditions = status.conditions ?? [];
  const invalid = conditions.find((c) => c.type === 'InvalidSpec' && c.status === 'True');
  if (invalid) return { phase: 'Degraded', message: `InvalidSpec: ${invalid.message ?? ''}` };
  const bad = conditions.find((c) => c.reason === 'RolloutAborted' || c.reason === 'ProgressDeadlineExceeded');
  if (bad) return { phase: 'Degraded', message: `${bad.reason ?? ''}: ${bad.message ?? ''}` };
  if (spec.paused === true) return { phase: 'Paused', message: 'manually paused' };
  const pause = status.pauseConditions?.[0];
  if (pause) return { phase: 'Paused', message: pause.reason };
  if (spec.restartAt !== undefined && status.restartedAt !== spec.restartAt) {
    return { phase: 'Progressing', message: 'rollout is restarting' };
  }
  return replicaPhase(spec, status);
}

/** Rules 6-10: replica counts, then whether every step is done. */
function replicaPhase(spec: RolloutSpec, status: RolloutStatus): { phase: RolloutPhase; message: string } {
  const replicas = spec.replicas ?? DEFAULT_REPLICAS;
  const updated = status.updatedReplicas ?? 0;
  if (updated < replicas) return { phase: 'Progressing', message: 'more replicas need to be updated' };
  if ((status.availableReplicas ?? 0) < updated) {
    return { phase: 'Progressing', message: 'updated replicas are still becoming available' };
  }
  if (spec.strategy.canary?.trafficRouting === undefined && (status.replicas ?? 0) > updated) {
    return { phase: 'Progressing', message: 'old replicas are pending termination' };
  }
  if (!status.stableRS || status.stableRS !== status.currentPodHash) {
    return { phase: 'Progressing', message: 'waiting for all steps to complete' };
  }
  return { phase: 'Healthy', message: '' };
}
