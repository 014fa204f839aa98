import type { PodLike } from './types.js';

/** Pods the ReplicaSet counts: not being deleted and not finished (Kubernetes' `FilterActivePods`). */
export function isActive(pod: PodLike): boolean {
  const phase = pod.status?.phase;
  return pod.metadata.deletionTimestamp === undefined && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isTerminal(pod: PodLike): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function readyCondition(pod: PodLike): { status: string; lastTransitionTime?: string } | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isReady(pod: PodLike): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** Milliseconds since the pod became ready, or undefined when it is not ready (or the time is unknown: 0). */
export function readyForMs(pod: PodLike, now: number): number | undefined {
  const condition = readyCondition(pod);
  if (condition?.status !== 'True') return undefined;
  const since = condition.lastTransitionTime === undefined ? NaN : Date.parse(condition.lastTransitionTime);
  return Number.isNaN(since) ? 0 : Math.max(0, now - since);
}

/**
 * Available = ready for at least minReadySeconds (Kubernetes' `IsPodAvailable`). Without a transition time a
 * ready pod counts as available only when minReadySeconds is 0.
 */
export function isAvailable(pod: PodLike, minReadySeconds: number, now: number): boolean {
  if (!isReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const condition = readyCondition(pod);
  const since = condition?.lastTransitionTime === undefined ? NaN : Date.parse(condition.lastTransitionTime);
  if (Number.isNaN(since)) return false;
  return since + minReadySeconds * 1000 <= now;
}

export function restartsOf(pod: PodLike): number {
  return (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0);
}

function phaseRank(pod: PodLike): number {
  const phase = pod.status?.phase;
  if (phase === undefined || phase === 'Pending') return 0;
  if (phase === 'Unknown') return 1;
  return 2;
}

function createdAt(pod: PodLike): number {
  const t = pod.metadata.creationTimestamp === undefined ? NaN : Date.parse(pod.metadata.creationTimestamp);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/**
 * Orders pods for scale-down, first to delete first, as Kubernetes' `ActivePods` ranking does: pending before
 * running, not ready before ready, ready for a shorter time first, more restarts first, newer before older.
 */
export function compareForDeletion(now: number): (a: PodLike, b: PodLike) => number {
  return (a, b) => {
    const byPhase = phaseRank(a) - phaseRank(b);
    if (byPhase !== 0) return byPhase;
    const readyA = readyForMs(a, now);
    const readyB = readyForMs(b, now);
    if ((readyA === undefined) !== (readyB === undefined)) return readyA === undefined ? -1 : 1;
    if (readyA !== undefined && readyB !== undefined && readyA !== readyB) return readyA - readyB;
    const byRestarts = restartsOf(b) - restartsOf(a);
    if (byRestarts !== 0) return byRestarts;
    const byAge = createdAt(b) - createdAt(a);
    if (byAge !== 0 && !Number.isNaN(byAge)) return byAge;
    return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  };
}
