import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { CompiledTable } from './match.js';
import type { RouterMetrics, Series } from './metrics.js';
import { selectBackendIndex } from './select.js';
import type { Backend, Endpoint, Route } from './table.js';

/**
 * The data path: matches a request against the current table, picks stable or canary and then an endpoint
 * (round robin, skipping endpoints that refused a connection in the last `failTimeoutMs`), and streams the
 * request and response through one keep-alive undici Pool per endpoint.
 *
 * Retries: a request is sent again, to another endpoint chosen from the table current at that moment, only when
 * no byte of it reached an upstream (connection refused, pool closed) or, for idempotent methods without a body,
 * when the connection broke before any response byte. Nothing else is retried, so a POST is never sent twice.
 */
export interface ProxyOptions {
  /** Upstream connections per endpoint (default 128). */
  readonly connectionsPerEndpoint?: number;
  /** How long an endpoint that refused a connection is skipped (default 2000 ms). */
  readonly failTimeoutMs?: number;
  /** Max attempts per request, the first included (default 3). */
  readonly maxAttempts?: number;
  /** Time to wait for upstream response headers, and between body chunks (default 60 s, as nginx). */
  readonly upstreamTimeoutMs?: number;
  /** Random source for the canary draw (default Math.random). */
  readonly random?: () => number;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

const HOP_BY_HOP_LENGTHS = new Set([...HOP_BY_HOP].map((h) => h.length));

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/** Error codes that guarantee the request never reached the upstream. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const BROKEN_BEFORE_RESPONSE = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

export class RouterProxy {
  private compiled: CompiledTable;
  private readonly pools = new Map<string, Pool>();
  private readonly failedUntil = new Map<string, number>();
  private readonly rr = new WeakMap<Backend, { next: number }>();
  private readonly endpointSeries = new WeakMap<Endpoint, Series>();
  private readonly backendSeries = new WeakMap<Backend, Series>();
  private readonly unrouted: Series;
  /** The series of requests that match no route (404); labels all empty. */
  get fallbackSeries(): Series {
    return this.unrouted;
  }
  private readonly connections: number;
  private readonly failTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly upstreamTimeoutMs: number;
  private readonly random: () => number;
  /** Requests re-sent after a failure that reached no upstream (exposed as a metric). */
  retries = 0;

  constructor(
    initial: CompiledTable,
    private readonly metrics: RouterMetrics,
    options: ProxyOptions = {},
  ) {
    this.compiled = initial;
    this.connections = options.connectionsPerEndpoint ?? 128;
    this.failTimeoutMs = options.failTimeoutMs ?? 2000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.upstreamTimeoutMs = options.upstreamTimeoutMs ?? 60_000;
    this.random = options.random ?? Math.random;
    this.unrouted = metrics.seriesFor({ namespace: '', service: '', revision: '', ingress: '' });
  }

  get table(): CompiledTable {
    return this.compiled;
  }

  /** Swaps the table at once; pools of endpoints no longer listed close after their in-flight requests. */
  setTable(next: CompiledTable): void {
    this.compiled = next;
    const live = new Set<string>();
    for (const vh of next.table.hosts) {
      for (const route of vh.routes) {
        for (const b of [route.backend, ...route.canaries.map((c) => c.backend)]) {
          for (const ep of b.endpoints) live.add(endpointKey(ep));
        }
      }
    }
    for (const key of this.failedUntil.keys()) if (!live.has(key)) this.failedUntil.delete(key);
    for (const [key, pool] of this.pools) {
      if (live.has(key)) continue;
      this.pools.delete(key);
      void pool.close().catch(() => undefined);
    }
  }

  /** Closes every upstream pool (in-flight requests finish first). */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  }

  /** Proxies one request; always answers it. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const exchange = new Exchange(this, req, res);
    this.attempt(exchange);
  }

  /** Picks a route and endpoint from the current table and sends the request there (first try or retry). */
  attempt(x: Exchange): void {
    const m = this.compiled.match(x.req.headers.host, x.req.url ?? '/');
    if (m.kind !== 'route') {
      x.respondLocal(404, 'no route for this host and path\n', this.unrouted);
      return;
    }
    const route = m.route;
    if (route.backend.endpoints.length === 0) {
      x.respondLocal(503, 'no ready endpoint\n', this.seriesOfBackend(route.backend, route.ingress.name));
      return;
    }
    // A retry keeps the first draw, as nginx does: redrawing would send a request that found the canary down back
    // to the canary with the canary's weight, and fail it there while stable was never tried.
    x.choice ??= selectBackendIndex(route, x.req, this.random());
    let idx = x.choice;
    let backend = idx >= 0 ? (route.canaries[idx]?.backend ?? route.backend) : route.backend;
    let ep = this.pick(backend, x.tried);
    if (ep === undefined && idx >= 0) {
      // The canary has no endpoint left to try: stable is the safe place for the request.
      idx = -1;
      backend = route.backend;
      ep = this.pick(backend, x.tried);
    }
    if (ep === undefined) {
      x.respondLocal(502, 'every endpoint failed\n', x.series ?? this.seriesOfBackend(backend, ingressOf(route, idx)));
      return;
    }
    x.send(this.poolFor(ep), ep, idx >= 0, this.seriesOf(ep, backend, ingressOf(route, idx)));
  }

  /** Called by an exchange whose attempt failed before reaching the upstream. */
  retry(x: Exchange, ep: Endpoint, refused: boolean): boolean {
    const key = endpointKey(ep);
    x.tried ??= new Set<string>();
    x.tried.add(key);
    if (refused) this.failedUntil.set(key, Date.now() + this.failTimeoutMs);
    if (x.tried.size >= this.maxAttempts) return false;
    this.retries++;
    this.attempt(x);
    return true;
  }

  /** Round robin over endpoints not yet tried for this request, preferring ones not recently refusing. */
  private pick(backend: Backend, tried: ReadonlySet<string> | undefined): Endpoint | undefined {
    const eps = backend.endpoints;
    const n = eps.length;
    if (n === 0) return undefined;
    let state = this.rr.get(backend);
    if (state === undefined) {
      state = { next: 0 };
      this.rr.set(backend, state);
    }
    const start = state.next++ % n;
    if (state.next > 1e9) state.next = 0;
    const now = this.failedUntil.size > 0 ? Date.now() : 0;
    let fallback: Endpoint | undefined;
    for (let i = 0; i < n; i++) {
      const ep = eps[(start + i) % n];
      if (ep === undefined) continue;
      if (tried?.has(endpointKey(ep)) === true) continue;
      if (now > 0) {
        const until = this.failedUntil.get(endpointKey(ep));
        if (until !== undefined) {
          if (until > now) {
            fallback ??= ep;
            continue;
          }
          this.failedUntil.delete(endpointKey(ep));
        }
      }
      return ep;
    }
    return fallback;
  }

  private poolFor(ep: Endpoint): Pool {
    const key = endpointKey(ep);
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new Pool(`http://${key}`, {
        connections: this.connections,
        pipelining: 1,
        keepAliveTimeout: 4000,
        headersTimeout: this.upstreamTimeoutMs,
        bodyTimeout: this.upstreamTimeoutMs,
        connectTimeout: 5000,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  private seriesOf(ep: Endpoint, backend: Backend, ingress: string): Series {
    let s = this.endpointSeries.get(ep);
    if (s === undefined) {
      s = this.metrics.seriesFor({
        namespace: backend.namespace,
        service: backend.service,
        revision: ep.revision,
        ingress,
      });
      this.endpointSeries.set(ep, s);
    }
    return s;
  }

  private seriesOfBackend(backend: Backend, ingress: string): Series {
    let s = this.backendSeries.get(backend);
    if (s === undefined) {
      s = this.metrics.seriesFor({ namespace: backend.namespace, service: backend.service, revision: '', ingress });
      this.backendSeries.set(backend, s);
    }
    return s;
  }

  record(series: Series, status: number, seconds: number): void {
    this.metrics.record(series, status, seconds);
  }
}

function ingressOf(route: Route, idx: number): string {
  return idx >= 0 ? (route.canaries[idx]?.ingress.name ?? route.ingress.name) : route.ingress.name;
}

export function endpointKey(ep: Endpoint): string {
  return ep.ip.includes(':') ? `[${ep.ip}]:${ep.port}` : `${ep.ip}:${ep.port}`;
}

/**
 * One client request and its (possibly several) upstream attempts. Implements undici's dispatch handler
 * interface (the raw-header form, which avoids re-parsing headers on the hot path).
 */
class Exchange {
  readonly started = performance.now();
  /** Endpoints (ip:port) already tried for this request; allocated on the first retry only. */
  tried: Set<string> | undefined;
  /** The backend drawn on the first attempt (-1 stable, else the canary's index), kept across retries. */
  choice: number | undefined;
  series: Series | undefined;
  private endpoint: Endpoint | undefined;
  private canary = false;
  private abortUpstream: ((err?: Error) => void) | undefined;
  private responded = false;
  private bodyStarted = false;
  private readonly hasBody: boolean;
  private readonly upstreamHeaders: string[];
  private finished = false;

  constructor(
    private readonly proxy: RouterProxy,
    readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.hasBody =
      req.headers['content-length'] !== undefined
        ? req.headers['content-length'] !== '0'
        : req.headers['transfer-encoding'] !== undefined;
    this.upstreamHeaders = forwardHeaders(req);
    res.once('close', () => {
      if (!this.finished) {
        this.finished = true;
        this.abortUpstream?.(new Error('client closed the connection'));
        if (this.series !== undefined) this.proxy.record(this.series, 499, this.elapsed());
      }
    });
  }

  send(pool: Pool, ep: Endpoint, canary: boolean, series: Series): void {
    this.endpoint = ep;
    this.canary = canary;
    this.series = series;
    this.abortUpstream = undefined;
    pool.dispatch(
      {
        path: this.req.url ?? '/',
        method: this.req.method ?? 'GET',
        headers: this.upstreamHeaders,
        body: this.hasBody ? Readable.from(this.body(), { objectMode: false }) : null,
      },
      this,
    );
  }

  respondLocal(status: number, text: string, series: Series): void {
    if (this.finished) return;
    this.series = series;
    if (this.res.headersSent) {
      this.res.destroy();
      return;
    }
    this.res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': text.length });
    this.res.end(text);
    this.finish(status);
  }

  // undici dispatch handler (raw form) -----------------------------------------------------------------------

  onConnect(abort: (err?: Error) => void): void {
    if (this.finished) {
      abort(new Error('client closed the connection'));
      return;
    }
    this.abortUpstream = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true; // 1xx: Node answers Expect itself; others are not relayed.
    this.responded = true;
    let out: string[] = [];
    let connectionTokens: Set<string> | undefined;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = (rawHeaders[i] as Buffer).toString('latin1');
      const value = (rawHeaders[i + 1] as Buffer).toString('latin1');
      // Only names of a hop-by-hop length can be hop-by-hop: skip lower-casing the rest.
      if (HOP_BY_HOP_LENGTHS.has(name.length)) {
        const lower = name.toLowerCase();
        if (lower === 'connection') connectionTokens = tokenSet(value);
        if (HOP_BY_HOP.has(lower)) continue;
      }
      out.push(name, value);
    }
    if (connectionTokens !== undefined) out = withoutNamed(out, connectionTokens);
    const ep = this.endpoint;
    if (ep !== undefined) {
      out.push('x-kanary-revision', ep.revision, 'x-kanary-pod', ep.pod);
    }
    out.push('x-canary-backend', this.canary ? 'canary' : 'stable');
    this.status = statusCode;
    this.res.writeHead(statusCode, statusText, out);
    this.res.on('drain', resume);
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.res.write(chunk);
  }

  onComplete(): void {
    this.res.end();
    this.finish(this.status);
  }

  onError(err: Error): void {
    if (this.finished) return;
    const ep = this.endpoint;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (!this.responded && ep !== undefined && !this.bodyStarted) {
      const notSent = NOT_SENT.has(code);
      const brokenEarly = BROKEN_BEFORE_RESPONSE.has(code) && !this.hasBody && IDEMPOTENT.has(this.req.method ?? 'GET');
      if ((notSent || brokenEarly) && this.proxy.retry(this, ep, notSent)) return;
    }
    if (this.responded) {
      // Mid-body failure: the status line is gone, so the only honest signal left is a cut connection.
      this.res.destroy(err);
      this.finish(502);
      return;
    }
    const timeout = code === 'UND_ERR_HEADERS_TIMEOUT';
    this.respondLocal(
      timeout ? 504 : 502,
      timeout ? 'upstream timed out\n' : 'upstream unavailable\n',
      this.series ?? this.proxy.fallbackSeries,
    );
  }

  // ---------------------------------------------------------------------------------------------------------

  private status = 0;

  private elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }

  private finish(status: number): void {
    if (this.finished) return;
    this.finished = true;
    if (this.series !== undefined) this.proxy.record(this.series, status, this.elapsed());
  }

  /** The request body, pulled only once undici has a connection, so a refused connection consumes none of it. */
  private async *body(): AsyncGenerator<Buffer> {
    this.bodyStarted = true;
    for await (const chunk of this.req) yield chunk as Buffer;
  }
}

/** Request headers for the upstream: hop-by-hop removed, Host kept, x-forwarded-* and x-real-ip set. */
function forwardHeaders(req: IncomingMessage): string[] {
  const raw = req.rawHeaders;
  const connection = req.headers.connection;
  const extra = connection === undefined ? undefined : tokenSet(connection);
  const out: string[] = [];
  let xff: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || extra?.has(lower) === true) continue;
    if (lower === 'x-forwarded-for') {
      xff = xff === undefined ? (raw[i + 1] ?? '') : `${xff}, ${raw[i + 1] ?? ''}`;
      continue;
    }
    if (lower.startsWith('x-forwarded-') || lower === 'x-real-ip') continue;
    out.push(name, raw[i + 1] as string);
  }
  const client = req.socket.remoteAddress ?? '';
  out.push(
    'x-forwarded-for',
    xff === undefined ? client : `${xff}, ${client}`,
    'x-real-ip',
    client,
    'x-forwarded-host',
    req.headers.host ?? '',
    'x-forwarded-proto',
    'http',
    'x-forwarded-port',
    String(req.socket.localPort ?? ''),
  );
  return out;
}

function tokenSet(value: string): Set<string> {
  return new Set(value.split(',').map((t) => t.trim().toLowerCase()));
}

/** Drops the headers a Connection header named (RFC 9110 7.6.1), from a flat [name, value, ...] list. */
function withoutNamed(flat: string[], names: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i] ?? '';
    if (!names.has(name.toLowerCase())) kept.push(name, flat[i + 1] ?? '');
  }
  return kept;
}
