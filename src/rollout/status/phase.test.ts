import { describe, expect, it } from 'vitest';
import type { RolloutSpec, RolloutStatus } from '../../api/index.js';
import { calculatePhase } from './phase.js';

const routed: RolloutSpec = {
  replicas: 2,
  strategy: { canary: { trafficRouting: { nginx: { stableIngress: 'i' } } } },
};
const basic: RolloutSpec = { replicas: 2, strategy: { canary: {} } };
const done: RolloutStatus = {
  stableRS: 'a',
  currentPodHash: 'a',
  replicas: 2,
  updatedReplicas: 2,
  availableReplicas: 2,
};
const cond = (type: string, reason: string, message: string): NonNullable<RolloutStatus['conditions']>[number] => ({
  type,
  status: 'False',
  reason,
  message,
});

describe('calculatePhase: the first matching rule wins', () => {
  it.each<[string, RolloutSpec, RolloutStatus, string, string]>([
    [
      'InvalidSpec',
      routed,
      { ...done, conditions: [{ ...cond('InvalidSpec', 'InvalidSpec', 'bad'), status: 'True' }] },
      'Degraded',
      'InvalidSpec: bad',
    ],
    [
      'aborted',
      { ...routed, paused: true },
      { ...done, conditions: [cond('Progressing', 'RolloutAborted', 'Rollout aborted update to revision 2')] },
      'Degraded',
      'RolloutAborted: Rollout aborted update to revision 2',
    ],
    [
      'deadline',
      routed,
      {
        ...done,
        conditions: [cond('Progressing', 'ProgressDeadlineExceeded', 'ReplicaSet "x" has timed out progressing.')],
      },
      'Degraded',
      'ProgressDeadlineExceeded: ReplicaSet "x" has timed out progressing.',
    ],
    [
      'manual pause',
      { ...routed, paused: true },
      { ...done, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 't' }] },
      'Paused',
      'manually paused',
    ],
    [
      'pause condition',
      routed,
      { ...done, pauseConditions: [{ reason: 'InconclusiveAnalysisRun', startTime: 't' }] },
      'Paused',
      'InconclusiveAnalysisRun',
    ],
    ['restarting', { ...routed, restartAt: '2026-01-01T00:00:00Z' }, done, 'Progressing', 'rollout is restarting'],
    ['updating', routed, { ...done, updatedReplicas: 1 }, 'Progressing', 'more replicas need to be updated'],
    [
      'becoming available',
      routed,
      { ...done, availableReplicas: 1 },
      'Progressing',
      'updated replicas are still becoming available',
    ],
    ['old pending (basic)', basic, { ...done, replicas: 3 }, 'Progressing', 'old replicas are pending termination'],
    ['old pending ignored with routing', routed, { ...done, replicas: 3 }, 'Healthy', ''],
    ['steps left', routed, { ...done, stableRS: 'b' }, 'Progressing', 'waiting for all steps to complete'],
    ['no stable', routed, { ...done, stableRS: undefined }, 'Progressing', 'waiting for all steps to complete'],
    ['healthy', routed, done, 'Healthy', ''],
  ])('%s', (_name, spec, status, phase, message) => {
    expect(calculatePhase(spec, status)).toEqual({ phase, message });
  });
});
