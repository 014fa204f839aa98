import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IngressLike, PodLike, ServiceLike } from './build.js';

/**
 * Test fixtures for the router: Kubernetes-shaped objects and tiny upstream servers on loopback addresses.
 * Used by the router's tests and its benchmark; not part of the public face.
 */

/** A loopback address per index: 127.1.0.N on Linux (the whole 127/8 is local there), else 127.0.0.1. */
export function podIp(n: number): string {
  return process.platform === 'linux' ? `127.1.${Math.floor(n / 250)}.${(n % 250) + 2}` : '127.0.0.1';
}

export interface Upstream {
  readonly ip: string;
  readonly port: number;
  readonly name: string;
  /** Requests served so far. */
  count: number;
  /** The last request's headers, for header-forwarding checks. */
  lastHeaders: IncomingMessage['headers'] | undefined;
  close(): Promise<void>;
}

/**
 * Starts an upstream answering `{"pod":NAME,"path":...,"method":...,"body":<echoed request body>}`. `/status/NNN`
 * answers with status NNN; `/slow/MS` waits MS milliseconds first.
 */
export async function startUpstream(ip: string, name: string): Promise<Upstream> {
  const up: { -readonly [K in keyof Upstream]: Upstream[K] } = {
    ip,
    port: 0,
    name,
    count: 0,
    lastHeaders: undefined,
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    up.count++;
    up.lastHeaders = req.headers;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const status = /^\/status\/(\d{3})/.exec(url);
      const slow = /^\/slow\/(\d+)/.exec(url);
      const body = JSON.stringify({
        pod: name,
        path: url,
        method: req.method,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const send = (): void => {
        res.writeHead(status === null ? 200 : Number(status[1]), {
          'content-type': 'application/json',
          'x-upstream': name,
          connection: 'keep-alive',
        });
        res.end(body);
      };
      if (slow === null) send();
      else setTimeout(send, Number(slow[1]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, ip, resolve));
  up.port = (server.address() as AddressInfo).port;
  up.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return up;
}

export function ingress(
  name: string,
  opts: {
    host?: string;
    path?: string;
    pathType?: string;
    service: string;
    port?: number | string;
    annotations?: Record<string, string>;
    namespace?: string;
    created?: string;
  },
): IngressLike {
  const port = opts.port ?? 'http';
  return {
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      annotations: opts.annotations ?? {},
      creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
    },
    spec: {
      rules: [
        {
          ...(opts.host === undefined ? {} : { host: opts.host }),
          http: {
            paths: [
              {
                path: opts.path ?? '/',
                pathType: opts.pathType ?? 'Prefix',
                backend: {
                  service: {
                    name: opts.service,
                    port: typeof port === 'number' ? { number: port } : { name: port },
                  },
                },
              },
            ],
          },
        },
      ],
    },
  };
}

export function canaryAnnotations(a: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { 'nginx.ingress.kubernetes.io/canary': 'true' };
  for (const [k, v] of Object.entries(a)) out[`nginx.ingress.kubernetes.io/${k}`] = v;
  return out;
}

export function service(
  name: string,
  selector: Record<string, string>,
  opts: { port?: number; targetPort?: number | string; namespace?: string } = {},
): ServiceLike {
  return {
    metadata: { name, namespace: opts.namespace ?? 'default' },
    spec: {
      selector,
      ports: [{ name: 'http', port: opts.port ?? 80, targetPort: opts.targetPort ?? 'http' }],
    },
  };
}

export function pod(
  name: string,
  labels: Record<string, string>,
  ip: string,
  port: number,
  opts: { ready?: boolean; namespace?: string; deleting?: boolean } = {},
): PodLike {
  return {
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      labels,
      ...(opts.deleting === true ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: port }] }] },
    status: {
      podIP: ip,
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}
