import { KanaryError } from '../../common/index.js';
import type { MetricsSnapshot, ServiceStats } from './metrics.js';
import type { RoutingTable } from './table.js';
import { parseRoutingTable } from './table.js';

export interface RouterClientOptions {
  /** The router's base URL, e.g. http://127.0.0.1:8181 */
  readonly url: string;
  /** The admin token, needed for `pushTable` only. */
  readonly token?: string;
  /** Per-call timeout (default 5000 ms). */
  readonly timeoutMs?: number;
}

/**
 * A typed client of the router's admin API, for the server (pushing tables) and the `router` metric provider
 * (window stats). Failures are KanaryErrors with code PROVIDER_UNAVAILABLE (router unreachable or erroring) or
 * UNAUTHORIZED.
 */
export class RouterClient {
  constructor(private readonly options: RouterClientOptions) {}

  /** Pushes the whole table; idempotent. */
  async pushTable(table: RoutingTable): Promise<{ version: string; changed: boolean }> {
    return (await this.call('PUT', '/_kanary/table', table)) as { version: string; changed: boolean };
  }

  async getTable(): Promise<RoutingTable> {
    return parseRoutingTable(await this.call('GET', '/_kanary/table'));
  }

  /** Window stats of one Service, e.g. `stats('default/sample-app', '30s')`. */
  async stats(service: string, window: string): Promise<ServiceStats> {
    const q = new URLSearchParams({ service, window });
    return (await this.call('GET', `/_kanary/stats?${q.toString()}`)) as ServiceStats;
  }

  async metricsSnapshot(): Promise<MetricsSnapshot> {
    return (await this.call('GET', '/_kanary/metrics.json')) as MetricsSnapshot;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.options.url), {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw new KanaryError(
        'PROVIDER_UNAVAILABLE',
        `router at ${this.options.url} is unreachable (${String(err)}); is the router process running?`,
        { cause: err },
      );
    }
    const text = await res.text();
    if (res.status === 401) {
      throw new KanaryError('UNAUTHORIZED', `router at ${this.options.url} refused ${method} ${path}: bad token`);
    }
    if (!res.ok) {
      throw new KanaryError(
        'PROVIDER_UNAVAILABLE',
        `router at ${this.options.url} answered ${res.status} to ${method} ${path}: ${text.slice(0, 300)}`,
      );
    }
    return JSON.parse(text) as unknown;
  }
}
