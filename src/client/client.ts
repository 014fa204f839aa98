import type { KubeObject } from '../api/meta.js';
import { KanaryError } from '../common/index.js';
import type { ErrorCode } from '../common/index.js';
import type { Connection } from './config.js';

/** The server's answer to a delete: the policy applied and, for Orphan, the dependents that lost the reference. */
export interface DeleteResponse {
  deleted: boolean;
  propagationPolicy: 'Background' | 'Foreground' | 'Orphan';
  /** Absent from servers older than propagation policies. */
  orphaned?: { kind: string; namespace: string; name: string; uid: string }[];
}

/**
 * A typed client of the server's HTTP API, shared by the CLI and tests. Errors from the server come back as
 * KanaryErrors with the server's code; an unreachable server is PROVIDER_UNAVAILABLE with a next step.
 */
export class KanaryClient {
  constructor(private readonly conn: Connection) {}

  get url(): string {
    return this.conn.url;
  }

  async list<T extends KubeObject>(resource: string, namespace?: string, labelSelector?: string): Promise<T[]> {
    const q = labelSelector === undefined ? '' : `?labelSelector=${encodeURIComponent(labelSelector)}`;
    const list = await this.request<{ items: T[] }>('GET', `${this.path(resource, namespace)}${q}`);
    return list.items;
  }

  get<T extends KubeObject>(resource: string, namespace: string, name: string): Promise<T> {
    return this.request<T>('GET', `${this.path(resource, namespace)}/${encodeURIComponent(name)}`);
  }

  apply<T extends KubeObject>(resource: string, namespace: string, obj: T): Promise<T> {
    const name = obj.metadata.name ?? '';
    return this.request<T>('PUT', `${this.path(resource, namespace)}/${encodeURIComponent(name)}`, obj);
  }

  create<T extends KubeObject>(resource: string, namespace: string, obj: T): Promise<T> {
    return this.request<T>('POST', this.path(resource, namespace), obj);
  }

  patch<T extends KubeObject>(resource: string, namespace: string, name: string, patch: unknown): Promise<T> {
    return this.request<T>('PATCH', `${this.path(resource, namespace)}/${encodeURIComponent(name)}`, patch);
  }

  /**
   * Deletes one object. `propagationPolicy` says what becomes of its dependents, as in Kubernetes: `Background` (the
   * default) deletes them after it, `Orphan` keeps them without their reference to it.
   */
  delete(
    resource: string,
    namespace: string,
    name: string,
    options: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' } = {},
  ): Promise<DeleteResponse> {
    const q =
      options.propagationPolicy === undefined
        ? ''
        : `?propagationPolicy=${encodeURIComponent(options.propagationPolicy)}`;
    return this.request<DeleteResponse>('DELETE', `${this.path(resource, namespace)}/${encodeURIComponent(name)}${q}`);
  }

  /** Calls a named operation on a rollout (promote, abort, retry, ...), as the CLI verbs do. */
  operate<T>(namespace: string, name: string, operation: string, body: unknown = {}): Promise<T> {
    return this.request<T>(
      'POST',
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/rollouts/${encodeURIComponent(name)}/${operation}`,
      body,
    );
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.conn.token !== undefined && method !== 'GET') headers.authorization = `Bearer ${this.conn.token}`;
    let res: Response;
    try {
      res = await fetch(`${this.conn.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new KanaryError(
        'PROVIDER_UNAVAILABLE',
        `cannot reach the Kanary server at ${this.conn.url}: ${causeOf(err)}; start it with \`kanary server\` or set KANARY_SERVER`,
        { cause: err },
      );
    }
    const text = await res.text();
    const data: unknown = text === '' ? undefined : JSON.parse(text);
    if (!res.ok) {
      const e = data as { code?: ErrorCode; message?: string } | undefined;
      throw new KanaryError(e?.code ?? 'INTERNAL', e?.message ?? `${method} ${path}: HTTP ${res.status}`);
    }
    return data as T;
  }

  private path(resource: string, namespace: string | undefined): string {
    const r = encodeURIComponent(resource);
    return namespace === undefined || namespace === ''
      ? `/api/v1/${r}`
      : `/api/v1/namespaces/${encodeURIComponent(namespace)}/${r}`;
  }
}

function causeOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: { code?: string } }).cause;
    return cause?.code ?? err.message;
  }
  return String(err);
}
