import fc from 'fast-check';
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

describe('WorkQueue under random operation sequences', () => {
  type Step =
    | { t: 'add'; key: string }
    | { t: 'addAfter'; key: string; ms: number }
    | { t: 'get' }
    | { t: 'done'; pick: number }
    | { t: 'advance'; ms: number };
  const key = fc.constantFrom('a', 'b', 'c', 'd');
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ t: fc.constant('add' as const), key }),
    fc.record({ t: fc.constant('addAfter' as const), key, ms: fc.integer({ min: 0, max: 50 }) }),
    fc.record({ t: fc.constant('get' as const) }),
    fc.record({ t: fc.constant('done' as const), pick: fc.nat() }),
    fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 60 }) }),
  );

  it('never hands out a key in process, holds each key once, and processes every key added after its last pass', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const { clock, queue } = setup();
        const processing = new Set<string>();
        /** Keys added (or whose timer fired) since they were last handed out. */
        const owed = new Set<string>();
        const take = async (): Promise<void> => {
          const k = await queue.get();
          if (k === undefined) throw new Error('queue shut down');
          expect(processing.has(k)).toBe(false);
          processing.add(k);
          owed.delete(k);
        };
        const pending = new Map<string, number>();
        const fireDue = (): void => {
          for (const [k, due] of pending) {
            if (due <= clock.now()) {
              owed.add(k);
              pending.delete(k);
            }
          }
        };
        for (const s of steps) {
          if (s.t === 'add') {
            owed.add(s.key);
            queue.add(s.key);
          } else if (s.t === 'addAfter') {
            if (s.ms === 0) owed.add(s.key);
            else pending.set(s.key, Math.min(pending.get(s.key) ?? Infinity, clock.now() + s.ms));
            queue.addAfter(s.key, s.ms);
          } else if (s.t === 'get') {
            if (queue.len() > 0) await take();
          } else if (s.t === 'done') {
            const k = [...processing][s.pick % Math.max(1, processing.size)];
            if (k !== undefined) {
              processing.delete(k);
              queue.done(k);
            }
          } else {
            clock.advance(s.ms);
            fireDue();
          }
          expect(queue.len()).toBeLessThanOrEqual(4);
        }
        // Finish everything in process, let every timer fire, and drain.
        for (const k of [...processing]) {
          processing.delete(k);
          queue.done(k);
        }
        clock.advance(1000);
        fireDue();
        while (queue.len() > 0) {
          await take();
          for (const k of [...processing]) {
            processing.delete(k);
            queue.done(k);
          }
        }
        expect([...owed]).toEqual([]);
        expect(queue.isIdle()).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
