import type { ContainerStatus, PodCondition, PodPhase, PodStatus } from './pod-types.js';

export interface PodStatusInput {
  podIP: string;
  startTime: string;
  containers: readonly ContainerStatus[];
  /** Per container: has it started at least once (the pod leaves Pending), and is it finished for good. */
  started: readonly boolean[];
  finished: readonly boolean[];
  /** Ready = all containers ready; its transition time comes from `readySince`. */
  readySince: string;
  containersReadySince: string;
  scheduledAt: string;
}

/** The phase kubelet derives from its containers: Pending until all started, then Running, Succeeded or Failed. */
export function podPhase(input: Pick<PodStatusInput, 'containers' | 'started' | 'finished'>): PodPhase {
  if (input.started.some((s) => !s)) return 'Pending';
  if (input.finished.length > 0 && input.finished.every((f) => f)) {
    const failed = input.containers.some((c) => (c.state.terminated?.exitCode ?? 0) !== 0);
    return failed ? 'Failed' : 'Succeeded';
  }
  return 'Running';
}

export function allReady(containers: readonly ContainerStatus[]): boolean {
  return containers.length > 0 && containers.every((c) => c.ready);
}

/** A core/v1 PodStatus from the containers' states. */
export function buildPodStatus(input: PodStatusInput): PodStatus {
  const ready = allReady(input.containers);
  const notReady = input.containers.filter((c) => !c.ready).map((c) => c.name);
  const unreadyMessage = `containers with unready status: [${notReady.join(' ')}]`;
  const conditions: PodCondition[] = [
    { type: 'PodScheduled', status: 'True', lastTransitionTime: input.scheduledAt },
    { type: 'Initialized', status: 'True', lastTransitionTime: input.scheduledAt },
    condition('ContainersReady', ready, input.containersReadySince, unreadyMessage),
    condition('Ready', ready, input.readySince, unreadyMessage),
  ];
  const status: PodStatus = {
    phase: podPhase(input),
    conditions,
    hostIP: '127.0.0.1',
    podIP: input.podIP,
    podIPs: [{ ip: input.podIP }],
    startTime: input.startTime,
    containerStatuses: [...input.containers],
  };
  return status;
}

function condition(type: string, ready: boolean, since: string, message: string): PodCondition {
  const c: PodCondition = { type, status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: since };
  if (!ready) {
    c.reason = 'ContainersNotReady';
    c.message = message;
  }
  return c;
}
