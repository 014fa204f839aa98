import { Command, Option } from '@commander-js/extra-typings';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_FILE, defaultStateDir, readServerInfo } from '../../client/index.js';
import { KanaryError } from '../../common/index.js';
import {
  DEFAULT_ROUTER_PORT,
  DEFAULT_SERVER_PORT,
  startLocalCluster,
  stopRouter,
  stateLayout,
} from '../../local/cluster/index.js';
import { Supervisor } from '../../local/supervisor/index.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new KanaryError('BAD_USAGE', `port "${value}" is not a whole number from 0 to 65535`);
  }
  return n;
}

/**
 * `kanary server`: runs a local cluster in the foreground: controllers, the HTTP API and the dashboard, with the
 * router and the pods as processes of their own. Ctrl-C stops the server only; router and pods keep serving and
 * the next `kanary server` on the same state dir re-adopts them. `kanary down` stops everything.
 */
export function serverCommand(): Command {
  return new Command('server')
    .description('run a local cluster (controllers, API, dashboard; router and pods as their own processes)')
    .option('--state-dir <dir>', 'where the cluster keeps its state (default ~/.kanary or KANARY_STATE_DIR)')
    .addOption(new Option('--port <n>', 'API and dashboard port').default(DEFAULT_SERVER_PORT).argParser(port))
    .addOption(new Option('--router-port <n>', 'router (data plane) port').default(DEFAULT_ROUTER_PORT).argParser(port))
    .option('--host <addr>', 'address the API listens on (a non-loopback address warns)', '127.0.0.1')
    .option(
      '--prometheus-address <url>',
      'use this Prometheus for every prometheus metric (in-cluster addresses mean nothing on one machine)',
    )
    .option('--kubeconfig <path>', 'serve the API and dashboard over a Kubernetes cluster instead of a local one')
    .option('--context <name>', 'the kubeconfig context (with --kubeconfig, or the current kubeconfig)')
    .option('-n, --namespace <ns>', 'with a cluster: only this namespace (default: all)')
    .action(async (opts) => {
      const stateDir = opts.stateDir ?? defaultStateDir();
      if (opts.kubeconfig !== undefined || opts.context !== undefined) {
        await serveCluster(stateDir, opts);
        return;
      }
      const cluster = await startLocalCluster({
        stateDir,
        port: opts.port,
        routerPort: opts.routerPort,
        host: opts.host,
        ...(opts.prometheusAddress === undefined ? {} : { prometheusAddress: opts.prometheusAddress }),
      });
      process.stdout.write(
        `kanary server: API and dashboard on ${cluster.url}, router on ${cluster.routerUrl}, state in ${stateDir}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.stdout.write('kanary server: stopping (router and pods keep running; `kanary down` stops them)\n');
          void cluster.close().finally(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

interface ClusterServeOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  host: string;
  port: number;
}

/**
 * `kanary server --kubeconfig`: the same API and dashboard over a Kubernetes cluster, so the CLI and the browser
 * work against it as the kubectl plugin does. The controllers run in the cluster (`kanary controller`), not here.
 */
async function serveCluster(stateDir: string, opts: ClusterServeOptions): Promise<void> {
  const { createKubernetesStore } = await import('../../kubernetes/index.js');
  const { createApiApp, loadOrCreateToken, mountDashboard, serveApp } = await import('../../server/index.js');
  const store = createKubernetesStore({
    ...(opts.kubeconfig === undefined ? {} : { kubeconfig: opts.kubeconfig }),
    ...(opts.context === undefined ? {} : { context: opts.context }),
    ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }),
  });
  const token = loadOrCreateToken(stateDir);
  const app = createApiApp({ store, token, extend: (a) => mountDashboard(a) });
  const serving = await serveApp(app, opts.host, opts.port);
  writeFileSync(join(stateDir, SERVER_FILE), `${JSON.stringify({ url: serving.url, pid: process.pid })}\n`, {
    mode: 0o600,
  });
  process.stdout.write(
    `kanary server: API and dashboard on ${serving.url} over the cluster of ${opts.kubeconfig ?? 'the current kubeconfig'}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void serving
        .close()
        .then(() => store.close())
        .finally(() => {
          rmSync(join(stateDir, SERVER_FILE), { force: true });
          resolve();
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** `kanary down`: stops the local cluster of a state dir: its server, every pod, and the router. */
export function downCommand(): Command {
  return new Command('down')
    .description('stop the local cluster of a state dir: server, pods and router')
    .option('--state-dir <dir>', "the cluster's state dir (default ~/.kanary or KANARY_STATE_DIR)")
    .action(async (opts) => {
      const stateDir = opts.stateDir ?? defaultStateDir();
      if (!existsSync(stateDir)) throw new KanaryError('NOT_FOUND', `no local cluster at ${stateDir}`);
      const info = readServerInfo(stateDir);
      if (info !== undefined) {
        try {
          process.kill(info.pid, 'SIGTERM');
          for (let i = 0; i < 100 && readServerInfo(stateDir) !== undefined; i++)
            await new Promise((r) => setTimeout(r, 100));
        } catch {
          // Not running any more: nothing to stop.
        }
      }
      const supervisor = new Supervisor({ stateDir });
      await supervisor.sync([]);
      await supervisor.stopAll();
      await supervisor.close();
      await stopRouter(stateLayout(stateDir));
      process.stdout.write(`stopped the local cluster at ${stateDir}\n`);
    });
}
