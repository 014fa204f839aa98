import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KanaryError } from '../../common/index.js';
import { compileTable } from './match.js';
import type { ServiceStats } from './metrics.js';
import { RouterMetrics, parseWindow } from './metrics.js';
import type { ProxyOptions } from './proxy.js';
import { RouterProxy } from './proxy.js';
import { TableFile } from './state.js';
import type { RoutingTable } from './table.js';
import { emptyRoutingTable, parseRoutingTable, withVersion } from './table.js';

/**
 * The router process' HTTP server: the data plane and, under the reserved path prefix `/_kanary/`, its admin
 * API, on one port. Requests whose path starts with `/_kanary/` are never proxied.
 *
 *   PUT  /_kanary/table          whole routing table (bearer token); idempotent: { version, changed }
 *   GET  /_kanary/table          the current table
 *   GET  /_kanary/healthz        { ok, version }
 *   GET  /_kanary/metrics        Prometheus text
 *   GET  /_kanary/metrics.json   cumulative snapshot with timestamp (MetricsSnapshot)
 *   GET  /_kanary/stats?service=NS/NAME&window=30s   window stats per revision (ServiceStats)
 *   GET  /metrics                Prometheus text too, but only when no virtual host claims the request's Host
 *                                (so an application's own /metrics behind an Ingress keeps working)
 */
export interface RouterOptions {
  /** Port to listen on; 0 picks a free one (read it back from `RunningRouter.port`). */
  readonly port: number;
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Where the last table is kept; loaded at start, rewritten atomically on every change. */
  readonly stateFile: string;
  /** Bearer token required by `PUT /_kanary/table`. */
  readonly adminToken: string;
  /** Clock for metrics windows (epoch ms); default Date.now. */
  readonly now?: () => number;
  /** Seconds of per-second history kept for window stats (default 900). */
  readonly statsRingSeconds?: number;
  readonly proxy?: ProxyOptions;
  /** Where the router reports notable events (corrupt state file, table changes); default: nowhere. */
  readonly log?: (message: string) => void;
}

export interface RunningRouter {
  readonly port: number;
  readonly host: string;
  /** http://host:port */
  readonly url: string;
  /** The table being served. */
  table(): RoutingTable;
  /** Installs and persists a table in process (what `PUT /_kanary/table` does); resolves once it is on disk. */
  applyTable(table: RoutingTable): Promise<{ version: string; changed: boolean }>;
  stats(service: string, windowSeconds: number): ServiceStats;
  /** Stops accepting, lets in-flight requests finish, closes upstream pools. */
  close(): Promise<void>;
}

export const ADMIN_PREFIX = '/_kanary/';
const MAX_TABLE_BYTES = 64 * 1024 * 1024;

export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  if (options.adminToken.length < 16) {
    throw new KanaryError(
      'BAD_USAGE',
      'router adminToken is shorter than 16 characters; pass a random token (the server generates one).',
    );
  }
  const log = options.log ?? (() => undefined);
  const file = new TableFile(options.stateFile);
  const initial = (await file.load(log)) ?? emptyRoutingTable();
  const metrics = new RouterMetrics(options.now, options.statsRingSeconds);
  const proxy = new RouterProxy(compileTable(initial), metrics, options.proxy);
  const token = Buffer.from(options.adminToken);

  const applyTable = async (table: RoutingTable): Promise<{ version: string; changed: boolean }> => {
    const next = withVersion({ hosts: table.hosts, warnings: table.warnings });
    if (next.version === proxy.table.table.version) return { version: next.version, changed: false };
    proxy.setTable(compileTable(next));
    log(`routing table ${next.version} installed (${next.hosts.length} hosts)`);
    await file.save(next);
    return { version: next.version, changed: true };
  };

  const admin = new AdminApi(proxy, metrics, token, applyTable);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith(ADMIN_PREFIX)) {
      admin.handle(req, res);
      return;
    }
    if (url === '/metrics' && proxy.table.match(req.headers.host, url).kind === 'no-host') {
      admin.sendMetrics(res);
      return;
    }
    proxy.handle(req, res);
  });
  server.keepAliveTimeout = 65_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    port,
    host,
    url: `http://${urlHost}:${port}`,
    table: () => proxy.table.table,
    applyTable,
    stats: (service, windowSeconds) => metrics.stats(service, windowSeconds),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await proxy.close();
    },
  };
}

class AdminApi {
  constructor(
    private readonly proxy: RouterProxy,
    private readonly metrics: RouterMetrics,
    private readonly token: Buffer,
    private readonly applyTable: (t: RoutingTable) => Promise<{ version: string; changed: boolean }>,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://router.invalid');
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    switch (route) {
      case 'PUT /_kanary/table':
        void this.putTable(req, res);
        return;
      case 'GET /_kanary/table':
        sendJson(res, 200, this.proxy.table.table);
        return;
      case 'GET /_kanary/healthz':
        sendJson(res, 200, { ok: true, version: this.proxy.table.table.version });
        return;
      case 'GET /_kanary/metrics':
        this.sendMetrics(res);
        return;
      case 'GET /_kanary/metrics.json':
        sendJson(res, 200, this.metrics.snapshot());
        return;
      case 'GET /_kanary/stats':
        this.sendStats(url, res);
        return;
      default:
        sendJson(res, 404, { error: 'NOT_FOUND', message: `no admin endpoint ${route}` });
    }
  }

  sendMetrics(res: ServerResponse): void {
    const version = this.proxy.table.table.version;
    const text = this.metrics.exposition([
      '# HELP kanary_router_upstream_retries_total Requests re-sent to another endpoint after a failure that reached no upstream.',
      '# TYPE kanary_router_upstream_retries_total counter',
      `kanary_router_upstream_retries_total ${this.proxy.retries}`,
      '# HELP kanary_router_table_info The routing table being served.',
      '# TYPE kanary_router_table_info gauge',
      `kanary_router_table_info{version="${version}"} 1`,
    ]);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(text);
  }

  private sendStats(url: URL, res: ServerResponse): void {
    const service = url.searchParams.get('service') ?? '';
    const windowText = url.searchParams.get('window') ?? '60s';
    const seconds = parseWindow(windowText);
    if (!/^[^/]+\/[^/]+$/.test(service)) {
      sendJson(res, 400, {
        error: 'BAD_USAGE',
        message: `query parameter service "${service}" must be NAMESPACE/NAME, e.g. default/sample-app`,
      });
      return;
    }
    if (seconds === undefined) {
      sendJson(res, 400, {
        error: 'BAD_USAGE',
        message: `query parameter window "${windowText}" must be a duration such as 30s, 5m or 1h`,
      });
      return;
    }
    sendJson(res, 200, this.metrics.stats(service, seconds));
  }

  private async putTable(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.authorised(req.headers.authorization)) {
      req.resume();
      res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, 401, {
        error: 'UNAUTHORIZED',
        message: 'PUT /_kanary/table needs the header "Authorization: Bearer <router admin token>"',
      });
      return;
    }
    let table: RoutingTable;
    try {
      table = parseRoutingTable(JSON.parse(await readBody(req)));
    } catch (err) {
      sendJson(res, 400, { error: 'INVALID_SPEC', message: `routing table rejected: ${String(err)}` });
      return;
    }
    try {
      sendJson(res, 200, await this.applyTable(table));
    } catch (err) {
      sendJson(res, 500, { error: 'INTERNAL', message: `routing table installed but not persisted: ${String(err)}` });
    }
  }

  private authorised(header: string | undefined): boolean {
    if (header?.startsWith('Bearer ') !== true) return false;
    const given = Buffer.from(header.slice(7).trim());
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_TABLE_BYTES) throw new Error(`body larger than ${MAX_TABLE_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
