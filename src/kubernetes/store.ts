import type { KubeObject } from '../api/index.js';
import { KanaryError } from '../common/index.js';
import type {
  DeleteOptions,
  ListOptions,
  ListResult,
  PatchOptions,
  ResourceStore,
  WatchEvent,
  WatchOptions,
} from '../store/index.js';
import { defaultNamespaceOf, KubeClient, loadKubeConfig, type KubeConnectionOptions } from './client.js';
import { kubeError } from './errors.js';
import { KindRegistry, type KindMapping } from './kinds.js';

export interface KubernetesStoreOptions {
  client: KubeClient;
  /**
   * Scope: lists and watches that name no namespace stay in this one (`-n NAMESPACE`); undefined means all
   * namespaces (`--all-namespaces`). Cluster-scoped kinds are never scoped.
   */
  namespace?: string;
  /** The namespace of namespaced objects written without one; default "default". */
  defaultNamespace?: string;
  /** More kinds (other custom resources); they extend or override the builtin table. */
  kinds?: readonly KindMapping[];
  /** First delay before re-watching after a dropped connection, doubling to 5 s; default 100 ms. */
  reconnectDelayMs?: number;
}

const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * The ResourceStore over a Kubernetes API server. Objects go to their API group and resource by kind (see
 * `kinds.ts`); the API server does the rest of the contract (versions, conflicts, generation, no-op writes).
 *
 * Watches resume after a dropped connection from the last version seen (events or BOOKMARKs), so nothing is lost
 * or repeated; when the server has compacted that version away (`410 Gone`) the watch reports GONE through onError
 * and stops, and the Informer lists again. A watch started without a version starts "now": it reads the current
 * version first, and writes made through this store meanwhile wait for that, so none of them is missed.
 */
export class KubernetesStore implements ResourceStore {
  readonly client: KubeClient;
  readonly kinds: KindRegistry;
  readonly #scope: string | undefined;
  readonly #defaultNamespace: string;
  readonly #reconnectDelayMs: number;
  readonly #starting = new Set<Promise<unknown>>();
  readonly #stops = new Set<() => void>();
  #closed = false;

  constructor(options: KubernetesStoreOptions) {
    this.client = options.client;
    this.kinds = new KindRegistry(options.kinds);
    this.#scope = options.namespace;
    this.#defaultNamespace = options.defaultNamespace ?? options.namespace ?? 'default';
    this.#reconnectDelayMs = options.reconnectDelayMs ?? 100;
  }

  /** Writes wait until every watch started before them knows its start version. */
  async #writable(): Promise<void> {
    if (this.#starting.size > 0) await Promise.allSettled([...this.#starting]);
  }

  /** The API server leaves kind and apiVersion out of list items of builtin kinds: put them back. */
  #fill<T extends KubeObject>(o: T, m: KindMapping): T {
    if (typeof o.apiVersion !== 'string' || o.apiVersion === '') o.apiVersion = this.kinds.apiVersion(m);
    if (typeof o.kind !== 'string' || o.kind === '') o.kind = m.kind;
    return o;
  }

  #namespaceOf(m: KindMapping, obj: KubeObject): string {
    if (!m.namespaced) return '';
    const ns = obj.metadata.namespace;
    return ns === undefined || ns === '' ? this.#defaultNamespace : ns;
  }

  #describe(m: KindMapping, namespace: string, name: string): string {
    return `${m.kind} ${m.namespaced ? `${namespace}/` : ''}${name}`;
  }

  async get<T extends KubeObject>(kind: string, namespace: string, name: string): Promise<T | undefined> {
    const m = this.kinds.get(kind);
    if (name === '' || (m.namespaced && namespace === '')) return undefined;
    const res = await this.client.request('GET', this.kinds.objectPath(m, namespace, name));
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw kubeError(res, `get ${this.#describe(m, namespace, name)}`);
    return this.#fill(res.body as T, m);
  }

  async list<T extends KubeObject>(kind: string, options: ListOptions = {}): Promise<ListResult<T>> {
    const m = this.kinds.get(kind);
    const namespace = options.namespace ?? this.#scope;
    const res = await this.client.request('GET', this.kinds.collectionPath(m, namespace), {
      query: { labelSelector: selectorText(options.labelSelector) },
    });
    if (res.status !== 200) throw kubeError(res, `list ${m.kind} in ${namespace ?? 'all namespaces'}`);
    const body = res.body as { items?: unknown[]; metadata?: { resourceVersion?: string } };
    const items = (body.items ?? []).map((item) => this.#fill(item as T, m));
    items.sort(
      (a, b) =>
        compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
        compare(a.metadata.name ?? '', b.metadata.name ?? ''),
    );
    return { items, resourceVersion: body.metadata?.resourceVersion ?? '0' };
  }

  async create<T extends KubeObject>(obj: T): Promise<T> {
    const m = this.kinds.get(obj.kind);
    await this.#writable();
    const namespace = this.#namespaceOf(m, obj);
    const { status: _status, ...rest } = obj;
    const { uid: _u, creationTimestamp: _c, generation: _g, resourceVersion: _r, ...metadata } = obj.metadata;
    if (m.namespaced) metadata.namespace = namespace;
    const body = { ...rest, apiVersion: this.kinds.apiVersion(m), kind: m.kind, metadata };
    const res = await this.client.request('POST', this.kinds.collectionPath(m, namespace), { body });
    if (res.status !== 201 && res.status !== 200) {
      throw kubeError(
        res,
        `create ${this.#describe(m, namespace, obj.metadata.name ?? obj.metadata.generateName ?? '')}`,
      );
    }
    return this.#fill(res.body as T, m);
  }

  update<T extends KubeObject>(obj: T): Promise<T> {
    return this.#put(obj, undefined);
  }

  updateStatus<T extends KubeObject>(obj: T): Promise<T> {
    return this.#put(obj, 'status');
  }

  /** PUT; without a resourceVersion from the caller, writes unconditionally by reading the current one first. */
  async #put<T extends KubeObject>(obj: T, subresource: 'status' | undefined): Promise<T> {
    const m = this.kinds.get(obj.kind);
    await this.#writable();
    const namespace = this.#namespaceOf(m, obj);
    const name = obj.metadata.name ?? '';
    const what = `${subresource === 'status' ? 'update the status of' : 'update'} ${this.#describe(m, namespace, name)}`;
    // The server keeps these; a PUT that disagreed about uid would be refused.
    const { uid: _u, creationTimestamp: _c, generation: _g, ...metadata } = obj.metadata;
    if (m.namespaced) metadata.namespace = namespace;
    const unconditional = metadata.resourceVersion === undefined || metadata.resourceVersion === '';
    for (let attempt = 0; ; attempt++) {
      if (unconditional) {
        const current = await this.get(m.kind, namespace, name);
        if (!current) throw new KanaryError('NOT_FOUND', `${what}: it does not exist; create it first`);
        metadata.resourceVersion = current.metadata.resourceVersion;
      }
      const body = { ...obj, apiVersion: this.kinds.apiVersion(m), kind: m.kind, metadata };
      if (subresource === undefined) delete body.status;
      const res = await this.client.request('PUT', this.kinds.objectPath(m, namespace, name, subresource), { body });
      if (res.status === 200 || res.status === 201) return this.#fill(res.body as T, m);
      const err = kubeError(res, what);
      if (unconditional && err.code === 'CONFLICT' && attempt < 10) continue;
      throw err;
    }
  }

  async patch<T extends KubeObject>(
    kind: string,
    namespace: string,
    name: string,
    patch: unknown,
    options: PatchOptions = {},
  ): Promise<T> {
    const m = this.kinds.get(kind);
    await this.#writable();
    let body = patch;
    if (options.resourceVersion !== undefined) {
      const p = (typeof patch === 'object' && patch !== null ? patch : {}) as { metadata?: Record<string, unknown> };
      body = { ...p, metadata: { ...p.metadata, resourceVersion: options.resourceVersion } };
    }
    const res = await this.client.request('PATCH', this.kinds.objectPath(m, namespace, name, options.subresource), {
      body,
      contentType: 'application/merge-patch+json',
    });
    if (res.status !== 200) throw kubeError(res, `patch ${this.#describe(m, namespace, name)}`);
    return this.#fill(res.body as T, m);
  }

  /**
   * A graceful delete is the API server's default delete (Pods get a deletionTimestamp and the kubelet finishes the
   * job); a plain delete asks for `gracePeriodSeconds: 0`, which removes the object at once.
   */
  async delete(kind: string, namespace: string, name: string, options: DeleteOptions = {}): Promise<void> {
    const m = this.kinds.get(kind);
    await this.#writable();
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: options.propagationPolicy ?? 'Background',
      ...(options.graceful === true ? {} : { gracePeriodSeconds: 0 }),
      ...(options.resourceVersion === undefined ? {} : { preconditions: { resourceVersion: options.resourceVersion } }),
    };
    const res = await this.client.request('DELETE', this.kinds.objectPath(m, namespace, name), { body });
    if (res.status !== 200 && res.status !== 202) throw kubeError(res, `delete ${this.#describe(m, namespace, name)}`);
  }

  watch<T extends KubeObject>(
    kind: string,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onError?: (err: Error) => void,
  ): () => void {
    let stopped = false;
    let cancel: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      stopped = true;
      cancel?.();
      if (timer) clearTimeout(timer);
      this.#stops.delete(stop);
    };
    const fail = (err: Error): void => {
      if (stopped) return;
      stop();
      onError?.(err);
    };
    let m: KindMapping;
    try {
      m = this.kinds.get(kind);
    } catch (err) {
      setImmediate(() => fail(err as Error));
      return stop;
    }
    this.#stops.add(stop);
    const namespace = options.namespace ?? this.#scope;
    const path = this.kinds.collectionPath(m, namespace);
    let lastVersion = options.resourceVersion;
    let delay = this.#reconnectDelayMs;

    const connect = (): void => {
      if (stopped || this.#closed) return;
      let status = 0;
      cancel = this.client.stream(
        path,
        { watch: 'true', resourceVersion: lastVersion, allowWatchBookmarks: 'true' },
        {
          onResponse: (s) => {
            status = s;
          },
          onLine: (line) => {
            if (stopped) return;
            let parsed: { type?: string; object?: Record<string, unknown> & { code?: number } };
            try {
              parsed = JSON.parse(line) as typeof parsed;
            } catch {
              return;
            }
            if (status !== 200) {
              fail(kubeError({ status, body: parsed }, `watch ${m.kind}`));
              return;
            }
            const type = parsed.type ?? '';
            const object = parsed.object ?? {};
            if (type === 'ERROR') {
              fail(
                kubeError(
                  { status: object.code ?? 500, body: object },
                  `watch ${m.kind} from version ${lastVersion ?? ''}`,
                ),
              );
              return;
            }
            const version = (object.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
            if (type === 'BOOKMARK') {
              if (version !== undefined) lastVersion = version;
              return;
            }
            if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
            if (version !== undefined && lastVersion !== undefined && Number(version) <= Number(lastVersion)) return;
            if (version !== undefined) lastVersion = version;
            delay = this.#reconnectDelayMs;
            onEvent({ type, object: this.#fill(object as unknown as T, m) });
          },
          onEnd: () => {
            if (stopped || this.#closed) return;
            if (status !== 200 && status !== 0) {
              fail(new KanaryError('INTERNAL', `watch ${m.kind}: the API server answered HTTP ${status}`));
              return;
            }
            timer = setTimeout(connect, delay);
            delay = Math.min(delay * 2, MAX_RECONNECT_DELAY_MS);
          },
        },
      );
    };

    if (lastVersion === undefined || lastVersion === '') {
      const start = this.client
        .request('GET', path, { query: { limit: '1' } })
        .then((res) => {
          if (res.status !== 200) throw kubeError(res, `list ${m.kind} to start a watch`);
          lastVersion = (res.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ?? '0';
          connect();
        })
        .catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))))
        .finally(() => this.#starting.delete(start));
      this.#starting.add(start);
    } else {
      connect();
    }
    return stop;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const stop of [...this.#stops]) stop();
    await Promise.allSettled([...this.#starting]);
    this.client.close();
  }
}

export interface CreateKubernetesStoreOptions extends KubeConnectionOptions {
  /** Scope lists and watches to this namespace; default: all namespaces. */
  namespace?: string;
  kinds?: readonly KindMapping[];
}

/**
 * A KubernetesStore from a kubeconfig (or the in-cluster service account): what `kanary server --kubeconfig` and
 * `kanary controller` use. Namespaced objects written without a namespace go to `namespace`, else to the
 * context's namespace.
 */
export function createKubernetesStore(options: CreateKubernetesStoreOptions = {}): KubernetesStore {
  const kc = loadKubeConfig(options);
  return new KubernetesStore({
    client: new KubeClient(kc),
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    defaultNamespace: options.namespace ?? defaultNamespaceOf(kc),
    ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
  });
}

function selectorText(selector: Record<string, string> | undefined): string | undefined {
  if (selector === undefined) return undefined;
  const terms = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
  return terms.length === 0 ? undefined : terms.join(',');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
