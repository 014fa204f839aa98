/**
 * Time for the controller machinery, injected so that simulations run hours of rollout in milliseconds: the real
 * clock in production, a `FakeClock` that moves only when told to in tests.
 */

/** An opaque timer, only good for passing back to the clock that made it. */
export interface TimerHandle {
  readonly kanaryTimer: true;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once, `ms` milliseconds from now (at once-ish for ms <= 0, never synchronously). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a no-op for one that fired or was cancelled. */
  clearTimeout(handle: TimerHandle): void;
}

/** The system clock and Node's timers. Timers do not keep the process alive (they are unref'd). */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return t as unknown as TimerHandle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as unknown as NodeJS.Timeout);
  },
};

interface FakeTimer {
  handle: TimerHandle;
  due: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only through `advance`, firing due timers in order of due time (ties in order of creation),
 * each with `now()` set to its due time. Timers created while advancing fire too if they fall due within the
 * window. A throwing timer callback propagates out of `advance` after the clock has reached that timer.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<TimerHandle, FakeTimer>();

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle: TimerHandle = { kanaryTimer: true };
    this.#timers.set(handle, { handle, due: this.#now + Math.max(0, ms), seq: this.#seq++, fn });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle);
  }

  /** How many timers are waiting to fire. */
  pendingTimers(): number {
    return this.#timers.size;
  }

  /** When the next timer falls due, or undefined when none waits. */
  nextTimerAt(): number | undefined {
    return this.#next()?.due;
  }

  /** Moves time forward by `ms`, synchronously firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (let timer = this.#next(); timer !== undefined && timer.due <= target; timer = this.#next()) {
      this.#fire(timer);
    }
    this.#now = target;
  }

  /**
   * Moves time forward by `ms` like `advance`, but lets asynchronous work settle (see `settle`) before and after
   * each timer, so that timers set by promise chains that a timer started also fire within the window. This is
   * how simulations drive controllers whose reconciles are async.
   */
  async advanceAsync(ms: number, settleRounds = 20): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    await settle(settleRounds);
    for (let timer = this.#next(); timer !== undefined && timer.due <= target; timer = this.#next()) {
      this.#fire(timer);
      await settle(settleRounds);
    }
    this.#now = target;
    await settle(settleRounds);
  }

  #fire(timer: FakeTimer): void {
    this.#timers.delete(timer.handle);
    this.#now = Math.max(this.#now, timer.due);
    timer.fn();
  }

  #next(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers.values()) {
      if (best === undefined || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/**
 * Lets pending promise chains run: waits `rounds` turns of the event loop (each drains every queued microtask).
 * Enough for work that only awaits in-memory or synchronous stores; not for real I/O.
 */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
