import { KanaryError } from '../../common/index.js';
import type { Clock, TimerHandle } from '../../controller/runtime/index.js';
import type { ResourceStore } from '../../store/index.js';
import {
  DEFAULT_MIN_WRITE_INTERVAL_MS,
  eventKey,
  planEventWrite,
  writeDelay,
  type EventObject,
  type EventOccurrence,
  type InvolvedPod,
  type PodEventInput,
} from './aggregate.js';

export interface EventRecorderOptions {
  store: ResourceStore;
  clock: Clock;
  /** `source.host` of every Event: the node the supervisor runs as. */
  host: string;
  /** At most one write per event key in this interval; default 1 s. */
  minWriteIntervalMs?: number;
  /** How many event keys are remembered (kubelet's correlator keeps an LRU of 4096); default 4096. */
  maxKeys?: number;
  log?: (message: string) => void;
}

/** One event key: the Event it last wrote, and the occurrences waiting for their write. */
interface KeyState {
  occurrence: EventOccurrence;
  name: string | undefined;
  lastWriteAt: number | undefined;
  pending: number;
  pendingSince: number;
  pendingAt: number;
  timer: TimerHandle | undefined;
  writing: Promise<void>;
}

/**
 * Writes kubelet's Events for local pods to the store, aggregated: repeats of one occurrence (same pod, container,
 * type, reason and message) are one Event whose `count` and `lastTimestamp` move. Writes per key are at most one
 * per `minWriteIntervalMs`: occurrences in between are counted and written together when the interval is over, so
 * a container crash-looping or a probe failing every second costs one row and about one write a second.
 * The memory of keys is in process (as kubelet's is): after a restart the next occurrence starts a new Event.
 * Failures are logged, never thrown: events are best effort, as in Kubernetes.
 */
export class EventRecorder {
  readonly #store: ResourceStore;
  readonly #clock: Clock;
  readonly #host: string;
  readonly #interval: number;
  readonly #maxKeys: number;
  readonly #log: (message: string) => void;
  readonly #keys = new Map<string, KeyState>();
  #closed = false;

  constructor(options: EventRecorderOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#host = options.host;
    this.#interval = Math.max(0, options.minWriteIntervalMs ?? DEFAULT_MIN_WRITE_INTERVAL_MS);
    this.#maxKeys = Math.max(1, options.maxKeys ?? 4096);
    this.#log = options.log ?? (() => undefined);
  }

  /** One occurrence about `pod` (and `container`, when it is about one). Returns at once; the write follows. */
  record(pod: InvolvedPod, container: string | undefined, event: PodEventInput): void {
    if (this.#closed) return;
    const occurrence: EventOccurrence = { ...event, pod, container, host: this.#host };
    const key = eventKey(occurrence);
    const now = this.#clock.now();
    let state = this.#keys.get(key);
    if (state === undefined) {
      state = {
        occurrence,
        name: undefined,
        lastWriteAt: undefined,
        pending: 0,
        pendingSince: now,
        pendingAt: now,
        timer: undefined,
        writing: Promise.resolve(),
      };
      this.#remember(key, state);
    } else {
      // Most recently used last, for the LRU bound.
      this.#keys.delete(key);
      this.#keys.set(key, state);
    }
    if (state.pending === 0) state.pendingSince = now;
    state.pending++;
    state.pendingAt = now;
    if (state.timer !== undefined) return;
    const delay = writeDelay(state.lastWriteAt, now, this.#interval);
    if (delay === 0) this.#flushKey(state);
    else {
      const s = state;
      state.timer = this.#clock.setTimeout(() => {
        s.timer = undefined;
        this.#flushKey(s);
      }, delay);
    }
  }

  /** Writes every waiting occurrence now (ignoring the interval) and resolves when all writes are done. */
  async flush(): Promise<void> {
    for (const state of this.#keys.values()) {
      if (state.timer !== undefined) {
        this.#clock.clearTimeout(state.timer);
        state.timer = undefined;
      }
      if (state.pending > 0) this.#flushKey(state);
    }
    await Promise.all([...this.#keys.values()].map((s) => s.writing));
  }

  /** Writes what is waiting, then records nothing more. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }

  #remember(key: string, state: KeyState): void {
    this.#keys.set(key, state);
    if (this.#keys.size <= this.#maxKeys) return;
    // Forget the least recently used key with nothing waiting; its next occurrence starts a new Event.
    for (const [k, s] of this.#keys) {
      if (s.pending === 0 && s.timer === undefined) {
        this.#keys.delete(k);
        return;
      }
    }
  }

  #flushKey(state: KeyState): void {
    const count = state.pending;
    const firstAt = state.pendingSince;
    const at = state.pendingAt;
    state.pending = 0;
    state.lastWriteAt = this.#clock.now();
    state.writing = state.writing.then(() => this.#write(state, count, firstAt, at));
  }

  async #write(state: KeyState, count: number, firstAt: number, at: number): Promise<void> {
    const o = state.occurrence;
    try {
      const stored =
        state.name === undefined ? undefined : await this.#store.get<EventObject>('Event', o.pod.namespace, state.name);
      const write = planEventWrite(stored, o, count, firstAt, at);
      const saved =
        write.op === 'create'
          ? await this.#store.create(write.object)
          : await this.#store.update(write.object).catch((err: unknown) => {
              // Expired or deleted between the read and the write: start a new Event.
              if (err instanceof KanaryError && (err.code === 'NOT_FOUND' || err.code === 'CONFLICT')) {
                return this.#store.create(planEventWrite(undefined, o, count, firstAt, at).object);
              }
              throw err;
            });
      state.name = saved.metadata.name;
    } catch (err) {
      this.#log(
        `event ${o.reason} for pod ${o.pod.namespace}/${o.pod.name} not recorded: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}
