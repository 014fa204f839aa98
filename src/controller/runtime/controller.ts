import type { KubeObject } from '../../api/meta.js';
import { KanaryError } from '../../common/index.js';
import { settle, type Clock } from './clock.js';
import type { Informer } from './informer.js';
import { objectKey } from './keys.js';
import { WorkQueue } from './work-queue.js';

/** What a pass asks for: run again after this many milliseconds (a timer), or nothing (wait for a change). */
export interface ReconcileResult {
  requeueAfterMs?: number;
  /**
   * Something got in the way that another pass should get past (a create found its name taken): run again after
   * the key's backoff, as after an error, without reporting one. Growing delays keep a lasting clash from spinning.
   */
  backoff?: boolean;
}

/**
 * One level-triggered pass over the object named by `key` ("namespace/name"): read the current state, act, and
 * return. It must be idempotent: it runs after every change, after errors, and sometimes with nothing changed.
 * A KanaryError CONFLICT is retried at once (the pass reads fresher state); any other throw is retried with backoff.
 */
export type Reconciler = (key: string) => Promise<ReconcileResult | undefined>;

/** Reported after every pass, for metrics and logs. */
export interface ReconcileReport {
  controller: string;
  key: string;
  durationMs: number;
  /** 'success', 'conflict' (retried at once), 'error' (retried with backoff). */
  outcome: 'success' | 'conflict' | 'error';
  error?: Error;
}

export interface ControllerOptions {
  /** Names the controller in reports. */
  name: string;
  clock: Clock;
  reconcile: Reconciler;
  /** Passes that may run at once, on different keys. Default 1. */
  workers?: number;
  /** CONFLICTs in a row retried at once before falling back to the backoff. Default 3. */
  conflictRetries?: number;
  /** Backoff of failing keys: see WorkQueueOptions. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Hears every pass. Errors are retried whether or not anyone listens. */
  onReconcile?: (report: ReconcileReport) => void;
}

/**
 * Runs a Reconciler over a WorkQueue fed by informers: every observed change of a watched object enqueues the
 * keys it maps to, workers take keys one at a time per key, and the result decides when a key runs again
 * (`requeueAfterMs`; the earliest pending request wins). Informers are not owned: `start` starts them (start is
 * idempotent, so controllers can share them) but `stop` leaves them running for their owner to stop.
 */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #clock: Clock;
  readonly #reconcile: Reconciler;
  readonly #workers: number;
  readonly #conflictRetries: number;
  readonly #onReconcile: (report: ReconcileReport) => void;
  readonly #informers: Informer[] = [];
  readonly #conflicts = new Map<string, number>();
  #running: Promise<void>[] = [];
  #started = false;

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.#clock = options.clock;
    this.#reconcile = options.reconcile;
    this.#workers = Math.max(1, options.workers ?? 1);
    this.#conflictRetries = options.conflictRetries ?? 3;
    this.#onReconcile = options.onReconcile ?? (() => undefined);
    this.queue = new WorkQueue({
      clock: options.clock,
      ...(options.baseDelayMs === undefined ? {} : { baseDelayMs: options.baseDelayMs }),
      ...(options.maxDelayMs === undefined ? {} : { maxDelayMs: options.maxDelayMs }),
    });
  }

  /**
   * Enqueues, for every add, update and delete the informer sees, the keys `toKeys` maps the object to: by default
   * the object's own key; for owned objects, e.g. `controllerOwnerKeys('Rollout')`. Call before `start`.
   */
  watches<T extends KubeObject>(informer: Informer<T>, toKeys: (obj: T) => string[] = (o) => [objectKey(o)]): this {
    const enqueue = (obj: T): void => {
      for (const key of toKeys(obj)) this.queue.add(key);
    };
    informer.addHandlers({ onAdd: enqueue, onUpdate: (_old, obj) => enqueue(obj), onDelete: enqueue });
    this.#informers.push(informer as unknown as Informer);
    return this;
  }

  /** Asks for a pass over `key` (after `afterMs`, if given). */
  enqueue(key: string, afterMs = 0): void {
    this.queue.addAfter(key, afterMs);
  }

  /** Starts the informers, waits until each has listed, then starts the workers. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await Promise.all(this.#informers.map((i) => i.start()));
    if (this.queue.isShutDown) return;
    this.#running = Array.from({ length: this.#workers }, () => this.#work());
  }

  /** Stops taking keys and waits for the passes in flight to finish. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.#running);
  }

  /**
   * Resolves once no key is ready or being processed, after letting pending asynchronous work (watch deliveries)
   * land: the point a simulation advances its fake clock from. Pending `requeueAfter` timers do not count.
   */
  async waitIdle(settleRounds = 20): Promise<void> {
    for (;;) {
      await this.queue.whenIdle();
      await settle(settleRounds);
      if (this.queue.isIdle() || this.queue.isShutDown) return;
    }
  }

  async #work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      await this.#pass(key);
    }
  }

  async #pass(key: string): Promise<void> {
    const started = this.#clock.now();
    const report = (outcome: ReconcileReport['outcome'], error?: Error): void => {
      const base = { controller: this.name, key, durationMs: this.#clock.now() - started, outcome };
      this.#onReconcile(error === undefined ? base : { ...base, error });
    };
    try {
      const result = await this.#reconcile(key);
      this.#conflicts.delete(key);
      if (result?.backoff === true) this.queue.addRateLimited(key);
      else this.queue.forget(key);
      if (result?.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      report('success');
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const conflicts = this.#conflicts.get(key) ?? 0;
      if (err instanceof KanaryError && err.code === 'CONFLICT' && conflicts < this.#conflictRetries) {
        this.#conflicts.set(key, conflicts + 1);
        this.queue.add(key);
        report('conflict', error);
      } else {
        this.#conflicts.delete(key);
        this.queue.addRateLimited(key);
        report('error', error);
      }
    } finally {
      this.queue.done(key);
    }
  }
}
