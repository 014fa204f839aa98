/**
 * The decisions of kubelet's event recorder and of kube-apiserver's event TTL, as pure functions: which Events
 * are the same occurrence (and so one row with a `count`), what to write for a batch of occurrences, how long a
 * key must wait before its next write, and which stored Events have expired. No clock reads, no I/O.
 */
import type { KubeObject } from '../../api/index.js';

/** kube-apiserver's `--event-ttl` default: an Event goes one hour after it was last seen. */
export const DEFAULT_EVENT_TTL_MS = 60 * 60 * 1000;
/** At most one write per event key per second; occurrences in between are counted and written together. */
export const DEFAULT_MIN_WRITE_INTERVAL_MS = 1000;
export const KUBELET_COMPONENT = 'kubelet';

export type EventType = 'Normal' | 'Warning';

/** What the supervisor reports: kubelet's reason and message for one occurrence. */
export interface PodEventInput {
  type: EventType;
  reason: string;
  message: string;
}

export interface InvolvedPod {
  namespace: string;
  name: string;
  uid: string;
}

/** One occurrence, addressed: the pod, the container it is about (undefined for the pod itself), and the node. */
export interface EventOccurrence extends PodEventInput {
  pod: InvolvedPod;
  container: string | undefined;
  host: string;
}

/** The stored core/v1 Event fields this module reads and writes. */
export interface EventObject extends KubeObject {
  involvedObject: {
    apiVersion: string;
    kind: string;
    namespace: string;
    name: string;
    uid: string;
    fieldPath?: string;
  };
  type: string;
  reason: string;
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string; host?: string };
}

/** kubelet's `fieldPath` for a container: `spec.containers{NAME}`. */
export function containerFieldPath(container: string): string {
  return `spec.containers{${container}}`;
}

/**
 * The aggregation key, as kubelet's event correlator builds it: source, involved object (with fieldPath), type,
 * reason and message. Two occurrences with the same key are one Event whose `count` grows.
 */
export function eventKey(o: EventOccurrence): string {
  return JSON.stringify([
    KUBELET_COMPONENT,
    o.host,
    o.pod.namespace,
    o.pod.name,
    o.pod.uid,
    o.container === undefined ? '' : containerFieldPath(o.container),
    o.type,
    o.reason,
    o.message,
  ]);
}

export type EventWrite = { op: 'create'; object: EventObject } | { op: 'update'; object: EventObject };

/**
 * What to write for `count` occurrences of `o`, the last one at `at` (ms). `stored` is the Event this key last
 * wrote, read back now: when it still exists and is the same occurrence, its count grows and its lastTimestamp
 * moves; otherwise (never written, expired, deleted, or a name now used by something else) a new Event is created.
 * `firstAt` is when the batch's first occurrence happened (a new Event's firstTimestamp).
 */
export function planEventWrite(
  stored: EventObject | undefined,
  o: EventOccurrence,
  count: number,
  firstAt: number,
  at: number,
): EventWrite {
  const last = new Date(at).toISOString();
  if (stored !== undefined && sameOccurrence(stored, o)) {
    const previous = typeof stored.count === 'number' && stored.count > 0 ? stored.count : 1;
    return { op: 'update', object: { ...stored, count: previous + count, lastTimestamp: last } };
  }
  const involvedObject: EventObject['involvedObject'] = {
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: o.pod.namespace,
    name: o.pod.name,
    uid: o.pod.uid,
  };
  if (o.container !== undefined) involvedObject.fieldPath = containerFieldPath(o.container);
  return {
    op: 'create',
    object: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${o.pod.name}.`, namespace: o.pod.namespace },
      involvedObject,
      type: o.type,
      reason: o.reason,
      message: o.message,
      count,
      firstTimestamp: new Date(Math.min(firstAt, at)).toISOString(),
      lastTimestamp: last,
      source: { component: KUBELET_COMPONENT, host: o.host },
    },
  };
}

/** The stored object is read as it may be (written by anyone through the API): every field may be missing. */
function sameOccurrence(stored: EventObject, o: EventOccurrence): boolean {
  const { involvedObject: io, source } = stored as Partial<Omit<EventObject, 'involvedObject'>> & {
    involvedObject?: Partial<EventObject['involvedObject']>;
  };
  const fieldPath = o.container === undefined ? undefined : containerFieldPath(o.container);
  return (
    io?.kind === 'Pod' &&
    io.namespace === o.pod.namespace &&
    io.name === o.pod.name &&
    io.uid === o.pod.uid &&
    io.fieldPath === fieldPath &&
    stored.type === o.type &&
    stored.reason === o.reason &&
    stored.message === o.message &&
    source?.component === KUBELET_COMPONENT
  );
}

/** How long (ms) a key last written at `lastWriteAt` must wait at `now` before it writes again; 0 means now. */
export function writeDelay(lastWriteAt: number | undefined, now: number, minIntervalMs: number): number {
  if (lastWriteAt === undefined) return 0;
  return Math.max(0, lastWriteAt + minIntervalMs - now);
}

/** When an Event was last seen: lastTimestamp, else eventTime, firstTimestamp, creationTimestamp; NaN when none. */
export function lastSeen(event: KubeObject): number {
  const e = event as Partial<EventObject> & { eventTime?: unknown; series?: { lastObservedTime?: unknown } };
  const candidates: unknown[] = [
    e.lastTimestamp,
    e.series?.lastObservedTime,
    e.eventTime,
    e.firstTimestamp,
    event.metadata.creationTimestamp,
  ];
  for (const value of candidates) {
    if (typeof value !== 'string' || value === '') continue;
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  return Number.NaN;
}

export interface ExpiredEvent {
  namespace: string;
  name: string;
  resourceVersion: string | undefined;
}

/**
 * The Events older than `ttlMs` at `now` (by when they were last seen), as kube-apiserver's `--event-ttl` drops
 * them. An Event with no readable time is left alone: it cannot be aged, and deleting it would lose it unseen.
 */
export function expiredEvents(events: readonly KubeObject[], now: number, ttlMs: number): ExpiredEvent[] {
  const expired: ExpiredEvent[] = [];
  for (const event of events) {
    const seen = lastSeen(event);
    if (Number.isNaN(seen) || now - seen < ttlMs) continue;
    expired.push({
      namespace: event.metadata.namespace ?? '',
      name: event.metadata.name ?? '',
      resourceVersion: event.metadata.resourceVersion,
    });
  }
  return expired;
}
