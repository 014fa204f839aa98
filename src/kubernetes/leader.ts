import type { KubeObject } from '../api/index.js';
import { KanaryError } from '../common/index.js';
import { realClock, type Clock, type TimerHandle } from '../controller/runtime/index.js';
import type { ResourceStore } from '../store/index.js';

/** A coordination.k8s.io/v1 Lease, the fields leader election uses. */
export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface LeaderElectorOptions {
  store: ResourceStore;
  namespace: string;
  /** Lease name; every replica of one controller uses the same. */
  name: string;
  /** This replica's identity (the pod name in a cluster); must differ between replicas. */
  identity: string;
  /** How long a lease holds without renewal before another replica may take it. Default 15 s. */
  leaseDurationSeconds?: number;
  /** The leader gives up leadership when it has not renewed for this long. Default 10 s; below the duration. */
  renewDeadlineSeconds?: number;
  /** How often to try to acquire or renew. Default 2 s. */
  retryPeriodSeconds?: number;
  clock?: Clock;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void | Promise<void>;
  /** Hears failed attempts (conflicts are normal and not reported). */
  onError?: (err: Error) => void;
}

/**
 * Leader election on a Lease, as client-go does it: a candidate takes the Lease when it has no holder or when the
 * holder's record has not changed for `leaseDurationSeconds` by the candidate's own clock (so clock skew between
 * replicas does not matter); the leader renews every `retryPeriodSeconds` and steps down when it could not renew
 * within `renewDeadlineSeconds`. `stop()` releases the Lease (empty holder), so a standby takes over at its next
 * retry instead of waiting out the lease duration. Writes use resourceVersion preconditions: two candidates
 * racing for the Lease cannot both win.
 */
export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectorOptions, 'onError'>> & Pick<LeaderElectorOptions, 'onError'>;
  readonly #clock: Clock;
  #leading = false;
  #running = false;
  #timer: TimerHandle | undefined;
  #lastRenew = 0;
  /** The holder record last seen and when (by our clock) it was first seen: the basis of expiry. */
  #observed: { record: string; at: number } | undefined;
  #tick: Promise<void> = Promise.resolve();

  constructor(options: LeaderElectorOptions) {
    const leaseDurationSeconds = options.leaseDurationSeconds ?? 15;
    const renewDeadlineSeconds = options.renewDeadlineSeconds ?? 10;
    const retryPeriodSeconds = options.retryPeriodSeconds ?? 2;
    if (!(leaseDurationSeconds > renewDeadlineSeconds && renewDeadlineSeconds > retryPeriodSeconds)) {
      throw new KanaryError(
        'BAD_USAGE',
        `leader election needs leaseDuration (${leaseDurationSeconds}s) > renewDeadline (${renewDeadlineSeconds}s) > retryPeriod (${retryPeriodSeconds}s); adjust the flags`,
      );
    }
    this.#clock = options.clock ?? realClock;
    this.#o = {
      ...options,
      leaseDurationSeconds,
      renewDeadlineSeconds,
      retryPeriodSeconds,
      clock: this.#clock,
    };
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  get identity(): string {
    return this.#o.identity;
  }

  /** Starts campaigning; returns at once. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops campaigning; a leader releases the Lease and hears onStoppedLeading. */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    await this.#tick;
    if (this.#leading) {
      if (options.release !== false) await this.#release().catch((err: unknown) => this.#report(err));
      await this.#lose();
    }
  }

  #schedule(ms: number): void {
    if (!this.#running) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#tick = this.#step().finally(() => this.#schedule(this.#o.retryPeriodSeconds * 1000));
    }, ms);
  }

  async #step(): Promise<void> {
    if (!this.#running) return;
    let ok = false;
    try {
      ok = await this.#tryAcquireOrRenew();
    } catch (err) {
      this.#report(err);
    }
    if (this.#stopping()) {
      // stop() came while we were acquiring: give back what we just took, or the standby waits a lease out.
      if (ok && !this.#leading) await this.#release().catch((err: unknown) => this.#report(err));
      return;
    }
    const now = this.#clock.now();
    if (ok) {
      this.#lastRenew = now;
      if (!this.#leading) {
        this.#leading = true;
        await this.#call(this.#o.onStartedLeading);
      }
    } else if (this.#leading && now - this.#lastRenew >= this.#o.renewDeadlineSeconds * 1000) {
      await this.#lose();
    }
  }

  /** A method, not a field read: the flag changes while #step awaits. */
  #stopping(): boolean {
    return !this.#running;
  }

  async #lose(): Promise<void> {
    if (!this.#leading) return;
    this.#leading = false;
    await this.#call(this.#o.onStoppedLeading);
  }

  async #call(fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.#report(err);
    }
  }

  #report(err: unknown): void {
    if (err instanceof KanaryError && (err.code === 'CONFLICT' || err.code === 'ALREADY_EXISTS')) return;
    this.#o.onError?.(err instanceof Error ? err : new Error(String(err)));
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { store, namespace, name, identity, leaseDurationSeconds } = this.#o;
    const now = this.#clock.now();
    const stamp = microTime(now);
    const current = await store.get<Lease>('Lease', namespace, name);
    if (!current) {
      await store.create<Lease>({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds,
          acquireTime: stamp,
          renewTime: stamp,
          leaseTransitions: 0,
        },
      });
      return true;
    }
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const record = `${holder}|${spec.renewTime ?? ''}|${spec.leaseDurationSeconds ?? ''}`;
    if (this.#observed?.record !== record) this.#observed = { record, at: now };
    const duration = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
    const heldByOther = holder !== '' && holder !== identity;
    if (heldByOther && now < this.#observed.at + duration) return false;
    const mine = holder === identity;
    const next: Lease = {
      ...current,
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: mine && spec.acquireTime !== undefined ? spec.acquireTime : stamp,
        renewTime: stamp,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      },
    };
    const written = await store.update(next);
    this.#observed = { record: `${identity}|${stamp}|${leaseDurationSeconds}`, at: now };
    return written.spec?.holderIdentity === identity;
  }

  async #release(): Promise<void> {
    const { store, namespace, name, identity } = this.#o;
    const current = await store.get<Lease>('Lease', namespace, name);
    if (current?.spec?.holderIdentity !== identity) return;
    const stamp = microTime(this.#clock.now());
    await store.update<Lease>({
      ...current,
      spec: {
        leaseDurationSeconds: 1,
        acquireTime: stamp,
        renewTime: stamp,
        leaseTransitions: current.spec.leaseTransitions ?? 0,
      },
    });
  }
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
