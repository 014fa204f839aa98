import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';
import type { SampleAppConfig } from './config.js';
import { createAppHandler, createMetricsHandler } from './handlers.js';
import { RequestCounter } from './metrics.js';
import { createRandom } from './random.js';

export interface RunningSampleApp {
  /** host:port actually bound by the app server (the port is resolved when HTTP_PORT is 0 or empty). */
  readonly httpAddress: AddressInfo;
  readonly metricsAddress: AddressInfo | undefined;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then drops what is left. */
  close(graceMs?: number): Promise<void>;
}

export async function startSampleApp(config: SampleAppConfig): Promise<RunningSampleApp> {
  const counter = new RequestCounter();
  const random = createRandom(config.randomSeed ?? randomInt(2 ** 32 - 1));
  const app = createServer(
    createAppHandler({
      identity: config.identity,
      counter,
      errorRate: config.errorRate,
      latencyMs: config.latencyMs,
      random,
    }),
  );
  const httpAddress = await listen(app, config.host, config.httpPort);
  let metrics: Server | undefined;
  let metricsAddress: AddressInfo | undefined;
  if (config.metricsPort !== undefined) {
    metrics = createServer(createMetricsHandler(counter));
    try {
      metricsAddress = await listen(metrics, config.host, config.metricsPort);
    } catch (err) {
      app.close();
      throw err;
    }
  }
  const servers = metrics === undefined ? [app] : [app, metrics];
  return {
    httpAddress,
    metricsAddress,
    close: (graceMs = 5_000) => Promise.all(servers.map((s) => closeGracefully(s, graceMs))).then(() => undefined),
  };
}

function listen(server: Server, host: string | undefined, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    // Keep-alive connections turn idle once their in-flight response is written; drop them as they do.
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweeper);
      resolve();
    });
  });
}
