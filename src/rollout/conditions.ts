import type { RolloutCondition } from '../api/index.js';

/**
 * Condition bookkeeping as in Argo's `SetRolloutCondition`: a condition with the same type, status and reason is
 * kept as it is (so the first abort message sticks), unless `touch` asks to record progress in `lastUpdateTime`.
 */
export function setCondition(
  conditions: RolloutCondition[],
  next: Omit<RolloutCondition, 'lastUpdateTime' | 'lastTransitionTime'>,
  nowIso: string,
  touch = false,
): RolloutCondition[] {
  const current = conditions.find((c) => c.type === next.type);
  if (current && current.status === next.status && current.reason === next.reason) {
    if (!touch || current.lastUpdateTime === nowIso) return conditions;
    return conditions.map((c) => (c === current ? { ...c, lastUpdateTime: nowIso } : c));
  }
  const transition = current && current.status === next.status ? (current.lastTransitionTime ?? nowIso) : nowIso;
  const fresh: RolloutCondition = { ...next, lastUpdateTime: nowIso, lastTransitionTime: transition };
  return current ? conditions.map((c) => (c === current ? fresh : c)) : [...conditions, fresh];
}

export function removeCondition(conditions: RolloutCondition[], type: string): RolloutCondition[] {
  return conditions.filter((c) => c.type !== type);
}

export function getCondition(conditions: RolloutCondition[] | undefined, type: string): RolloutCondition | undefined {
  return conditions?.find((c) => c.type === type);
}
