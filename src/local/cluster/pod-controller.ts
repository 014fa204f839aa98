import type { Pod } from '../../api/index.js';
import type { ResourceStore } from '../../store/index.js';
import type { Informer } from '../../controller/runtime/index.js';
import { KanaryError } from '../../common/index.js';
import type { Supervisor } from '../supervisor/index.js';
import type { PodStatus } from '../supervisor/index.js';

export interface PodControllerOptions {
  store: ResourceStore;
  supervisor: Supervisor;
  pods: Informer<Pod>;
  /**
   * How long a terminating pod keeps running after the router has been told to stop sending it traffic, so requests
   * already on their way finish. Kubernetes has the same gap between endpoint removal and SIGTERM.
   */
  drainMs?: number;
  log?: (message: string) => void;
}

/**
 * Local mode's kubelet loop: the supervisor runs what the store says should run, and what the supervisor sees
 * (pod IP, readiness, restarts, exits) goes back into each Pod's status. A pod marked terminating is drained, then
 * stopped, then its object removed.
 */
export class PodController {
  readonly #options: PodControllerOptions;
  readonly #draining = new Map<string, NodeJS.Timeout>();
  readonly #terminatingSince = new Map<string, number>();
  #stopHandlers: (() => void) | undefined;
  #syncing: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: PodControllerOptions) {
    this.#options = options;
  }

  /** Starts following the pod informer; the informer must be started by its owner. */
  start(): void {
    const resync = (): void => this.#scheduleSync();
    this.#stopHandlers = this.#options.pods.addHandlers({ onAdd: resync, onUpdate: resync, onDelete: resync });
    this.#scheduleSync();
  }

  /** Stops following pods; resolves once a sync already under way has finished, so none races a shutdown. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopHandlers?.();
    for (const t of this.#draining.values()) clearTimeout(t);
    this.#draining.clear();
    await this.#syncing;
  }

  /** Called by the supervisor whenever a pod's observed state changes. */
  async reportStatus(podKey: string, status: PodStatus, info: { uid: string }): Promise<void> {
    const [namespace = '', name = ''] = podKey.split('/');
    const pod = this.#options.pods.get(namespace, name);
    if (pod === undefined || pod.metadata.uid !== info.uid) return;
    try {
      await this.#options.store.patch('Pod', namespace, name, { status }, { subresource: 'status' });
    } catch (err) {
      if (!(err instanceof KanaryError && err.code === 'NOT_FOUND')) throw err;
    }
  }

  /** Called by the supervisor once a pod's processes are gone: a terminating pod's object can go too. */
  async reportGone(podKey: string, info: { uid: string }): Promise<void> {
    const [namespace = '', name = ''] = podKey.split('/');
    const pod = await this.#options.store.get<Pod>('Pod', namespace, name);
    if (pod === undefined || pod.metadata.uid !== info.uid || pod.metadata.deletionTimestamp === undefined) return;
    try {
      await this.#options.store.delete('Pod', namespace, name);
    } catch (err) {
      if (!(err instanceof KanaryError && err.code === 'NOT_FOUND')) throw err;
    }
  }

  #scheduleSync(): void {
    if (this.#stopped) return;
    this.#syncing = this.#syncing
      .then(() => this.#sync())
      .catch((err: unknown) => {
        this.#options.log?.(`pod sync failed: ${err instanceof Error ? err.message : String(err)}`);
      });
  }

  async #sync(): Promise<void> {
    const all = this.#options.pods.list();
    const present = new Set(all.map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`));
    for (const [key, timer] of this.#draining) {
      if (!present.has(key)) {
        clearTimeout(timer);
        this.#draining.delete(key);
      }
    }
    for (const key of this.#terminatingSince.keys()) if (!present.has(key)) this.#terminatingSince.delete(key);
    const keep: Pod[] = [];
    const gone: Pod[] = [];
    for (const pod of all) {
      const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
      if (pod.metadata.deletionTimestamp === undefined) {
        keep.push(pod);
      } else if (this.#drainPending(pod)) {
        // Keeps running, as if not terminating, until the router has stopped sending it requests.
        if (!this.#draining.has(key)) {
          const timer = setTimeout(
            () => {
              this.#draining.delete(key);
              this.#scheduleSync();
            },
            this.#drainLeftMs(pod) + 20,
          );
          this.#draining.set(key, timer);
        }
        const { deletionTimestamp: _ignored, ...metadata } = pod.metadata;
        keep.push({ ...pod, metadata });
      } else {
        // The supervisor stops it gracefully and reports it gone; one it never ran is gone already.
        keep.push(pod);
        if (this.#options.supervisor.status(key) === undefined) gone.push(pod);
      }
    }
    await this.#options.supervisor.sync(keep);
    for (const pod of gone) {
      await this.reportGone(`${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`, {
        uid: pod.metadata.uid ?? '',
      });
    }
  }

  #drainPending(pod: Pod): boolean {
    return this.#drainLeftMs(pod) > 0;
  }

  /** Measured from when this controller first saw the pod terminating: deletionTimestamp has whole seconds only. */
  #drainLeftMs(pod: Pod): number {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    let since = this.#terminatingSince.get(key);
    if (since === undefined) {
      since = Date.now();
      this.#terminatingSince.set(key, since);
    }
    return Math.max(0, since + (this.#options.drainMs ?? 1000) - Date.now());
  }
}
