import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject, Rollout } from '../api/index.js';
import { registerKanaryProviders } from '../analysis/providers/index.js';
import { KanaryClient } from '../client/index.js';
import { KanaryError } from '../common/index.js';
import { startLocalCluster, type LocalCluster, type LocalClusterOptions } from '../local/cluster/index.js';
import { IMAGE_MAP_FILE } from '../local/images/index.js';
import { Supervisor, type PodIPRange } from '../local/supervisor/index.js';
import { kindByName } from '../server/index.js';
import {
  demoImageMap,
  SEED_NAMESPACE,
  SEED_ROLLOUT,
  seedObjects,
  type AnalysisSource,
  type DemoTiming,
} from './manifests.js';
import { serviceDiscovery, type ServiceDiscovery } from './discovery.js';
import { startPrometheus, type DemoPrometheus } from './prometheus.js';

/**
 * A whole seed world on one machine: a local cluster in its own state dir, a real Prometheus scraping it through
 * HTTP service discovery (or none: the router provider measures instead), and the seed's manifests applied and
 * Healthy on revision 1. Shared by `kanary demo` and the seed journeys.
 */
export interface SeedEnvironment {
  readonly cluster: LocalCluster;
  readonly client: KanaryClient;
  readonly prometheus: DemoPrometheus | undefined;
  readonly source: AnalysisSource;
  readonly stateDir: string;
  /** `http://127.0.0.1:PORT`: the router, where `Host: sample.app` reaches the app. */
  readonly routerUrl: string;
  readonly nodeName: string;
  rollout(): Promise<Rollout>;
  /** Stops Prometheus and the cluster with its pods and router; removes the state dir when it created it. */
  stop(): Promise<void>;
  /** Stops Prometheus and the server but leaves pods and router running for `kanary server --state-dir`. */
  detach(): Promise<void>;
}

export interface SeedEnvironmentOptions {
  /** Default: a new temporary dir, removed by stop(). */
  stateDir?: string;
  source: AnalysisSource;
  timing?: DemoTiming;
  log?: (message: string) => void;
  /** Pod addresses; default a random /24 of 127.2.0.0-127.250.255.255, away from `kanary server`'s 127.1.0.0/16. */
  podIPRange?: PodIPRange;
  /** Called as each part comes up (for the narration). */
  onStage?: (stage: string) => void;
}

export async function startSeedEnvironment(options: SeedEnvironmentOptions): Promise<SeedEnvironment> {
  const ownsDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'kanary-demo-'));
  const stage = options.onStage ?? ((): void => undefined);
  let cluster: LocalCluster | undefined;
  let prometheus: DemoPrometheus | undefined;
  let discovery: ServiceDiscovery | undefined;
  const stopAll = async (): Promise<void> => {
    await prometheus?.stop().catch(() => undefined);
    await discovery?.close();
    await cluster?.close({ everything: true }).catch(() => undefined);
    if (cluster !== undefined) await sweepPods(stateDir);
    if (ownsDir) rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    writeFileSync(join(stateDir, IMAGE_MAP_FILE), demoImageMap());
    // The seed's template names the in-cluster Prometheus; it is replaced by the one started below.
    const promPort = options.source === 'prometheus' ? await reservePort() : undefined;
    // `podIPRange` keeps this cluster's pods off the addresses of another local cluster on the machine (a
    // `kanary server`, a test). It takes effect once startLocalCluster passes it on to its supervisor.
    const clusterOptions: LocalClusterOptions & { podIPRange?: PodIPRange } = {
      stateDir,
      port: 0,
      routerPort: 0,
      podIPRange: options.podIPRange ?? randomPodIPRange(),
      ...(promPort === undefined ? {} : { prometheusAddress: `http://127.0.0.1:${promPort.port}` }),
      providers: (registry, ctx) => void registerKanaryProviders(registry, { routerAddress: ctx.routerUrl }),
      log: options.log ?? ((): void => undefined),
    };
    cluster = await startLocalCluster(clusterOptions);
    stage(`local cluster up: API ${cluster.url}, router ${cluster.routerUrl}`);
    const client = new KanaryClient({ url: cluster.url, token: cluster.token });
    if (promPort !== undefined) {
      promPort.release();
      discovery = await serviceDiscovery(cluster.url, cluster.store);
      prometheus = await startPrometheus({ sdUrl: discovery.url, port: promPort.port });
      stage(`prometheus up at ${prometheus.url}, discovering the ServiceMonitor's targets from ${discovery.url}`);
    }
    for (const obj of seedObjects({ source: options.source, ...(options.timing ? { timing: options.timing } : {}) })) {
      await applyObject(client, obj);
    }
    stage(
      `applied the seed's manifests (${SEED_NAMESPACE}: Rollout, Services, Ingress, ServiceMonitor, AnalysisTemplate)`,
    );
    const c = cluster;
    const rollout = async (): Promise<Rollout> => client.get<Rollout>('rollouts', SEED_NAMESPACE, SEED_ROLLOUT);
    await waitFor(async () => (await rollout()).status?.phase === 'Healthy', 'revision 1 to become Healthy', 60_000);
    await c.flushRouter();
    return {
      cluster: c,
      client,
      prometheus,
      source: options.source,
      stateDir,
      routerUrl: c.routerUrl,
      nodeName: c.supervisor.nodeName,
      rollout,
      stop: stopAll,
      detach: async () => {
        await prometheus?.stop().catch(() => undefined);
        await discovery?.close();
        await c.close();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export async function applyObject(client: KanaryClient, obj: KubeObject): Promise<void> {
  const kind = kindByName(obj.kind);
  if (kind === undefined) throw new KanaryError('NOT_SUPPORTED', `the server does not store kind "${obj.kind}"`);
  const ns = kind.namespaced ? (obj.metadata.namespace ?? 'default') : '';
  await client.apply(kind.plural, ns, obj);
}

/** Polls `test` every 100 ms until it holds; TIMEOUT naming `what` otherwise. */
export async function waitFor(
  test: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    if (await test()) return;
    if (Date.now() > deadline)
      throw new KanaryError('TIMEOUT', `timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Stops pod processes a closing cluster may have left behind, as `kanary down` does: a fresh supervisor on the
 * state dir reads the pod records and stops every process whose pod no longer exists. (A pod restarted by a sync
 * that raced the cluster's own shutdown would otherwise outlive the demo.)
 */
async function sweepPods(stateDir: string): Promise<void> {
  const supervisor = new Supervisor({ stateDir });
  try {
    await supervisor.sync([]);
    await supervisor.stopAll();
    const records = join(stateDir, 'pods');
    for (let i = 0; i < 100 && existsSync(records) && readdirSync(records).length > 0; i++) await sleep(100);
  } finally {
    await supervisor.close();
  }
}

export function randomPodIPRange(random: () => number = Math.random): PodIPRange {
  const a = 2 + Math.floor(random() * 249);
  const b = Math.floor(random() * 256);
  return { from: `127.${a}.${b}.1`, to: `127.${a}.${b}.254` };
}

/** Holds a free loopback port until `release`, so the cluster can be told Prometheus' address before it runs. */
async function reservePort(): Promise<{ port: number; release(): void }> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { port, release: () => void server.close() };
}
