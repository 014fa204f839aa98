import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Rollout } from '../../src/api/index.js';
import { RolloutController } from '../../src/controller/rollout/index.js';
import { realClock } from '../../src/controller/runtime/index.js';
import { createApiApp } from '../../src/server/index.js';
import { mountDashboard } from '../../src/server/dashboard.js';
import { mountInfo } from '../../src/server/info.js';
import { MemoryStore } from '../../src/store/index.js';
import { NAME, NS, seedRollout, service } from '../sim/fixtures.js';
import { PodRealiser } from '../sim/realiser.js';

/**
 * A live world for CLI and dashboard journeys: a MemoryStore, the real Rollout controller on the real clock, the
 * simulated kubelet polled every 50 ms (pods ready after `readyAfterMs`), and a real HTTP server on loopback with
 * the API, the view-model routes and the dashboard. Steps pause indefinitely so a test controls every move.
 */
export const TOKEN = 'test-token-0123456789';
export { NAME, NS };

export const LIVE_STEPS = [
  { setWeight: 25 },
  { pause: {} },
  { setWeight: 50 },
  { pause: {} },
  { setWeight: 75 },
  { pause: {} },
];

export class LiveWorld {
  readonly store = new MemoryStore();
  readonly controller = new RolloutController({ store: this.store, clock: realClock });
  readonly pods: PodRealiser;
  #timer: NodeJS.Timeout | undefined;
  #server: ServerType | undefined;
  url = '';

  constructor(readyAfterMs = 200) {
    this.pods = new PodRealiser(this.store, realClock, readyAfterMs);
  }

  /** What the stand-in `.../rollouts/:name/traffic` route answers; undefined answers 404 (no router data). */
  traffic: unknown = undefined;

  static async start(options: { distDir?: string; readyAfterMs?: number } = {}): Promise<LiveWorld> {
    const w = new LiveWorld(options.readyAfterMs);
    await w.controller.start();
    let busy = false;
    w.#timer = setInterval(() => {
      if (busy) return;
      busy = true;
      w.pods.sync().then(
        () => (busy = false),
        () => (busy = false),
      );
    }, 50);
    const app = new Hono();
    mountInfo(app, w.store);
    app.get('/api/v1/namespaces/:ns/rollouts/:name/traffic', (c) =>
      w.traffic === undefined ? c.json({ code: 'NOT_FOUND', message: 'no traffic data' }, 404) : c.json(w.traffic),
    );
    app.route('/', createApiApp({ store: w.store, token: TOKEN }));
    if (options.distDir !== undefined) mountDashboard(app, options.distDir);
    await new Promise<void>((resolve) => {
      w.#server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
        w.url = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
    return w;
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const server = this.#server;
    if (server !== undefined) {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.controller.stop();
    await this.store.close();
  }

  /** Services and the v1 Rollout, then waits until it is Healthy. */
  async deployV1(): Promise<void> {
    for (const name of ['sample-app', 'sample-app-canary']) await this.store.create(service(name));
    await this.store.create(seedRollout({ trafficRouting: false, replicas: 2, steps: LIVE_STEPS }));
    await this.waitFor((r) => r.status?.phase === 'Healthy', 'v1 Healthy');
  }

  async rollout(): Promise<Rollout> {
    const ro = await this.store.get<Rollout>('Rollout', NS, NAME);
    if (ro === undefined) throw new Error('the rollout is gone');
    return ro;
  }

  /** Polls the stored Rollout until `pred` holds; fails after `ms` naming what it waited for and what it saw. */
  async waitFor(pred: (r: Rollout) => boolean, what: string, ms = 10_000): Promise<Rollout> {
    const end = Date.now() + ms;
    let last: Rollout | undefined;
    while (Date.now() < end) {
      last = await this.rollout();
      if (pred(last)) return last;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}; status is ${JSON.stringify(last?.status)}`);
  }
}
