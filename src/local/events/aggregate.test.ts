import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/index.js';
import {
  eventKey,
  expiredEvents,
  planEventWrite,
  writeDelay,
  type EventObject,
  type EventOccurrence,
} from './aggregate.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;

const base: EventOccurrence = {
  pod: { namespace: 'shop', name: 'web-1', uid: 'u1' },
  container: 'app',
  host: 'kanary-local',
  type: 'Warning',
  reason: 'Unhealthy',
  message: 'Liveness probe failed: HTTP probe failed with statuscode: 503',
};

function stored(o: EventOccurrence, count: number, at: number): EventObject {
  const created = planEventWrite(undefined, o, count, at, at).object;
  return { ...created, metadata: { name: 'web-1.abcde', namespace: o.pod.namespace, resourceVersion: '7' } };
}

describe('eventKey', () => {
  it.each<[string, Partial<EventOccurrence>, boolean]>([
    ['the same occurrence', {}, true],
    ['another message', { message: 'Liveness probe failed: timeout' }, false],
    ['another reason', { reason: 'Killing' }, false],
    ['another type', { type: 'Normal' }, false],
    ['another container', { container: 'sidecar' }, false],
    ['the pod itself', { container: undefined }, false],
    ['another incarnation of the pod', { pod: { ...base.pod, uid: 'u2' } }, false],
    ['another node', { host: 'other' }, false],
  ])('%s: same key %s', (_title, change, same) => {
    expect(eventKey({ ...base, ...change }) === eventKey(base)).toBe(same);
  });
});

describe('planEventWrite', () => {
  it('creates a kubelet Event about the container when nothing was written', () => {
    const write = planEventWrite(undefined, base, 3, T0, T0 + 2000);
    expect(write).toEqual({
      op: 'create',
      object: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: 'web-1.', namespace: 'shop' },
        involvedObject: {
          apiVersion: 'v1',
          kind: 'Pod',
          namespace: 'shop',
          name: 'web-1',
          uid: 'u1',
          fieldPath: 'spec.containers{app}',
        },
        type: 'Warning',
        reason: 'Unhealthy',
        message: base.message,
        count: 3,
        firstTimestamp: '2026-01-01T00:00:00.000Z',
        lastTimestamp: '2026-01-01T00:00:02.000Z',
        source: { component: 'kubelet', host: 'kanary-local' },
      },
    });
  });

  it('leaves fieldPath out for an event about the pod itself', () => {
    const write = planEventWrite(undefined, { ...base, container: undefined }, 1, T0, T0);
    expect(write.object.involvedObject).not.toHaveProperty('fieldPath');
  });

  it.each<[string, EventObject | undefined, 'create' | 'update', number]>([
    ['the stored Event of the same occurrence grows', stored(base, 4, T0), 'update', 6],
    ['a stored Event with a missing count counts as one', { ...stored(base, 1, T0), count: 0 }, 'update', 3],
    ['a name now used by another message starts anew', stored({ ...base, message: 'other' }, 4, T0), 'create', 2],
    [
      'a name now used by another pod incarnation starts anew',
      stored({ ...base, pod: { ...base.pod, uid: 'u0' } }, 4, T0),
      'create',
      2,
    ],
    [
      'an Event from another component starts anew',
      { ...stored(base, 4, T0), source: { component: 'rollouts-controller' } },
      'create',
      2,
    ],
    ['an expired or deleted Event (read back as nothing) starts anew', undefined, 'create', 2],
  ])('%s', (_title, previous, op, count) => {
    const at = T0 + 5000;
    const write = planEventWrite(previous, base, 2, T0 + 4000, at);
    expect(write.op).toBe(op);
    expect(write.object.count).toBe(count);
    expect(write.object.lastTimestamp).toBe(new Date(at).toISOString());
    if (op === 'update') {
      expect(write.object.metadata).toEqual(previous?.metadata);
      expect(write.object.firstTimestamp).toBe(previous?.firstTimestamp);
    } else expect(write.object.firstTimestamp).toBe(new Date(T0 + 4000).toISOString());
  });
});

describe('writeDelay', () => {
  it.each<[string, number | undefined, number, number]>([
    ['never written: now', undefined, T0, 0],
    ['written just now: a full interval', T0, T0, 1000],
    ['written 300 ms ago: the rest of the interval', T0, T0 + 300, 700],
    ['written an interval ago: now', T0, T0 + 1000, 0],
    ['written long ago: now', T0, T0 + HOUR, 0],
  ])('%s', (_title, last, now, delay) => {
    expect(writeDelay(last, now, 1000)).toBe(delay);
  });
});

function event(name: string, times: Record<string, string | undefined>, created?: string): KubeObject {
  const metadata: KubeObject['metadata'] = { name, namespace: 'shop', resourceVersion: `rv-${name}` };
  if (created !== undefined) metadata.creationTimestamp = created;
  return { apiVersion: 'v1', kind: 'Event', metadata, ...times };
}

describe('expiredEvents', () => {
  const now = T0 + 2 * HOUR;
  const iso = (ms: number): string => new Date(ms).toISOString();
  it.each<[string, KubeObject, boolean]>([
    ['last seen just over an hour ago', event('a', { lastTimestamp: iso(now - HOUR - 1) }), true],
    ['last seen exactly an hour ago', event('b', { lastTimestamp: iso(now - HOUR) }), true],
    ['last seen just under an hour ago', event('c', { lastTimestamp: iso(now - HOUR + 1) }), false],
    [
      'first seen long ago but seen again recently',
      event('d', { firstTimestamp: iso(T0 - HOUR), lastTimestamp: iso(now - 1000) }),
      false,
    ],
    ['an events.k8s.io-style Event aged by eventTime', event('e', { eventTime: iso(now - 2 * HOUR) }), true],
    ['no timestamps: aged by creationTimestamp', event('f', {}, iso(now - 3 * HOUR)), true],
    ['no readable time at all: kept', event('g', { lastTimestamp: 'yesterday' }), false],
    ['a clock behind the Event (future timestamp): kept', event('h', { lastTimestamp: iso(now + HOUR) }), false],
  ])('%s: expired %s', (_title, e, expired) => {
    const result = expiredEvents([e], now, HOUR);
    expect(result).toEqual(
      expired ? [{ namespace: 'shop', name: e.metadata.name, resourceVersion: e.metadata.resourceVersion }] : [],
    );
  });

  it('uses the TTL it is given', () => {
    const e = event('a', { lastTimestamp: iso(now - 10_000) });
    expect(expiredEvents([e], now, 5_000)).toHaveLength(1);
    expect(expiredEvents([e], now, HOUR)).toHaveLength(0);
  });
});
