import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../controller/runtime/index.js';
import { MemoryStore } from '../../store/index.js';
import type { EventObject, PodEventInput } from './aggregate.js';
import { EventExpiry } from './expiry.js';
import { EventRecorder } from './recorder.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const pod = { namespace: 'shop', name: 'web-1', uid: 'u1' };
const unhealthy: PodEventInput = {
  type: 'Warning',
  reason: 'Unhealthy',
  message: 'Liveness probe failed: HTTP probe failed with statuscode: 503',
};

let store: MemoryStore;
afterEach(async () => {
  await store.close();
});

function setup(options: { maxKeys?: number } = {}): { clock: FakeClock; recorder: EventRecorder } {
  store = new MemoryStore();
  const clock = new FakeClock(T0);
  return { clock, recorder: new EventRecorder({ store, clock, host: 'kanary-local', ...options }) };
}

async function events(): Promise<EventObject[]> {
  return (await store.list<EventObject>('Event')).items;
}

/** Counts the store's writes of Events. */
function countWrites(): { writes: number; stop: () => void } {
  const counter = { writes: 0, stop: (): void => undefined };
  counter.stop = store.watch('Event', {}, () => {
    counter.writes++;
  });
  return counter;
}

describe('EventRecorder', () => {
  it('aggregates repeats of one occurrence into one Event whose count and lastTimestamp move', async () => {
    const { clock, recorder } = setup();
    for (let i = 0; i < 5; i++) {
      recorder.record(pod, 'app', unhealthy);
      await clock.advanceAsync(1000);
    }
    await recorder.flush();
    const [only, ...rest] = await events();
    expect(rest).toEqual([]);
    expect(only).toMatchObject({
      reason: 'Unhealthy',
      count: 5,
      firstTimestamp: new Date(T0).toISOString(),
      lastTimestamp: new Date(T0 + 4000).toISOString(),
      involvedObject: { kind: 'Pod', name: 'web-1', uid: 'u1', fieldPath: 'spec.containers{app}' },
      source: { component: 'kubelet', host: 'kanary-local' },
    });
    expect(only?.metadata.name).toMatch(/^web-1\./);
  });

  it('keeps different occurrences apart', async () => {
    const { recorder } = setup();
    recorder.record(pod, 'app', unhealthy);
    recorder.record(pod, 'app', { type: 'Normal', reason: 'Killing', message: 'Stopping container app' });
    recorder.record(pod, 'sidecar', unhealthy);
    recorder.record({ ...pod, uid: 'u2' }, 'app', unhealthy);
    await recorder.flush();
    expect((await events()).map((e) => e.count)).toEqual([1, 1, 1, 1]);
  });

  it('writes one key at most once per interval: a burst is one write now and one with the rest', async () => {
    const { clock, recorder } = setup();
    const counter = countWrites();
    for (let i = 0; i < 100; i++) {
      recorder.record(pod, 'app', unhealthy);
      await clock.advanceAsync(5); // 100 occurrences in 0.5 s
    }
    await clock.advanceAsync(1000);
    await recorder.flush();
    counter.stop();
    expect(counter.writes).toBe(2);
    const [only] = await events();
    expect(only?.count).toBe(100);
    expect(only?.lastTimestamp).toBe(new Date(T0 + 99 * 5).toISOString());
  });

  it('starts a new Event when the one it wrote has expired meanwhile', async () => {
    const { clock, recorder } = setup();
    recorder.record(pod, 'app', unhealthy);
    await recorder.flush();
    await clock.advanceAsync(2 * 3_600_000);
    const expiry = new EventExpiry({ store, clock });
    expect(await expiry.sweep()).toBe(1);
    recorder.record(pod, 'app', unhealthy);
    await recorder.flush();
    const all = await events();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ count: 1, firstTimestamp: new Date(T0 + 2 * 3_600_000).toISOString() });
  });

  it('forgets the least recently used key beyond maxKeys (its next occurrence is a new Event)', async () => {
    const { recorder } = setup({ maxKeys: 1 });
    recorder.record(pod, 'app', unhealthy);
    await recorder.flush();
    recorder.record(pod, 'sidecar', unhealthy);
    await recorder.flush();
    recorder.record(pod, 'app', unhealthy);
    await recorder.flush();
    expect((await events()).filter((e) => e.involvedObject.fieldPath === 'spec.containers{app}')).toHaveLength(2);
  });

  it('records nothing after close, and a write that fails is logged, not thrown', async () => {
    store = new MemoryStore();
    const clock = new FakeClock(T0);
    const logs: string[] = [];
    const recorder = new EventRecorder({ store, clock, host: 'n', log: (m) => logs.push(m) });
    await store.close();
    recorder.record(pod, 'app', unhealthy);
    await recorder.close();
    expect(logs.join('\n')).toMatch(/event Unhealthy for pod shop\/web-1 not recorded/);
    recorder.record(pod, 'app', unhealthy);
    await recorder.flush();
    expect(logs).toHaveLength(1);
    store = new MemoryStore();
  });
});

describe('EventExpiry', () => {
  it('deletes Events last seen more than the TTL ago, on a periodic sweep run by the injected clock', async () => {
    const { clock, recorder } = setup();
    recorder.record(pod, 'app', unhealthy);
    recorder.record(pod, 'app', { type: 'Normal', reason: 'Started', message: 'Started container app' });
    await recorder.flush();
    const expiry = new EventExpiry({ store, clock, ttlMs: 10 * 60_000, sweepMs: 60_000 });
    await expiry.start();
    await clock.advanceAsync(5 * 60_000);
    // Seen again: its lastTimestamp moves and it outlives the other.
    recorder.record(pod, 'app', unhealthy);
    await recorder.flush();
    await clock.advanceAsync(6 * 60_000);
    expect((await events()).map((e) => e.reason)).toEqual(['Unhealthy']);
    await clock.advanceAsync(5 * 60_000);
    expect(await events()).toEqual([]);
    await expiry.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('leaves an Event alone that was updated between the list and the delete', async () => {
    const { clock, recorder } = setup();
    recorder.record(pod, 'app', unhealthy);
    await recorder.flush();
    await clock.advanceAsync(2 * 3_600_000);
    const [e] = await events();
    if (e === undefined) throw new Error('no event');
    // Another writer moves it after an (imagined) list: the version-conditional delete must not remove it.
    await store.update({ ...e, count: 2, lastTimestamp: new Date(clock.now()).toISOString() });
    await expect(
      store.delete('Event', 'shop', e.metadata.name ?? '', { resourceVersion: e.metadata.resourceVersion }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const expiry = new EventExpiry({ store, clock });
    expect(await expiry.sweep()).toBe(0);
    expect(await events()).toHaveLength(1);
  });
});
