import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { WorkQueue } from './work-queue.js';

function setup(options: { baseDelayMs?: number; maxDelayMs?: number } = {}) {
  const clock = new FakeClock();
  return { clock, queue: new WorkQueue({ clock, ...options }) };
}

/** Takes every ready key without blocking. */
async function drain(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len() > 0) {
    const key = await queue.get();
    if (key === undefined) break;
    keys.push(key);
  }
  return keys;
}

describe('WorkQueue', () => {
  it('holds a key once however often it is added, in first-added order', async () => {
    const { queue } = setup();
    for (const k of ['a', 'b', 'a', 'c', 'b']) queue.add(k);
    expect(queue.len()).toBe(3);
    expect(await drain(queue)).toEqual(['a', 'b', 'c']);
  });

  it('never hands out a key being processed; a re-add during processing runs once after done', async () => {
    const { queue } = setup();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(0);
    const second = queue.get();
    queue.add('b');
    expect(await second).toBe('b');
    queue.done('a');
    expect(await drain(queue)).toEqual(['a']);
    queue.done('a');
    expect(queue.len()).toBe(0);
  });

  it('does not queue a processed key again when nobody re-added it', async () => {
    const { queue } = setup();
    queue.add('a');
    await queue.get();
    queue.done('a');
    expect(queue.len()).toBe(0);
    expect(queue.isIdle()).toBe(true);
  });

  it('wakes waiting workers one key each', async () => {
    const { queue } = setup();
    const first = queue.get();
    const second = queue.get();
    queue.add('x');
    queue.add('y');
    expect([await first, await second]).toEqual(['x', 'y']);
  });

  it.each([
    ['a later request is dropped', 100, 300, 100],
    ['an earlier request replaces a later one', 300, 100, 100],
    ['an equal request changes nothing', 200, 200, 200],
  ])('addAfter: the earliest timer wins (%s)', (_what, first, second, firesAt) => {
    const { clock, queue } = setup();
    queue.addAfter('k', first);
    queue.addAfter('k', second);
    expect(queue.delayed()).toBe(1);
    clock.advance(firesAt - 1);
    expect(queue.len()).toBe(0);
    clock.advance(1);
    expect(queue.len()).toBe(1);
    clock.advance(1000);
    expect(queue.len()).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('addAfter with no delay adds at once', () => {
    const { clock, queue } = setup();
    queue.addAfter('k', 0);
    expect(queue.len()).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('backs off exponentially per key up to the cap, and forget starts over', async () => {
    const { clock, queue } = setup({ baseDelayMs: 10, maxDelayMs: 50 });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = clock.now();
      queue.addRateLimited('k');
      while (queue.len() === 0) clock.advance(1);
      delays.push(clock.now() - before);
      await queue.get();
      queue.done('k');
    }
    expect(delays).toEqual([10, 20, 40, 50, 50]);
    expect(queue.failures('k')).toBe(5);
    queue.forget('k');
    queue.addRateLimited('k');
    expect(clock.nextTimerAt()).toBe(clock.now() + 10);
  });

  it('whenIdle resolves once nothing is ready or processing', async () => {
    const { queue } = setup();
    queue.add('a');
    let idle = false;
    void queue.whenIdle().then(() => (idle = true));
    const key = await queue.get();
    await Promise.resolve();
    expect(idle).toBe(false);
    queue.done(key ?? '');
    await Promise.resolve();
    expect(idle).toBe(true);
  });

  it('after shutDown: waiting gets resolve undefined, adds are ignored, timers are cancelled', async () => {
    const { clock, queue } = setup();
    const waiting = queue.get();
    queue.addAfter('later', 100);
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    queue.add('a');
    expect(queue.len()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
    expect(await queue.get()).toBeUndefined();
  });
});
