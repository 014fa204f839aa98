import type { Pod, ReplicaSet } from '../../api/index.js';
import type { ResourceStore } from '../../store/index.js';
import { Controller, Informer, keyOf, parseKey } from '../../controller/runtime/index.js';
import type { Clock } from '../../controller/runtime/index.js';
import { KanaryError } from '../../common/index.js';
import { orphanedPods, reconcileReplicaSet } from '../replicaset/index.js';
import type { ReplicaSetAction } from '../replicaset/index.js';

export interface ReplicaSetControllerOptions {
  store: ResourceStore;
  clock: Clock;
  nodeName: string;
  random?: () => number;
  informers: { replicaSets: Informer<ReplicaSet>; pods: Informer<Pod> };
}

/**
 * Local mode's kube-controller-manager for ReplicaSets: keeps each ReplicaSet's pods at its replica count and its
 * status up to date, over the store. Pods are never deleted outright: they are marked terminating
 * (`deletionTimestamp`), so the router stops sending them traffic before the pod controller stops the process and
 * removes the object, which is how a scale-down loses no request.
 */
export class ReplicaSetController {
  readonly #options: ReplicaSetControllerOptions;
  readonly #controller: Controller;

  constructor(options: ReplicaSetControllerOptions) {
    this.#options = options;
    this.#controller = new Controller({
      name: 'replicaset',
      clock: options.clock,
      reconcile: (key) => this.#sync(key),
    });
    this.#controller.watches(options.informers.replicaSets);
    this.#controller.watches(options.informers.pods, (pod: Pod) => {
      const owner = pod.metadata.ownerReferences?.find((o) => o.controller === true && o.kind === 'ReplicaSet');
      return owner === undefined
        ? [`orphans/${pod.metadata.namespace ?? ''}`]
        : [keyOf(pod.metadata.namespace ?? '', owner.name)];
    });
  }

  start(): Promise<void> {
    return this.#controller.start();
  }

  stop(): Promise<void> {
    return this.#controller.stop();
  }

  async #sync(key: string): Promise<{ requeueAfterMs?: number } | undefined> {
    const { store, clock } = this.#options;
    if (key.startsWith('orphans/')) {
      const namespace = key.slice('orphans/'.length);
      const pods = (await store.list<Pod>('Pod', { namespace })).items;
      const sets = (await store.list<ReplicaSet>('ReplicaSet', { namespace })).items;
      await this.#apply(orphanedPods(pods, sets));
      return undefined;
    }
    const { namespace, name } = parseKey(key);
    const rs = await store.get<ReplicaSet>('ReplicaSet', namespace, name);
    const pods = (await store.list<Pod>('Pod', { namespace })).items;
    if (rs === undefined) {
      const sets = (await store.list<ReplicaSet>('ReplicaSet', { namespace })).items;
      await this.#apply(orphanedPods(pods, sets));
      return undefined;
    }
    const result = reconcileReplicaSet({
      replicaSet: rs,
      pods: pods,
      now: clock.now(),
      random: this.#options.random ?? Math.random,
      nodeName: this.#options.nodeName,
    });
    await this.#apply(result.actions);
    await store.patch('ReplicaSet', namespace, name, { status: result.status }, { subresource: 'status' });
    return result.requeueAfterMs === undefined ? undefined : { requeueAfterMs: result.requeueAfterMs };
  }

  async #apply(actions: readonly ReplicaSetAction[]): Promise<void> {
    const { store } = this.#options;
    for (const action of actions) {
      try {
        switch (action.type) {
          case 'createPod':
            await store.create(action.pod);
            break;
          case 'deletePod':
            await store.delete('Pod', action.pod.namespace, action.pod.name, { graceful: true });
            break;
          case 'patchPod':
            await store.patch('Pod', action.pod.namespace, action.pod.name, action.patch);
            break;
        }
      } catch (err) {
        // A pod already gone or already created by an earlier pass is the level-triggered normal case.
        if (err instanceof KanaryError && (err.code === 'NOT_FOUND' || err.code === 'ALREADY_EXISTS')) continue;
        throw err;
      }
    }
  }
}
