import type { Clock, TimerHandle } from './clock.js';

export interface WorkQueueOptions {
  clock: Clock;
  /** The first retry delay of `addRateLimited`; it doubles with every further failure of the key. Default 10 ms. */
  baseDelayMs?: number;
  /** The cap of the retry delay. Default 5 minutes. */
  maxDelayMs?: number;
}

/**
 * A queue of keys to reconcile, with the guarantees level-triggered controllers rely on:
 * - a key waits in the queue at most once, however often it is added (deduplication);
 * - a key is handed to at most one worker at a time: a key added while being processed is queued again when the
 *   worker calls `done`, so the change is seen by a later pass, never by a concurrent one;
 * - keys are handed out in the order they became ready;
 * - `addAfter` sets a timer per key, and the earliest timer wins: a later request for a key that already has an
 *   earlier timer is dropped, an earlier request replaces a later timer;
 * - `addRateLimited` retries with exponential backoff per key until `forget`.
 * After `shutDown`, `get` returns undefined, additions are ignored and timers are cancelled.
 */
export class WorkQueue {
  readonly #clock: Clock;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #ready: string[] = [];
  /** Keys that need processing: queued in #ready, or waiting for their worker to finish. */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #timers = new Map<string, { due: number; handle: TimerHandle }>();
  readonly #failures = new Map<string, number>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  readonly #idleWaiters: (() => void)[] = [];
  #shutDown = false;

  constructor(options: WorkQueueOptions) {
    this.#clock = options.clock;
    this.#baseDelayMs = options.baseDelayMs ?? 10;
    this.#maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
  }

  /** Marks a key as needing a pass. */
  add(key: string): void {
    if (this.#shutDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#ready.push(key);
    this.#dispatch();
  }

  /** Adds the key after `ms` milliseconds; the earliest pending request for a key wins. */
  addAfter(key: string, ms: number): void {
    if (this.#shutDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const due = this.#clock.now() + ms;
    const pending = this.#timers.get(key);
    if (pending !== undefined) {
      if (pending.due <= due) return;
      this.#clock.clearTimeout(pending.handle);
    }
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    this.#timers.set(key, { due, handle });
  }

  /** Adds the key after its backoff delay: base, 2 x base, 4 x base, ... up to the cap, counted per key. */
  addRateLimited(key: string): void {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    this.addAfter(key, Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** Math.min(failures, 52)));
  }

  /** Clears the key's failure count: the next `addRateLimited` starts from the base delay again. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** How many times in a row the key was added rate-limited since the last `forget`. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /**
   * Waits for the next ready key and marks it as being processed; the caller must call `done(key)` when finished.
   * Resolves undefined once the queue is shut down.
   */
  get(): Promise<string | undefined> {
    if (this.#shutDown) return Promise.resolve(undefined);
    const key = this.#ready.shift();
    if (key !== undefined) return Promise.resolve(this.#take(key));
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Ends the processing of a key; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#shutDown) {
      this.#ready.push(key);
      this.#dispatch();
    }
    this.#notifyIdle();
  }

  /** Keys ready to be handed out. */
  len(): number {
    return this.#ready.length;
  }

  /** Keys waiting for their `addAfter` timer. */
  delayed(): number {
    return this.#timers.size;
  }

  /** True when no key is ready and none is being processed (timers may still be pending). */
  isIdle(): boolean {
    return this.#ready.length === 0 && this.#processing.size === 0;
  }

  /** Resolves the next time the queue is idle (at once if it is). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  get isShutDown(): boolean {
    return this.#shutDown;
  }

  /** Stops the queue: waiting and future `get`s resolve undefined, pending timers are cancelled. */
  shutDown(): void {
    if (this.#shutDown) return;
    this.#shutDown = true;
    for (const { handle } of this.#timers.values()) this.#clock.clearTimeout(handle);
    this.#timers.clear();
    this.#ready.length = 0;
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
    this.#notifyIdle();
  }

  #take(key: string): string {
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }

  #dispatch(): void {
    while (this.#waiters.length > 0 && this.#ready.length > 0) {
      const waiter = this.#waiters.shift();
      const key = this.#ready.shift();
      if (waiter !== undefined && key !== undefined) waiter(this.#take(key));
    }
  }

  #notifyIdle(): void {
    if (!this.isIdle() && !this.#shutDown) return;
    for (const waiter of this.#idleWaiters.splice(0)) waiter();
  }
}
