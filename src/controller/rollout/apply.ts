import type { KubeObject, Rollout } from '../../api/index.js';
import { KanaryError } from '../../common/index.js';
import type { Action, RolloutEvent } from '../../rollout/index.js';
import type { ResourceStore } from '../../store/index.js';

/**
 * Applies the engine's actions through the store. Creates that find the object already there and deletes or
 * patches of objects already gone are fine: the world moved on, and the next pass sees it.
 */

function tolerated(err: unknown, codes: string[]): boolean {
  return err instanceof KanaryError && codes.includes(err.code);
}

export async function applyAction(store: ResourceStore, rollout: Rollout, action: Action, now: Date): Promise<void> {
  const namespace = rollout.metadata.namespace ?? '';
  try {
    switch (action.type) {
      case 'create':
        await store.create({ ...action.object, metadata: { ...action.object.metadata, namespace } });
        return;
      case 'patch':
        await store.patch(action.kind, namespace, action.name, action.patch);
        return;
      case 'delete':
        await store.delete(action.kind, namespace, action.name);
        return;
      case 'event':
        await store.create(eventObject(rollout, action.event, now));
        return;
    }
  } catch (err) {
    if (action.type === 'create' && tolerated(err, ['ALREADY_EXISTS'])) return;
    if (action.type !== 'create' && action.type !== 'event' && tolerated(err, ['NOT_FOUND'])) return;
    throw err;
  }
}

/** A core/v1 Event about the Rollout, as `kubectl describe` and the notification engine read them. */
export function eventObject(rollout: Rollout, event: RolloutEvent, now: Date): KubeObject {
  const time = now.toISOString();
  const obj = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: `${rollout.metadata.name ?? 'rollout'}.`, namespace: rollout.metadata.namespace ?? '' },
    involvedObject: {
      apiVersion: rollout.apiVersion,
      kind: 'Rollout',
      name: rollout.metadata.name,
      namespace: rollout.metadata.namespace,
      uid: rollout.metadata.uid,
    },
    type: event.type,
    reason: event.reason,
    message: event.message,
    count: 1,
    firstTimestamp: time,
    lastTimestamp: time,
    source: { component: 'rollouts-controller' },
  };
  return obj;
}
