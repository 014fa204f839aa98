import { KanaryError } from '../../common/index.js';
import type { Clock, TimerHandle } from '../../controller/runtime/index.js';
import type { ResourceStore } from '../../store/index.js';
import { DEFAULT_EVENT_TTL_MS, expiredEvents } from './aggregate.js';

/** How often the store is swept for expired Events by default. */
export const DEFAULT_EVENT_SWEEP_MS = 60 * 1000;

export interface EventExpiryOptions {
  store: ResourceStore;
  /** Decides the Events' age and runs the sweeps. */
  clock: Clock;
  /** Events last seen longer ago than this are deleted; default 1 h (kube-apiserver's `--event-ttl`). */
  ttlMs?: number;
  /** Time between sweeps; default 1 min. */
  sweepMs?: number;
  log?: (message: string) => void;
}

/**
 * kube-apiserver's `--event-ttl` for local mode: every Event (pods' and Rollouts' alike) last seen more than `ttlMs`
 * ago is deleted, by a sweep at start and then every `sweepMs`. Each delete is conditional on the version the sweep
 * read: an Event updated meanwhile (its count moved) stays.
 */
export class EventExpiry {
  readonly #store: ResourceStore;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #sweepMs: number;
  readonly #log: (message: string) => void;
  #timer: TimerHandle | undefined;
  #running: Promise<number> = Promise.resolve(0);
  #stopped = false;

  constructor(options: EventExpiryOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#ttlMs = Math.max(0, options.ttlMs ?? DEFAULT_EVENT_TTL_MS);
    this.#sweepMs = Math.max(1, options.sweepMs ?? DEFAULT_EVENT_SWEEP_MS);
    this.#log = options.log ?? (() => undefined);
  }

  /** Sweeps once, then every `sweepMs` until `stop`. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running.catch(() => undefined);
  }

  /** Deletes the Events expired now; resolves with how many it deleted. */
  sweep(): Promise<number> {
    const next = this.#running.catch(() => 0).then(() => this.#sweepNow());
    this.#running = next;
    return next;
  }

  async #tick(): Promise<void> {
    try {
      await this.sweep();
    } catch (err) {
      this.#log(`event expiry: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => void this.#tick(), this.#sweepMs);
  }

  async #sweepNow(): Promise<number> {
    const { items } = await this.#store.list('Event');
    let deleted = 0;
    for (const e of expiredEvents(items, this.#clock.now(), this.#ttlMs)) {
      try {
        await this.#store.delete(
          'Event',
          e.namespace,
          e.name,
          e.resourceVersion === undefined ? {} : { resourceVersion: e.resourceVersion },
        );
        deleted++;
      } catch (err) {
        // Gone already, or seen again since the list: both are fine.
        if (err instanceof KanaryError && (err.code === 'NOT_FOUND' || err.code === 'CONFLICT')) continue;
        throw err;
      }
    }
    return deleted;
  }
}
