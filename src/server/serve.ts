import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface ServingApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves a Hono app on `host:port` (0 picks a free port) and resolves once it listens. */
export async function serveApp(app: Hono, host: string, port: number): Promise<ServingApp> {
  const server = serve({ fetch: app.fetch, hostname: host, port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const actual = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  return {
    url,
    port: actual,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
