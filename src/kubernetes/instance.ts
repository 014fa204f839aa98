import type { KubeObject } from '../api/index.js';
import type {
  DeleteOptions,
  ListOptions,
  ListResult,
  PatchOptions,
  ResourceStore,
  WatchEvent,
  WatchOptions,
} from '../store/index.js';

/** Argo Rollouts' label: a controller started with `--instance-id X` acts only on objects carrying `X` here. */
export const INSTANCE_ID_LABEL = 'argo-rollouts.argoproj.io/controller-instance-id';

/** Kanary's default instance id in Kubernetes mode. */
export const DEFAULT_INSTANCE_ID = 'kanary';

/** The kinds a controller instance owns: it sees only those labelled with its id, and labels those it creates. */
export const INSTANCE_SCOPED_KINDS: ReadonlySet<string> = new Set(['Rollout', 'AnalysisRun', 'Experiment']);

/**
 * A view of a store for one controller instance, so Kanary and an installed Argo Rollouts never act on the same
 * object (ADR 0003). Lists and watches of Rollouts and AnalysisRuns show only objects labelled
 * `argo-rollouts.argoproj.io/controller-instance-id: <id>`; AnalysisRuns and Experiments this controller creates
 * get the label, so Argo's controllers (which, without an instance id, act only on objects WITHOUT the label)
 * leave them alone. A watched object that loses the label is reported as DELETED: it left this instance.
 * Everything else passes through unchanged.
 */
export function withInstanceId(store: ResourceStore, instanceId: string): ResourceStore {
  const mine = (obj: KubeObject): boolean => obj.metadata.labels?.[INSTANCE_ID_LABEL] === instanceId;
  const scoped = (kind: string): boolean => INSTANCE_SCOPED_KINDS.has(kind);
  /** Keys of this instance's objects seen through lists and watches, per kind: whom a lost label must be told. */
  const known = new Map<string, Set<string>>();
  const knownOf = (kind: string): Set<string> => {
    let set = known.get(kind);
    if (!set) known.set(kind, (set = new Set()));
    return set;
  };
  const keyOf = (obj: KubeObject): string => `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
  return {
    async get<T extends KubeObject>(kind: string, namespace: string, name: string): Promise<T | undefined> {
      const obj = await store.get<T>(kind, namespace, name);
      return obj === undefined || !scoped(kind) || mine(obj) ? obj : undefined;
    },
    async list<T extends KubeObject>(kind: string, options: ListOptions = {}): Promise<ListResult<T>> {
      if (!scoped(kind)) return store.list<T>(kind, options);
      const result = await store.list<T>(kind, {
        ...options,
        labelSelector: { ...options.labelSelector, [INSTANCE_ID_LABEL]: instanceId },
      });
      for (const item of result.items) knownOf(kind).add(keyOf(item));
      return result;
    },
    create<T extends KubeObject>(obj: T): Promise<T> {
      if (!scoped(obj.kind) || obj.kind === 'Rollout') return store.create(obj);
      return store.create({
        ...obj,
        metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, [INSTANCE_ID_LABEL]: instanceId } },
      });
    },
    update: <T extends KubeObject>(obj: T): Promise<T> => store.update(obj),
    updateStatus: <T extends KubeObject>(obj: T): Promise<T> => store.updateStatus(obj),
    patch: <T extends KubeObject>(
      kind: string,
      namespace: string,
      name: string,
      patch: unknown,
      options?: PatchOptions,
    ): Promise<T> => store.patch<T>(kind, namespace, name, patch, options),
    delete: (kind: string, namespace: string, name: string, options?: DeleteOptions): Promise<void> =>
      store.delete(kind, namespace, name, options),
    watch<T extends KubeObject>(
      kind: string,
      options: WatchOptions,
      onEvent: (event: WatchEvent<T>) => void,
      onError?: (err: Error) => void,
    ): () => void {
      if (!scoped(kind)) return store.watch<T>(kind, options, onEvent, onError);
      const seen = knownOf(kind);
      return store.watch<T>(
        kind,
        options,
        (event) => {
          const key = keyOf(event.object);
          if (mine(event.object)) {
            if (event.type === 'DELETED') seen.delete(key);
            else seen.add(key);
            onEvent(event);
          } else if (event.type === 'MODIFIED' && seen.delete(key)) {
            // It left this instance (label removed or changed): for this watcher it is gone.
            onEvent({ type: 'DELETED', object: event.object });
          }
        },
        onError,
      );
    },
    close: (): Promise<void> => store.close(),
  };
}
