/**
 * A FAKE Kubernetes API server for tests. No real kube-apiserver can run on the machines these tests run on, so
 * this in-process stand-in (plain node:http on 127.0.0.1, port 0) implements the REST semantics Kanary's
 * Kubernetes mode relies on, and nothing more:
 *
 * - paths: core `/api/v1[/namespaces/{ns}]/{resource}[/{name}[/status]]` and
 *   `/apis/{group}/{version}[/namespaces/{ns}]/{resource}[/{name}[/status]]` for any group and resource (pods,
 *   replicasets, ingresses, jobs, leases, events, argoproj.io custom resources, servicemonitors, ...);
 * - list (with `labelSelector` `a=b,c=d`) returning the list's resourceVersion; builtin groups omit `kind` and
 *   `apiVersion` on list items, as the real server does;
 * - watch (`?watch=true&resourceVersion=N&allowWatchBookmarks=true`): newline-delimited JSON events replayed from
 *   history after N, then live; periodic BOOKMARK events; an ERROR event carrying a `410 Expired` Status when N is
 *   older than the kept history; no resourceVersion (or "0") sends the current objects as ADDED first;
 * - get, create (POST; generateName), update (PUT), delete (graceful for pods: a deletionTimestamp first, then
 *   removal on `gracePeriodSeconds: 0`), merge patch, JSON patch, strategic merge patch (treated as a
 *   merge patch, which is right for the subset Kanary sends), the `/status` subresource (every resource has one:
 *   the main resource ignores status, `/status` writes only status), delete with a resourceVersion precondition;
 * - `409 Conflict` on a stale resourceVersion (also a `metadata.resourceVersion` inside a patch), `409
 *   AlreadyExists`, `404 NotFound`, `422 Invalid` for bad names, all as Kubernetes `Status` bodies;
 * - writes that change nothing keep the resourceVersion and produce no watch event; generation grows when
 *   anything outside metadata and status changes.
 *
 * Test hooks: `dropWatches()` cuts every open watch connection, `compact()` forgets all history so resuming a watch
 * from an older version gets `410 Gone`, `bookmark()` sends a BOOKMARK on every watch now.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

interface Obj extends Json {
  apiVersion?: string;
  kind?: string;
  metadata: Json & { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
}

interface Change {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  collection: string;
  namespace: string;
  object: Obj;
}

interface Watcher {
  collection: string;
  namespace: string | undefined;
  selector: Record<string, string>;
  bookmarks: boolean;
  apiVersion: string;
  kind: string;
  res: ServerResponse;
  /** Events for writes at or below this version were already sent (replay); later ones go live. */
  sentUpTo: number;
}

interface Route {
  group: string;
  version: string;
  namespace: string | undefined;
  resource: string;
  name: string | undefined;
  subresource: string | undefined;
}

export interface FakeApiServerOptions {
  /** Keep at most this many changes for watch resumption (default 1000). */
  historyLimit?: number;
  /**
   * Resources whose delete is graceful unless `gracePeriodSeconds: 0` is asked for: the first delete only sets
   * `metadata.deletionTimestamp`, as the real server does for Pods (the kubelet then finishes it). Default: pods.
   */
  gracefulResources?: readonly string[];
  /** BOOKMARK interval on watches that allow them, in ms (default 1000; 0 turns periodic bookmarks off). */
  bookmarkIntervalMs?: number;
  now?: () => Date;
}

/** API groups whose list items carry no kind/apiVersion, like the real server's builtin types. */
const BUILTIN_GROUPS = new Set(['', 'apps', 'batch', 'networking.k8s.io', 'coordination.k8s.io']);
const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class FakeApiServer {
  readonly #server: Server;
  readonly #objects = new Map<string, Map<string, Obj>>();
  readonly #history: Change[] = [];
  readonly #watchers = new Set<Watcher>();
  readonly #historyLimit: number;
  readonly #graceful: ReadonlySet<string>;
  readonly #now: () => Date;
  #rv = 1;
  /** Watches resuming from a version below this one get 410 Gone. */
  #compactedRv = 0;
  #bookmarkTimer: NodeJS.Timeout | undefined;
  /** Every request as `METHOD path?query`, for tests that check what the client sent. */
  readonly requests: string[] = [];
  /** The `propagationPolicy` of every DELETE, in order (undefined when the body named none). */
  readonly propagationPolicies: (string | undefined)[] = [];

  private constructor(options: FakeApiServerOptions) {
    this.#historyLimit = options.historyLimit ?? 1000;
    this.#graceful = new Set(options.gracefulResources ?? ['pods']);
    this.#now = options.now ?? (() => new Date());
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        this.#status(res, 500, 'InternalError', err instanceof Error ? err.message : String(err));
      });
    });
    const interval = options.bookmarkIntervalMs ?? 1000;
    if (interval > 0) {
      this.#bookmarkTimer = setInterval(() => this.bookmark(), interval);
      this.#bookmarkTimer.unref();
    }
  }

  static async start(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const fake = new FakeApiServer(options);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** A kubeconfig (YAML) pointing at this fake, with a token the fake ignores. */
  kubeconfig(context = 'fake'): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: ${context}`,
      '  cluster:',
      `    server: ${this.url}`,
      '    insecure-skip-tls-verify: true',
      'users:',
      `- name: ${context}`,
      '  user:',
      '    token: fake-token',
      'contexts:',
      `- name: ${context}`,
      '  context:',
      `    cluster: ${context}`,
      `    user: ${context}`,
      '    namespace: default',
      `current-context: ${context}`,
      '',
    ].join('\n');
  }

  /** How many watch connections are open now. */
  get openWatches(): number {
    return this.#watchers.size;
  }

  /** The current resourceVersion of the whole fake. */
  get resourceVersion(): string {
    return String(this.#rv);
  }

  /** Cuts every open watch connection, as a load balancer or an API server restart would. */
  dropWatches(): void {
    for (const w of this.#watchers) w.res.destroy();
    this.#watchers.clear();
  }

  /** Forgets all history: a watch resuming from any version older than now gets 410 Gone. */
  compact(): void {
    this.#history.length = 0;
    this.#compactedRv = this.#rv;
  }

  /** Sends a BOOKMARK with the current version on every watch that allows bookmarks. */
  bookmark(): void {
    for (const w of this.#watchers) {
      if (!w.bookmarks) continue;
      w.sentUpTo = this.#rv;
      this.#send(w, {
        type: 'BOOKMARK',
        object: { apiVersion: w.apiVersion, kind: w.kind, metadata: { resourceVersion: String(this.#rv) } },
      });
    }
  }

  /** Reads an object directly (test assertions), bypassing HTTP. */
  peek(resource: string, namespace: string, name: string, group = ''): Obj | undefined {
    const found = this.#objects.get(`${group}/${resource}`)?.get(`${namespace}/${name}`);
    return found === undefined ? undefined : clone(found);
  }

  async close(): Promise<void> {
    if (this.#bookmarkTimer) clearInterval(this.#bookmarkTimer);
    this.dropWatches();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ---- request handling ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push(`${req.method ?? ''} ${url.pathname}${url.search}`);
    const route = parseRoute(url.pathname);
    if (!route) return this.#status(res, 404, 'NotFound', `the server could not find the requested resource`);
    const body = await readBody(req);
    const collection = `${route.group}/${route.resource}`;
    const method = req.method ?? 'GET';
    if (route.name === undefined) {
      if (method === 'GET' && url.searchParams.get('watch') === 'true') return this.#watch(route, url, res);
      if (method === 'GET') return this.#list(route, url, res);
      if (method === 'POST') return this.#create(route, collection, body, res);
      return this.#status(res, 405, 'MethodNotAllowed', `the server does not allow ${method} on a collection`);
    }
    const key = `${route.namespace ?? ''}/${route.name}`;
    const stored = this.#objects.get(collection)?.get(key);
    const what = `${route.resource} "${route.name}"`;
    if (method === 'GET') {
      if (!stored) return this.#notFound(res, route);
      return json(res, 200, this.#outgoing(stored, route));
    }
    if (method === 'DELETE') {
      if (!stored) return this.#notFound(res, route);
      const options = parseJson(body) as
        | { preconditions?: { resourceVersion?: string }; gracePeriodSeconds?: number; propagationPolicy?: string }
        | undefined;
      this.propagationPolicies.push(options?.propagationPolicy);
      const pre = options?.preconditions;
      if (pre?.resourceVersion !== undefined && pre.resourceVersion !== stored.metadata.resourceVersion) {
        return this.#conflict(
          res,
          route,
          `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${stored.metadata.resourceVersion ?? ''}). The object might have been modified`,
        );
      }
      if (this.#graceful.has(route.resource) && options?.gracePeriodSeconds !== 0) {
        if (stored.metadata.deletionTimestamp !== undefined) return json(res, 202, clone(stored));
        const terminating = clone(stored);
        terminating.metadata.deletionTimestamp = this.#now()
          .toISOString()
          .replace(/\.\d+Z$/, 'Z');
        terminating.metadata.deletionGracePeriodSeconds = options?.gracePeriodSeconds ?? 30;
        terminating.metadata.resourceVersion = String(++this.#rv);
        this.#objects.get(collection)?.set(key, terminating);
        this.#record({
          rv: this.#rv,
          type: 'MODIFIED',
          collection,
          namespace: route.namespace ?? '',
          object: clone(terminating),
        });
        return json(res, 202, clone(terminating));
      }
      this.#objects.get(collection)?.delete(key);
      const last = clone(stored);
      last.metadata.resourceVersion = String(++this.#rv);
      this.#record({ rv: this.#rv, type: 'DELETED', collection, namespace: route.namespace ?? '', object: last });
      return json(res, 200, this.#outgoing(last, route));
    }
    if (method !== 'PUT' && method !== 'PATCH') {
      return this.#status(res, 405, 'MethodNotAllowed', `the server does not allow ${method} on ${what}`);
    }
    if (!stored) return this.#notFound(res, route);
    const input = parseJson(body);
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const isJsonPatch = method === 'PATCH' && type === 'application/json-patch+json';
    if (isJsonPatch ? !Array.isArray(input) : !isObject(input)) {
      return this.#status(res, 400, 'BadRequest', `the request body is not a JSON ${isJsonPatch ? 'array' : 'object'}`);
    }
    let candidate: Obj;
    if (method === 'PUT') {
      candidate = input as Obj;
      if (!isObject(candidate.metadata)) candidate.metadata = {};
    } else {
      if (isJsonPatch) {
        const result = applyJsonPatch(clone(stored), input);
        if (typeof result === 'string') return this.#status(res, 422, 'Invalid', `${what} is invalid: ${result}`);
        candidate = result as Obj;
      } else if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
        candidate = mergePatch(clone(stored), input) as Obj;
      } else {
        return this.#status(res, 415, 'UnsupportedMediaType', `the content type "${type}" is not supported for PATCH`);
      }
    }
    const { name: newName, namespace: newNamespace } = candidate.metadata;
    if (newName !== undefined && newName !== route.name) {
      return this.#status(
        res,
        400,
        'BadRequest',
        `the name of the object (${newName}) does not match the name on the URL (${route.name})`,
      );
    }
    if (newNamespace !== undefined && route.namespace !== undefined && newNamespace !== route.namespace) {
      return this.#status(
        res,
        400,
        'BadRequest',
        'the namespace of the object does not match the namespace on the URL',
      );
    }
    const expected = candidate.metadata.resourceVersion;
    if (expected !== undefined && expected !== '' && expected !== stored.metadata.resourceVersion) {
      return this.#conflict(
        res,
        route,
        `Operation cannot be fulfilled on ${route.resource} "${route.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const next = route.subresource === 'status' ? statusOnly(stored, candidate) : specAndMeta(stored, candidate);
    if (deepEqual(next, stored)) return json(res, 200, this.#outgoing(stored, route));
    if (route.subresource !== 'status' && !deepEqual(withoutMetaStatus(next), withoutMetaStatus(stored))) {
      next.metadata.generation = Number(stored.metadata.generation ?? 1) + 1;
    }
    next.metadata.resourceVersion = String(++this.#rv);
    this.#objects.get(collection)?.set(key, next);
    this.#record({ rv: this.#rv, type: 'MODIFIED', collection, namespace: route.namespace ?? '', object: clone(next) });
    return json(res, 200, this.#outgoing(next, route));
  }

  #create(route: Route, collection: string, body: string, res: ServerResponse): void {
    const input = parseJson(body);
    if (!isObject(input)) return this.#status(res, 400, 'BadRequest', 'the request body is not a JSON object');
    const obj = input as Obj;
    if (typeof obj.kind !== 'string' || obj.kind === '') {
      return this.#status(res, 400, 'BadRequest', "Object 'Kind' is missing in the request body");
    }
    const meta = isObject(obj.metadata) ? obj.metadata : {};
    if (meta.namespace !== undefined && route.namespace !== undefined && meta.namespace !== route.namespace) {
      return this.#status(
        res,
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    let name = typeof meta.name === 'string' ? meta.name : '';
    const items = this.#objects.get(collection) ?? new Map<string, Obj>();
    this.#objects.set(collection, items);
    if (name === '' && typeof meta.generateName === 'string' && meta.generateName !== '') {
      do {
        let suffix = '';
        for (let i = 0; i < 5; i++)
          suffix += GENERATE_ALPHABET.charAt(Math.floor(Math.random() * GENERATE_ALPHABET.length));
        name = `${meta.generateName}${suffix}`;
      } while (items.has(`${route.namespace ?? ''}/${name}`));
    }
    if (name === '')
      return this.#status(
        res,
        422,
        'Invalid',
        `${obj.kind} is invalid: metadata.name: Required value: name or generateName is required`,
      );
    if (name.length > 253 || !NAME_RE.test(name)) {
      return this.#status(
        res,
        422,
        'Invalid',
        `${obj.kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      );
    }
    const key = `${route.namespace ?? ''}/${name}`;
    if (items.has(key)) {
      return this.#status(res, 409, 'AlreadyExists', `${route.resource} "${name}" already exists`, {
        name,
        kind: route.resource,
      });
    }
    const { status: _ignored, ...rest } = obj;
    const created: Obj = {
      ...rest,
      metadata: {
        ...meta,
        name,
        ...(route.namespace === undefined ? {} : { namespace: route.namespace }),
        uid: randomUUID(),
        creationTimestamp: this.#now()
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
        generation: 1,
        resourceVersion: String(++this.#rv),
      },
    };
    items.set(key, created);
    this.#record({ rv: this.#rv, type: 'ADDED', collection, namespace: route.namespace ?? '', object: clone(created) });
    json(res, 201, this.#outgoing(created, route));
  }

  #list(route: Route, url: URL, res: ServerResponse): void {
    const selector = parseSelector(url.searchParams.get('labelSelector'));
    const items = [...(this.#objects.get(`${route.group}/${route.resource}`)?.entries() ?? [])]
      .filter(([key]) => route.namespace === undefined || key.startsWith(`${route.namespace}/`))
      .filter(([, o]) => matches(o, selector))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => (BUILTIN_GROUPS.has(route.group) ? stripType(o) : clone(o)));
    const limit = Number(url.searchParams.get('limit') ?? '0');
    json(res, 200, {
      apiVersion: apiVersionOf(route),
      kind: `${kindGuess(route.resource)}List`,
      metadata: { resourceVersion: String(this.#rv) },
      items: limit > 0 ? items.slice(0, limit) : items,
    });
  }

  #watch(route: Route, url: URL, res: ServerResponse): void {
    const from = url.searchParams.get('resourceVersion');
    const collection = `${route.group}/${route.resource}`;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const w: Watcher = {
      collection,
      namespace: route.namespace,
      selector: parseSelector(url.searchParams.get('labelSelector')),
      bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true',
      apiVersion: apiVersionOf(route),
      kind: kindGuess(route.resource),
      res,
      sentUpTo: this.#rv,
    };
    if (from === null || from === '' || from === '0') {
      for (const [key, o] of this.#objects.get(collection) ?? []) {
        if (route.namespace !== undefined && !key.startsWith(`${route.namespace}/`)) continue;
        if (matches(o, w.selector)) this.#send(w, { type: 'ADDED', object: clone(o) });
      }
    } else {
      const since = Number(from);
      if (!Number.isFinite(since) || since < this.#compactedRv) {
        res.end(
          JSON.stringify({
            type: 'ERROR',
            object: statusBody(410, 'Expired', `too old resource version: ${from} (${this.#compactedRv})`),
          }) + '\n',
        );
        return;
      }
      for (const change of this.#history) {
        if (change.rv > since && this.#wants(w, change))
          this.#send(w, { type: change.type, object: clone(change.object) });
      }
    }
    this.#watchers.add(w);
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? '0');
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    res.on('close', () => {
      if (timer) clearTimeout(timer);
      this.#watchers.delete(w);
    });
  }

  #wants(w: Watcher, change: Change): boolean {
    return (
      change.collection === w.collection &&
      (w.namespace === undefined || change.namespace === w.namespace) &&
      matches(change.object, w.selector)
    );
  }

  #record(change: Change): void {
    this.#history.push(change);
    while (this.#history.length > this.#historyLimit) {
      const dropped = this.#history.shift();
      if (dropped) this.#compactedRv = dropped.rv;
    }
    for (const w of this.#watchers) {
      if (change.rv > w.sentUpTo && this.#wants(w, change)) {
        this.#send(w, { type: change.type, object: clone(change.object) });
      }
    }
  }

  #send(w: Watcher, event: { type: string; object: Json }): void {
    if (!w.res.writableEnded && !w.res.destroyed) w.res.write(JSON.stringify(event) + '\n');
  }

  #outgoing(obj: Obj, _route: Route): Obj {
    return clone(obj);
  }

  #notFound(res: ServerResponse, route: Route): void {
    this.#status(res, 404, 'NotFound', `${route.resource} "${route.name ?? ''}" not found`, {
      name: route.name ?? '',
      kind: route.resource,
    });
  }

  #conflict(res: ServerResponse, route: Route, message: string): void {
    this.#status(res, 409, 'Conflict', message, { name: route.name ?? '', kind: route.resource });
  }

  #status(res: ServerResponse, code: number, reason: string, message: string, details?: Json): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    json(res, code, statusBody(code, reason, message, details));
  }
}

// ---- helpers (deliberately independent of Kanary's own store code, so the fake checks it rather than mirrors it)

function statusBody(code: number, reason: string, message: string, details?: Json): Json {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}

function parseRoute(pathname: string): Route | undefined {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, extra] = rest;
  if (resource === undefined || extra !== undefined) return undefined;
  if (subresource !== undefined && subresource !== 'status') return undefined;
  return { group, version, namespace, resource, name, subresource };
}

function apiVersionOf(route: Route): string {
  return route.group === '' ? route.version : `${route.group}/${route.version}`;
}

/** Good enough for List kinds and bookmarks: `replicasets` -> `Replicaset`. The client does not read these. */
function kindGuess(resource: string): string {
  const singular = resource.endsWith('ies') ? `${resource.slice(0, -3)}y` : resource.replace(/e?s$/, '');
  return singular.charAt(0).toUpperCase() + singular.slice(1);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function parseSelector(text: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const term of (text ?? '').split(',')) {
    if (term.trim() === '') continue;
    const [k, v] = term.split('=');
    out[(k ?? '').trim()] = (v ?? '').trim();
  }
  return out;
}

function matches(o: Obj, selector: Record<string, string>): boolean {
  const labels = o.metadata.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function stripType(o: Obj): Obj {
  const { apiVersion: _a, kind: _k, ...rest } = clone(o);
  return rest;
}

function withoutMetaStatus(o: Obj): Json {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

const SYSTEM_META = [
  'uid',
  'creationTimestamp',
  'generation',
  'resourceVersion',
  'name',
  'namespace',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
] as const;

/** The main resource: spec and metadata from the request, status and system metadata from the stored object. */
function specAndMeta(stored: Obj, candidate: Obj): Obj {
  const { status: _ignored, ...rest } = clone(candidate);
  const metadata: Json = { ...rest.metadata };
  for (const k of SYSTEM_META) {
    if (stored.metadata[k] === undefined) Reflect.deleteProperty(metadata, k);
    else metadata[k] = stored.metadata[k];
  }
  const next: Obj = {
    ...rest,
    apiVersion: stored.apiVersion,
    kind: stored.kind,
    metadata,
  };
  if (stored.status !== undefined) next.status = clone(stored.status);
  return next;
}

/** The status subresource: everything from the stored object except status. */
function statusOnly(stored: Obj, candidate: Obj): Obj {
  const next = clone(stored);
  if (candidate.status === undefined) delete next.status;
  else next.status = clone(candidate.status);
  return next;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) Reflect.deleteProperty(out, k);
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** RFC 6902 add/remove/replace/test/copy/move; returns an error message on failure. */
function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) return 'a JSON patch must be an array of operations';
  let current = doc;
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') return 'malformed operation';
    const path = pointer(raw.path);
    switch (raw.op) {
      case 'add':
      case 'replace': {
        if (raw.op === 'replace' && getAt(current, path) === undefined) return `replace at missing path ${raw.path}`;
        const r = setAt(current, path, clone(raw.value), raw.op === 'add');
        if (typeof r === 'string') return r;
        current = r.doc;
        break;
      }
      case 'remove': {
        if (getAt(current, path) === undefined) return `remove at missing path ${raw.path}`;
        current = removeAt(current, path);
        break;
      }
      case 'test':
        if (!deepEqual(getAt(current, path), raw.value)) return `test failed at ${raw.path}`;
        break;
      case 'copy':
      case 'move': {
        if (typeof raw.from !== 'string') return 'copy/move needs "from"';
        const from = pointer(raw.from);
        const value = getAt(current, from);
        if (value === undefined) return `${raw.op} from missing path ${raw.from}`;
        if (raw.op === 'move') current = removeAt(current, from);
        const r = setAt(current, path, clone(value), true);
        if (typeof r === 'string') return r;
        current = r.doc;
        break;
      }
      default:
        return `unknown operation ${raw.op}`;
    }
  }
  return current;
}

function pointer(p: string): string[] {
  if (p === '') return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: unknown, path: string[]): unknown {
  let cur = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function setAt(doc: unknown, path: string[], value: unknown, insert: boolean): { doc: unknown } | string {
  if (path.length === 0) return { doc: value };
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) return `bad array index ${last}`;
    if (insert) parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    return `no parent for /${path.join('/')}`;
  }
  return { doc };
}

function removeAt(doc: unknown, path: string[]): unknown {
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1] ?? '';
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isObject(parent)) Reflect.deleteProperty(parent, last);
  return doc;
}
