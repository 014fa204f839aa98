import type { KubeObject, Rollout } from '../../api/index.js';
import { KanaryError } from '../../common/index.js';
import type { Action, RolloutEvent } from '../../rollout/index.js';
import type { ResourceStore } from '../../store/index.js';

/**
 * What became of an action, for the caller's read-your-writes bookkeeping: `written` with what the store returned,
 * `exists` when a create found the name taken, `gone` when a patch or delete found the object already gone (or the
 * delete went through: the store returns nothing for it), `event` for an Event.
 */
export type Applied =
  | { outcome: 'written'; object: KubeObject }
  | { outcome: 'exists'; kind: string; namespace: string; name: string }
  | { outcome: 'gone'; kind: string; namespace: string; name: string }
  | { outcome: 'event' };

/**
 * Applies the engine's actions through the store. Creates that find the object already there and deletes or
 * patches of objects already gone are fine: the world moved on, and the next pass sees it.
 */
function tolerated(err: unknown, codes: string[]): boolean {
  return err instanceof KanaryError && codes.includes(err.code);
}

export async function applyAction(store: ResourceStore, rollout: Rollout, action: Action, now: Date): Promise<Applied> {
  const namespace = rollout.metadata.namespace ?? '';
  try {
    switch (action.type) {
      case 'create':
        return {
          outcome: 'written',
          object: await store.create({ ...action.object, metadata: { ...action.object.metadata, namespace } }),
        };
      case 'patch':
        return { outcome: 'written', object: await store.patch(action.kind, namespace, action.name, action.patch) };
      case 'delete':
        await store.delete(action.kind, namespace, action.name);
        return { outcome: 'gone', kind: action.kind, namespace, name: action.name };
      case 'event':
        await store.create(eventObject(rollout, action.event, now));
        return { outcome: 'event' };
    }
  } catch (err) {
    if (action.type === 'create' && tolerated(err, ['ALREADY_EXISTS'])) {
      const { kind, metadata } = action.object;
      return { outcome: 'exists', kind, namespace, name: metadata.name ?? '' };
    }
    if ((action.type === 'patch' || action.type === 'delete') && tolerated(err, ['NOT_FOUND'])) {
      return { outcome: 'gone', kind: action.kind, namespace, name: action.name };
    }
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
