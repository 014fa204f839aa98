import { describe, expect, it } from 'vitest';
import { FakeClock, realClock, settle } from './clock.js';

describe('FakeClock', () => {
  it('fires due timers in order of due time, ties in creation order, with now() at each due time', () => {
    const clock = new FakeClock(1000);
    const fired: string[] = [];
    const note = (name: string) => () => fired.push(`${name}@${clock.now()}`);
    clock.setTimeout(note('c'), 30);
    clock.setTimeout(note('a'), 10);
    clock.setTimeout(note('b1'), 20);
    clock.setTimeout(note('b2'), 20);
    clock.setTimeout(note('late'), 100);
    clock.advance(50);
    expect(fired).toEqual(['a@1010', 'b1@1020', 'b2@1020', 'c@1030']);
    expect(clock.now()).toBe(1050);
    expect(clock.pendingTimers()).toBe(1);
    expect(clock.nextTimerAt()).toBe(1100);
  });

  it.each([
    ['within the window', 5, ['outer@10', 'inner@15']],
    ['beyond the window', 50, ['outer@10']],
  ])('fires a timer set by a firing timer when it falls %s', (_what, innerMs, expected) => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.setTimeout(() => {
      fired.push(`outer@${clock.now()}`);
      clock.setTimeout(() => fired.push(`inner@${clock.now()}`), innerMs);
    }, 10);
    clock.advance(20);
    expect(fired).toEqual(expected);
  });

  it('does not fire a cleared timer, and treats negative delays as zero', () => {
    const clock = new FakeClock();
    let fired = 0;
    const handle = clock.setTimeout(() => fired++, 5);
    clock.clearTimeout(handle);
    clock.setTimeout(() => (fired += 10), -5);
    clock.advance(0);
    clock.advance(10);
    expect(fired).toBe(10);
  });

  it('advanceAsync fires timers that promise chains started by earlier timers set', async () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => clock.setTimeout(() => fired.push(clock.now()), 10));
    }, 10);
    await clock.advanceAsync(30);
    expect(fired).toEqual([20]);
    expect(clock.now()).toBe(30);
  });

  it('advance alone does not wait for promise chains', () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => clock.setTimeout(() => fired.push(clock.now()), 10));
    }, 10);
    clock.advance(30);
    expect(fired).toEqual([]);
  });
});

describe('realClock', () => {
  it('fires timers on the system clock and cancels cleared ones', async () => {
    const fired: string[] = [];
    const start = realClock.now();
    realClock.setTimeout(() => fired.push('kept'), 5);
    realClock.clearTimeout(realClock.setTimeout(() => fired.push('cleared'), 5));
    await new Promise((r) => setTimeout(r, 40));
    await settle(2);
    expect(fired).toEqual(['kept']);
    expect(realClock.now()).toBeGreaterThanOrEqual(start);
  });
});
