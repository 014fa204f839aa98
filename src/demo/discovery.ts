import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildScrapeTargets,
  type PodLike,
  type ServiceLike,
  type ServiceMonitorLike,
} from '../local/discovery/index.js';
import type { ResourceStore } from '../store/index.js';

/**
 * Where Prometheus discovers its targets. The cluster's own `GET /api/v1/sd/prometheus` is used when it answers
 * with a target list; when it does not (a server whose generic REST routes shadow it), the same targets are served
 * from a small loopback endpoint built on the cluster's store, so the demo works either way.
 */
export interface ServiceDiscovery {
  readonly url: string;
  /** Whether the cluster's own route answered (false: the fallback endpoint serves). */
  readonly native: boolean;
  close(): Promise<void>;
}

export async function serviceDiscovery(clusterUrl: string, store: ResourceStore): Promise<ServiceDiscovery> {
  const native = `${clusterUrl}/api/v1/sd/prometheus`;
  try {
    const res = await fetch(native);
    const body: unknown = await res.json();
    if (res.ok && Array.isArray(body)) return { url: native, native: true, close: () => Promise.resolve() };
  } catch {
    // fall back below
  }
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const [monitors, services, pods] = await Promise.all([
          store.list('ServiceMonitor'),
          store.list('Service'),
          store.list('Pod'),
        ]);
        const groups = buildScrapeTargets(
          monitors.items as unknown as ServiceMonitorLike[],
          services.items as unknown as ServiceLike[],
          pods.items as unknown as PodLike[],
        );
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(groups));
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(err instanceof Error ? err.message : String(err));
      }
    })();
    req.resume();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sd/prometheus`,
    native: false,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
