import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Hono } from 'hono';
import type { ConfigMap, Ingress, Pod, ReplicaSet, Secret, Service } from '../../api/index.js';
import { createProviderRegistry, registerKanaryProviders } from '../../analysis/providers/index.js';
import type { ProviderRegistry } from '../../analysis/providers/index.js';
import { SERVER_FILE } from '../../client/index.js';
import { AnalysisRunController } from '../../controller/analysis/index.js';
import { RolloutController } from '../../controller/rollout/index.js';
import { Informer, realClock } from '../../controller/runtime/index.js';
import type { Clock } from '../../controller/runtime/index.js';
import { createApiApp, loadOrCreateToken, mountDashboard, serveApp } from '../../server/index.js';
import { SqliteStore } from '../../store/index.js';
import { EventExpiry, EventRecorder } from '../events/index.js';
import { GarbageCollector } from '../gc/index.js';
import { createImageMap } from '../images/index.js';
import { RouterClient } from '../router/index.js';
import { Supervisor } from '../supervisor/index.js';
import type { PodIPRange } from '../supervisor/index.js';
import { mountLocalRoutes } from './local-routes.js';
import { DEFAULT_ROUTER_PORT, DEFAULT_SERVER_PORT, stateLayout } from './layout.js';
import type { StateLayout } from './layout.js';
import { parsePodIPRange } from './pod-ip-range.js';
import { PodController } from './pod-controller.js';
import { ReplicaSetController } from './replicaset-controller.js';
import { ensureRouter, routerToken, stopRouter } from './router-process.js';
import { RouterSync } from './router-sync.js';
import { join } from 'node:path';

export interface LocalClusterOptions {
  stateDir: string;
  /** Address the API listens on; loopback by default (anything else warns: the API drives rollouts). */
  host?: string;
  /** API port; 0 picks a free one. Default 7180. */
  port?: number;
  /** Router port, used when a router has to be started; 0 picks a free one. Default 7181. */
  routerPort?: number;
  clock?: Clock;
  /**
   * The loopback addresses this cluster gives its pods (default 127.1.0.1-127.1.255.254). Two clusters on one
   * machine must use ranges that do not overlap, or their pods fight over `podIP:port`. Without this option, the
   * environment variable `KANARY_POD_IP_RANGE` (`FROM-TO`, e.g. `127.1.7.1-127.1.7.254`) sets it.
   */
  podIPRange?: PodIPRange;
  /**
   * Replaces the address of every prometheus metric: a manifest written for a cluster names an in-cluster address
   * (the seed's `prometheus-operated.prometheus.svc.cluster.local`) that means nothing on one machine.
   */
  prometheusAddress?: string;
  /** Extra providers or options for the analysis controller (tests, the demo). */
  providers?: (registry: ProviderRegistry, ctx: { routerUrl: string }) => void;
  /** Events last seen longer ago than this are deleted (kube-apiserver's `--event-ttl`); default 1 h. */
  eventTTLMs?: number;
  /** Extra routes (the dashboard). */
  extend?: (app: Hono) => void;
  log?: (message: string) => void;
}

export interface LocalCluster {
  readonly url: string;
  readonly routerUrl: string;
  readonly token: string;
  readonly store: SqliteStore;
  readonly layout: StateLayout;
  readonly supervisor: Supervisor;
  /** Waits until the router has the table the store describes now. */
  flushRouter(): Promise<void>;
  /**
   * Stops the server. By default pods and router keep running, to be re-adopted by the next server on this state
   * dir (a crash behaves the same); `everything` stops them too.
   */
  close(options?: { everything?: boolean }): Promise<void>;
}

/**
 * The embedded default: one state dir becomes a whole cluster. The same Rollout and AnalysisRun controllers as in
 * Kubernetes mode run over a SQLite store; a ReplicaSet controller and a supervisor stand in for
 * kube-controller-manager and kubelet; a separate router process stands in for ingress-nginx.
 */
export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const layout = stateLayout(options.stateDir);
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((m: string): void => void process.stderr.write(`${m}\n`));
  if (!isLoopback(host))
    log(
      `warning: the API listens on ${host}, beyond this machine; anyone who can reach it and has the token can drive rollouts`,
    );
  mkdirSync(layout.root, { recursive: true, mode: 0o700 });
  const token = loadOrCreateToken(layout.root);
  const clock = options.clock ?? realClock;
  const store = new SqliteStore({ path: layout.database });

  const router = await ensureRouter(layout, { port: options.routerPort ?? DEFAULT_ROUTER_PORT, host: '127.0.0.1' });
  const routerClient = new RouterClient({ url: router.url, token: routerToken(layout) });

  const informers = {
    pods: new Informer<Pod>({ store, kind: 'Pod', clock }),
    replicaSets: new Informer<ReplicaSet>({ store, kind: 'ReplicaSet', clock }),
    services: new Informer<Service>({ store, kind: 'Service', clock }),
    ingresses: new Informer<Ingress>({ store, kind: 'Ingress', clock }),
  };
  await Promise.all(Object.values(informers).map((i) => i.start()));

  const controllers: { pods?: PodController } = {};
  const podIPRange = options.podIPRange ?? parsePodIPRange(process.env.KANARY_POD_IP_RANGE);
  const events: { recorder?: EventRecorder } = {};
  const supervisor = new Supervisor({
    stateDir: layout.root,
    ...(podIPRange === undefined ? {} : { podIPRange }),
    imageMap: createImageMap({ stateDir: layout.root, env: process.env }),
    secrets: (ns, name) => store.get<Secret>('Secret', ns, name),
    configMaps: (ns, name) => store.get<ConfigMap>('ConfigMap', ns, name),
    onStatus: (key, status, info) => void controllers.pods?.reportStatus(key, status, info).catch(logError(log)),
    onGone: (key, info) => void controllers.pods?.reportGone(key, info).catch(logError(log)),
    onEvent: (pod, container, event) => events.recorder?.record(pod, container, event),
  });
  events.recorder = new EventRecorder({ store, clock, host: supervisor.nodeName, log });
  const eventExpiry = new EventExpiry({
    store,
    clock,
    ...(options.eventTTLMs === undefined ? {} : { ttlMs: options.eventTTLMs }),
    log,
  });
  const podController = new PodController({ store, supervisor, pods: informers.pods, log });
  controllers.pods = podController;
  const replicaSets = new ReplicaSetController({ store, clock, nodeName: supervisor.nodeName, informers });
  const rollouts = new RolloutController({
    store,
    clock,
    // The engine reads these kinds as plain KubeObjects; sharing the informers watches each kind once.
    informers: {
      Pod: informers.pods as unknown as Informer,
      ReplicaSet: informers.replicaSets as unknown as Informer,
      Service: informers.services as unknown as Informer,
      Ingress: informers.ingresses as unknown as Informer,
    },
  });
  const registry = createProviderRegistry(
    options.prometheusAddress === undefined ? {} : { prometheus: { addressOverride: options.prometheusAddress } },
  );
  // Kanary's own providers read this cluster's router: no scrape delay, and the judge compares canary with stable.
  registerKanaryProviders(registry, { routerAddress: router.url });
  options.providers?.(registry, { routerUrl: router.url });
  const analysis = new AnalysisRunController({ store, clock, providers: registry });
  const routerSync = new RouterSync({ client: routerClient, informers, log });
  // kube-controller-manager's garbage collector: dependents of deleted owners (a Rollout's ReplicaSets, Pods, canary
  // Ingress and AnalysisRuns) go too; it sweeps at start for owners deleted while no server ran.
  const garbageCollector = new GarbageCollector({ store, clock, log });

  podController.start();
  routerSync.start();
  await replicaSets.start();
  await rollouts.start();
  await analysis.start();
  await garbageCollector.start();
  await eventExpiry.start();

  const app = createApiApp({
    store,
    token,
    extend: (a) => {
      mountLocalRoutes(a, { store, routerClient, supervisor });
      options.extend?.(a);
      mountDashboard(a);
    },
  });
  const serving = await serveApp(app, host, options.port ?? DEFAULT_SERVER_PORT);
  const url = serving.url;
  writeFileSync(
    join(layout.root, SERVER_FILE),
    `${JSON.stringify({ url, routerUrl: router.url, pid: process.pid })}\n`,
    {
      mode: 0o600,
    },
  );

  let closed = false;
  return {
    url,
    routerUrl: router.url,
    token,
    store,
    layout,
    supervisor,
    flushRouter: () => routerSync.flush(),
    close: async (closeOptions = {}) => {
      if (closed) return;
      closed = true;
      await serving.close();
      await garbageCollector.stop();
      await eventExpiry.stop();
      await analysis.stop();
      await rollouts.stop();
      await replicaSets.stop();
      routerSync.stop();
      await podController.stop();
      for (const i of Object.values(informers)) i.stop();
      await supervisor.stopAll({ leaveRunning: closeOptions.everything !== true });
      await supervisor.close();
      await events.recorder?.close();
      if (closeOptions.everything === true) await stopRouter(layout);
      rmSync(join(layout.root, SERVER_FILE), { force: true });
      await store.close();
    },
  };
}

function isLoopback(host: string): boolean {
  return host.startsWith('127.') || host === '::1' || host === 'localhost';
}

function logError(log: (m: string) => void): (err: unknown) => void {
  return (err) => log(`error: ${err instanceof Error ? err.message : String(err)}`);
}
