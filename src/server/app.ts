import { Hono } from 'hono';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { KubeObject } from '../api/meta.js';
import { DEFAULT_NAMESPACE } from '../api/meta.js';
import { KanaryError, httpStatusOf, toKanaryError } from '../common/index.js';
import type { ResourceStore, WatchEvent } from '../store/types.js';
import { checkBearer } from './auth.js';
import { mountInfo } from './info.js';
import { mountOperations } from './operations.js';
import { deleteObject, parsePropagationPolicy } from '../operations/index.js';
import { RESOURCE_KINDS, resolveKind } from '../common/index.js';
import type { ResourceKind } from '../common/index.js';

export interface ApiOptions {
  store: ResourceStore;
  /** Bearer token every mutating call must present. */
  token: string;
  /**
   * Extra routes (local-mode routes, dashboard) mounted by the composition root. They are registered before the
   * generic `/api/v1/:resource/:name` routes, so a specific path wins.
   */
  extend?: (app: Hono) => void;
}

/**
 * The HTTP API of `kanary server`: Kubernetes-shaped REST over the ResourceStore plus a server-sent event stream.
 *
 * - `GET  /api/v1/namespaces/:ns/:resource[/:name]` and `GET /api/v1/:resource[/:name]` (all namespaces or
 *   cluster-scoped) read; `POST` creates, `PUT` creates or replaces (apply), `PATCH` merge-patches, `DELETE`
 *   deletes (`?propagationPolicy=Orphan` keeps the dependents). `?labelSelector=a=b,c=d` filters lists.
 * - `GET /api/v1/stream?kinds=Rollout,AnalysisRun` streams `ADDED|MODIFIED|DELETED` events as SSE, each with the
 *   object's resourceVersion as the event id; a reconnect with `Last-Event-ID` resumes.
 * - Reads need no token (the server listens on loopback by default); every write needs `Authorization: Bearer`.
 * Errors are JSON `{ code, message }` with the status from `httpStatusOf`.
 */
export function createApiApp(options: ApiOptions): Hono {
  const { store, token } = options;
  const app = new Hono();

  app.onError((err, c) => {
    const e = toKanaryError(err);
    return c.json({ code: e.code, message: e.message }, httpStatusOf(e.code) as 400);
  });
  app.use('/api/*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') checkBearer(c.req.header('authorization'), token);
    await next();
  });

  app.get('/api/v1/healthz', (c) => c.json({ ok: true }));
  app.get('/api/v1/resources', (c) => c.json(RESOURCE_KINDS));
  app.get('/api/v1/stream', (c) => streamEvents(c, store));
  // Before the generic routes, which would take `rolloutinfos` for a resource type.
  mountInfo(app, store);
  mountOperations(app, store);
  // Extensions come before the generic routes, which would take `/api/v1/sd/prometheus` for a resource named "sd".
  options.extend?.(app);

  const ns = '/api/v1/namespaces/:ns/:resource';
  app.get(ns, (c) => listObjects(c, store, c.req.param('ns')));
  app.get('/api/v1/:resource', (c) => listObjects(c, store, undefined));
  app.get(`${ns}/:name`, (c) => getObject(c, store, c.req.param('ns')));
  app.get('/api/v1/:resource/:name', (c) => getObject(c, store, ''));
  app.post(ns, async (c) => c.json(await store.create(await bodyObject(c, c.req.param('ns'))), 201));
  app.post('/api/v1/:resource', async (c) => c.json(await store.create(await bodyObject(c, '')), 201));
  app.put(`${ns}/:name`, async (c) => c.json(await applyObject(store, await bodyObject(c, c.req.param('ns')))));
  app.put('/api/v1/:resource/:name', async (c) => c.json(await applyObject(store, await bodyObject(c, ''))));
  app.patch(`${ns}/:name`, async (c) => {
    const kind = kindOf(c.req.param('resource'));
    const sub = c.req.query('subresource') === 'status' ? ('status' as const) : undefined;
    const patched = await store.patch(kind.kind, c.req.param('ns'), c.req.param('name'), await c.req.json(), {
      subresource: sub,
    });
    return c.json(patched);
  });
  app.delete(`${ns}/:name`, (c) => deleteOne(c, store, c.req.param('ns')));
  app.delete('/api/v1/:resource/:name', (c) => deleteOne(c, store, ''));

  return app;
}

/**
 * `DELETE` with `?propagationPolicy=Background|Foreground|Orphan` as in Kubernetes (Background when absent): Orphan
 * first removes the object's reference from its direct dependents, so the garbage collector leaves them.
 */
async function deleteOne(c: Context, store: ResourceStore, namespace: string): Promise<Response> {
  const kind = kindOf(c.req.param('resource') ?? '');
  const policy = parsePropagationPolicy(c.req.query('propagationPolicy'));
  const { orphaned } = await deleteObject(
    store,
    kind,
    kind.namespaced ? namespace : '',
    c.req.param('name') ?? '',
    policy,
  );
  return c.json({ deleted: true, propagationPolicy: policy, orphaned });
}

function kindOf(resource: string): ResourceKind {
  const kind = resolveKind(resource);
  if (kind === undefined) {
    throw new KanaryError(
      'NOT_FOUND',
      `the server does not know the resource type "${resource}"; known: ${RESOURCE_KINDS.map((k) => k.plural).join(', ')}`,
    );
  }
  return kind;
}

function scopeOf(kind: ResourceKind, namespace: string | undefined): string | undefined {
  return kind.namespaced ? namespace : '';
}

async function listObjects(c: Context, store: ResourceStore, namespace: string | undefined): Promise<Response> {
  const kind = kindOf(c.req.param('resource') ?? '');
  const labelSelector = parseSelector(c.req.query('labelSelector'));
  const list = await store.list(kind.kind, { namespace: scopeOf(kind, namespace), labelSelector });
  return c.json({
    apiVersion: 'v1',
    kind: `${kind.kind}List`,
    metadata: { resourceVersion: list.resourceVersion },
    items: list.items,
  });
}

async function getObject(c: Context, store: ResourceStore, namespace: string): Promise<Response> {
  const kind = kindOf(c.req.param('resource') ?? '');
  const name = c.req.param('name') ?? '';
  const ns = scopeOf(kind, namespace) ?? DEFAULT_NAMESPACE;
  const obj = await store.get(kind.kind, ns, name);
  if (obj === undefined) {
    throw new KanaryError('NOT_FOUND', `${kind.kind} "${name}" not found in namespace "${ns}"`);
  }
  return c.json(obj);
}

async function bodyObject(c: Context, namespace: string): Promise<KubeObject> {
  const kind = kindOf(c.req.param('resource') ?? '');
  const body: unknown = await c.req.json().catch(() => {
    throw new KanaryError('INVALID_SPEC', 'the request body is not JSON');
  });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new KanaryError('INVALID_SPEC', 'the request body must be one JSON object');
  }
  const obj = body as KubeObject;
  if (obj.kind !== kind.kind) {
    throw new KanaryError(
      'INVALID_SPEC',
      `the body's kind ${JSON.stringify(obj.kind)} does not match the URL's ${kind.plural}`,
    );
  }
  const metadata = { ...(obj.metadata as KubeObject['metadata'] | undefined) };
  metadata.namespace = kind.namespaced ? namespace : '';
  const name = c.req.param('name');
  if (name !== undefined && metadata.name !== undefined && metadata.name !== name) {
    throw new KanaryError('INVALID_SPEC', `metadata.name "${metadata.name}" does not match the URL's name "${name}"`);
  }
  if (name !== undefined) metadata.name = name;
  return { ...obj, metadata };
}

/** Create-or-replace, as `kubectl apply` does for a whole object; status in the body is kept if given. */
async function applyObject(store: ResourceStore, obj: KubeObject): Promise<KubeObject> {
  const ns = obj.metadata.namespace ?? DEFAULT_NAMESPACE;
  const name = obj.metadata.name ?? '';
  const current = await store.get(obj.kind, ns, name);
  if (current === undefined) return store.create(obj);
  return store.update({ ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } });
}

function parseSelector(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || text === '') return undefined;
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [k, v] = part.split('=');
    if (k === undefined || v === undefined || k === '') {
      throw new KanaryError('BAD_USAGE', `labelSelector "${text}" is not of the form key=value[,key=value]`);
    }
    out[k.trim()] = v.trim();
  }
  return out;
}

function streamEvents(c: Context, store: ResourceStore): Response {
  const kinds = (c.req.query('kinds') ?? 'Rollout,AnalysisRun,ReplicaSet,Pod')
    .split(',')
    .map((k) => kindOf(k.trim()).kind);
  const namespace = c.req.query('namespace');
  const since = c.req.header('last-event-id') ?? c.req.query('since');
  return streamSSE(c, async (stream) => {
    const queue: WatchEvent[] = [];
    let wake: (() => void) | undefined;
    let failed: Error | undefined;
    const stops = kinds.map((kind) =>
      store.watch(
        kind,
        { namespace, resourceVersion: since },
        (ev) => {
          queue.push(ev);
          wake?.();
        },
        (err) => {
          failed = err;
          wake?.();
        },
      ),
    );
    stream.onAbort(() => {
      stops.forEach((s) => s());
      wake?.();
    });
    const isClosed = (): boolean => stream.aborted || stream.closed;
    while (!isClosed() && failed === undefined) {
      const ev = queue.shift();
      if (ev === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 15_000);
        });
        if (queue.length === 0 && !isClosed()) await stream.writeSSE({ event: 'ping', data: '{}' });
        continue;
      }
      await stream.writeSSE({
        event: ev.type,
        id: ev.object.metadata.resourceVersion,
        data: JSON.stringify(ev.object),
      });
    }
    if (failed !== undefined) {
      const e = toKanaryError(failed);
      await stream.writeSSE({ event: 'error', data: JSON.stringify({ code: e.code, message: e.message }) });
    }
    stops.forEach((s) => s());
  });
}
