import type { KubeObject } from '../api/meta.js';

/**
 * The one interface between the controllers and wherever objects live: SQLite in local mode, the API server in
 * Kubernetes mode, memory in tests. Every implementation runs the shared contract suite in `contract.ts`.
 *
 * Semantics follow the Kubernetes API server:
 * - Objects are addressed by kind, namespace and name. `kind` is the Kubernetes kind (`Rollout`, `ReplicaSet`,
 *   `Pod`, `Service`, `Ingress`, `AnalysisRun`, `AnalysisTemplate`, `ClusterAnalysisTemplate`, `Job`, `Secret`,
 *   `ServiceMonitor`, `Event`, `Lease`, ...). Cluster-scoped kinds use the namespace "".
 * - Every write assigns a new `metadata.resourceVersion`, a decimal string that grows monotonically across the
 *   whole store, so watchers can resume "after version N".
 * - An object's namespace is its `metadata.namespace`, or "" when that is absent: the store does not know which
 *   kinds are namespaced, so callers default the namespace of namespaced kinds before writing.
 * - `create` sets `uid`, `creationTimestamp`, `generation` 1 and `resourceVersion`; it resolves
 *   `metadata.generateName` into a name when `name` is empty. It fails with `ALREADY_EXISTS`. It ignores
 *   `status` (as the API server does for kinds with a status subresource): write status with `updateStatus`.
 * - `update` replaces metadata and spec but never status; `updateStatus` replaces status only. Both fail with
 *   `CONFLICT` when `metadata.resourceVersion` is set and differs from the stored one (optimistic concurrency),
 *   and with `NOT_FOUND` when the object does not exist. `generation` grows when spec (any top-level field other
 *   than apiVersion, kind, metadata and status) changes. System metadata (uid, creationTimestamp, generation,
 *   resourceVersion) is the store's: callers' values are ignored.
 * - A write that changes nothing is a no-op: the resourceVersion stays and watchers hear nothing.
 * - Objects are copied in and out: mutating an argument or a result never changes stored state.
 * - Errors are `KanaryError`s with codes `NOT_FOUND`, `ALREADY_EXISTS`, `CONFLICT`, `INVALID_SPEC`.
 * - The shared contract suite (`runStoreContract`) is the executable form of these rules.
 */
export interface ResourceStore {
  /** Reads one object; undefined when it does not exist. */
  get<T extends KubeObject>(kind: string, namespace: string, name: string): Promise<T | undefined>;

  /** Lists objects of a kind, in one namespace or (namespace undefined) in all; with the store's current version. */
  list<T extends KubeObject>(kind: string, options?: ListOptions): Promise<ListResult<T>>;

  /** Creates an object; fails with ALREADY_EXISTS. Returns the stored object. */
  create<T extends KubeObject>(obj: T): Promise<T>;

  /** Replaces metadata and spec (never status); see the interface comment for concurrency. */
  update<T extends KubeObject>(obj: T): Promise<T>;

  /** Replaces status only (the status subresource). */
  updateStatus<T extends KubeObject>(obj: T): Promise<T>;

  /**
   * Applies a JSON merge patch (RFC 7386) to the object, spec and metadata only unless `subresource` is 'status'.
   * With `resourceVersion`, fails with CONFLICT if the stored object has moved on.
   */
  patch<T extends KubeObject>(
    kind: string,
    namespace: string,
    name: string,
    patch: unknown,
    options?: PatchOptions,
  ): Promise<T>;

  /**
   * Deletes an object; fails with NOT_FOUND. With `resourceVersion`, fails with CONFLICT if it moved on.
   * With `graceful`, as the API server does for Pods: the first call only sets `metadata.deletionTimestamp` (a
   * MODIFIED event) and leaves the object for whoever runs it to stop and then delete outright; a graceful delete of
   * an object already terminating changes nothing.
   */
  delete(kind: string, namespace: string, name: string, options?: DeleteOptions): Promise<void>;

  /**
   * Streams changes to objects of a kind after `resourceVersion` (or from now when absent). Events are delivered in
   * resourceVersion order, each exactly once, never synchronously inside the write that caused them; a DELETED
   * event carries the object's last state with the delete's own (new) resourceVersion. If the store can no longer replay from `resourceVersion` it calls
   * `onError` with a KanaryError of code `GONE` and stops; the caller lists again and watches from the list's version.
   * A watch on an implementation that loses its connection reconnects by itself or reports through `onError`.
   * Returns a function that stops the watch.
   */
  watch<T extends KubeObject>(
    kind: string,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onError?: (err: Error) => void,
  ): () => void;

  /** Releases connections and handles. Idempotent. */
  close(): Promise<void>;
}

export interface DeleteOptions {
  resourceVersion?: string;
  graceful?: boolean;
  /**
   * What happens to the object's dependents (Kubernetes' `propagationPolicy`, default Background). A store backed
   * by an API server passes it on; the local store deletes the object alone and leaves dependents to the local
   * garbage collector (`src/local/gc`), which works as Background.
   */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
}

export interface ListOptions {
  namespace?: string;
  /** Equality-based label selector: every key must be present with the given value. */
  labelSelector?: Record<string, string>;
}

export interface ListResult<T> {
  items: T[];
  /** The store's version at the time of the list; start a watch from here to miss nothing. */
  resourceVersion: string;
}

export interface PatchOptions {
  subresource?: 'status';
  resourceVersion?: string;
}

export interface WatchOptions {
  namespace?: string;
  /** Deliver events for writes strictly after this version. */
  resourceVersion?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}
