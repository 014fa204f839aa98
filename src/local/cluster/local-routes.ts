import { Readable } from 'node:stream';
import type { Hono } from 'hono';
import type { Pod, Rollout, Service } from '../../api/index.js';
import { KanaryError } from '../../common/index.js';
import type { ResourceStore } from '../../store/index.js';
import { buildScrapeTargets } from '../discovery/index.js';
import type { PodLike, ServiceLike, ServiceMonitorLike } from '../discovery/index.js';
import type { RouterClient, WindowStats } from '../router/index.js';
import type { Supervisor } from '../supervisor/index.js';

export interface LocalRoutesDeps {
  store: ResourceStore;
  routerClient: RouterClient;
  supervisor: Supervisor;
}

/** Traffic of one side of a canary over a window, as the dashboard's traffic panel shows it. */
export interface TrafficSide {
  service: string;
  requests: number;
  rps: number;
  errorRate: number;
  p99Ms: number | null;
}

/**
 * Routes only local mode has:
 * - `GET /api/v1/sd/prometheus`: Prometheus HTTP service discovery from ServiceMonitors (point `http_sd_configs` here);
 * - `GET /api/v1/namespaces/:ns/rollouts/:name/traffic?window=30s`: canary vs stable from the router;
 * - `GET /api/v1/namespaces/:ns/pods/:name/log?follow=true&container=C&tailLines=N`: a pod's log.
 */
export function mountLocalRoutes(app: Hono, deps: LocalRoutesDeps): void {
  const { store } = deps;
  app.get('/api/v1/sd/prometheus', async (c) => {
    const [monitors, services, pods] = await Promise.all([
      store.list('ServiceMonitor'),
      store.list<Service>('Service'),
      store.list<Pod>('Pod'),
    ]);
    return c.json(
      buildScrapeTargets(
        monitors.items as unknown as ServiceMonitorLike[],
        services.items as unknown as ServiceLike[],
        pods.items as unknown as PodLike[],
      ),
    );
  });

  app.get('/api/v1/namespaces/:ns/rollouts/:name/traffic', async (c) => {
    const ns = c.req.param('ns');
    const name = c.req.param('name');
    const window = c.req.query('window') ?? '30s';
    const rollout = await store.get<Rollout>('Rollout', ns, name);
    if (rollout === undefined) throw new KanaryError('NOT_FOUND', `rollout "${name}" not found in namespace "${ns}"`);
    const canary = rollout.spec.strategy.canary;
    const side = async (service: string | undefined): Promise<TrafficSide | null> => {
      if (service === undefined || service === '') return null;
      const stats = await deps.routerClient.stats(`${ns}/${service}`, window);
      return toSide(service, stats.total, stats.windowSeconds);
    };
    return c.json({
      window,
      canary: await side(canary?.canaryService),
      stable: await side(canary?.stableService),
    });
  });

  app.get('/api/v1/namespaces/:ns/pods/:name/log', (c) => {
    const tail = c.req.query('tailLines');
    const stream = deps.supervisor.logs(c.req.param('name'), {
      namespace: c.req.param('ns'),
      follow: c.req.query('follow') === 'true',
      ...(c.req.query('container') !== undefined ? { container: c.req.query('container') } : {}),
      ...(tail !== undefined ? { tailLines: Number(tail) } : {}),
    });
    c.req.raw.signal.addEventListener('abort', () => stream.destroy());
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  });
}

function toSide(service: string, w: WindowStats, windowSeconds: number): TrafficSide {
  return {
    service,
    requests: w.requests,
    rps: windowSeconds > 0 ? w.requests / windowSeconds : 0,
    errorRate: w.errorRate,
    p99Ms: w.p99 === null ? null : w.p99 * 1000,
  };
}
