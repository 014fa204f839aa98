import type { KubeObject } from '../../api/meta.js';
import { realClock, type Clock, type TimerHandle } from './clock.js';
import type { Informer } from './informer.js';

export interface WriteExpectationsOptions {
  /**
   * How long after a write a reader waits for the informer to show it before giving up on the cache, in ms of
   * `clock`. Default 1000.
   */
  waitMs?: number;
  /**
   * The clock of that wait. Default: the real clock, because the wait bounds how late watch events arrive, which
   * is real time (network, event loop) in every mode; on a simulation's fake clock, which only moves when the test
   * moves it, a pass would otherwise stall until the test advanced time, and then pretend seconds passed.
   */
  clock?: Clock;
}

interface Expectation {
  informer: Informer;
  met: () => boolean;
  /** After this time (on the wait's clock) readers stop waiting for it and read the store instead. */
  deadline: number;
}

/**
 * "Read your writes" over informer caches (Kubernetes controllers call these expectations). A controller that reads
 * its world from informers records every write it makes; before it trusts an informer's cache again it asks
 * `caughtUp`, which waits (bounded) until that informer has seen each recorded write. When it has not (a slow or
 * broken watch), the caller must read that kind from the store instead.
 *
 * Why this makes cached reads as safe as fresh lists for the controller's decisions: the dangers of a stale cache
 * are acting twice on one's own write (creating a ReplicaSet or AnalysisRun again, under a generated name a second
 * copy) and undoing it (patching a Service or Ingress back from a stale picture). Both need a read that misses a
 * write the controller itself made; after `caughtUp` returns true no such write is missing from that cache, since a
 * cache only moves forward (see `Informer.hasSeen`). Writes by others may still arrive later than through a fresh
 * list, which a list cannot rule out either (it is stale the moment it returns): the controller is level-triggered,
 * and the informer event of such a write runs the pass again.
 *
 * Correctness does not depend on timing: a wait that runs out falls back to the store. Expectations are dropped once
 * met; one that is never met (a watch that stays broken) only makes readers of its informer read the store.
 */
export class WriteExpectations {
  readonly #waitMs: number;
  readonly #clock: Clock;
  #pending: Expectation[] = [];

  constructor(options: WriteExpectationsOptions = {}) {
    this.#waitMs = options.waitMs ?? 1000;
    this.#clock = options.clock ?? realClock;
  }

  /** Records a create, update or patch of a kind `informer` caches; `stored` is what the store returned. */
  expectWritten(informer: Informer, stored: KubeObject): void {
    this.expectVersion(informer, stored.metadata.resourceVersion ?? '');
  }

  /**
   * Records that the cache must reach `resourceVersion`, the version of a change of the informer's kind (for
   * example the newest object of a fresh list). An empty version can never be confirmed: readers list instead.
   */
  expectVersion(informer: Informer, resourceVersion: string): void {
    this.#add(informer, resourceVersion === '' ? () => false : () => informer.hasSeen(resourceVersion));
  }

  /**
   * Records a delete (or a write that found the object gone): met once the cache no longer has the object, holds
   * another object of that name (another uid), or shows it terminating.
   */
  expectGone(informer: Informer, namespace: string, name: string, uid?: string): void {
    this.#add(informer, () => {
      const cached = informer.get(namespace, name);
      return (
        cached === undefined ||
        (uid !== undefined && cached.metadata.uid !== uid) ||
        cached.metadata.deletionTimestamp !== undefined
      );
    });
  }

  /** Writes recorded for `informer` and not yet seen in its cache. */
  pending(informer: Informer): number {
    return this.#prune(informer).length;
  }

  /**
   * Resolves true once `informer` is current and has seen every write recorded for it; false if it is not current,
   * or if some write is still missing when the wait for it runs out (then read the store instead of the cache).
   */
  async caughtUp(informer: Informer): Promise<boolean> {
    if (!informer.isCurrent()) return false;
    if (this.#prune(informer).length === 0) return true;
    return new Promise<boolean>((resolve) => {
      let timer: TimerHandle | undefined;
      let stop: () => void = () => undefined;
      const finish = (result: boolean): void => {
        stop();
        if (timer !== undefined) this.#clock.clearTimeout(timer);
        resolve(result);
      };
      const check = (): void => {
        const open = this.#prune(informer);
        if (open.length === 0 || !informer.isCurrent()) {
          finish(open.length === 0 && informer.isCurrent());
          return;
        }
        const left = Math.max(...open.map((e) => e.deadline)) - this.#clock.now();
        if (left <= 0) finish(false);
        else if (timer === undefined) {
          timer = this.#clock.setTimeout(() => {
            timer = undefined;
            check();
          }, left);
        }
      };
      stop = informer.onProgress(check);
      check();
    });
  }

  #add(informer: Informer, met: () => boolean): void {
    this.#pending.push({ informer, met, deadline: this.#clock.now() + this.#waitMs });
  }

  /** Drops the met expectations of `informer`; returns those still open. */
  #prune(informer: Informer): Expectation[] {
    this.#pending = this.#pending.filter((e) => e.informer !== informer || !e.met());
    return this.#pending.filter((e) => e.informer === informer);
  }
}
