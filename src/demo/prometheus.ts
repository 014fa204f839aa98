import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KanaryError } from '../common/index.js';

/**
 * A real Prometheus for the demo and the seed journeys: it discovers its targets over HTTP from Kanary's
 * ServiceMonitor-based service discovery (`/api/v1/sd/prometheus`) and scrapes every second, so the seed's query
 * finds `sample_app_requests_count{service="sample-app-canary"}` exactly as in a cluster with prometheus-operator.
 */

/** The `prometheus` binary on PATH, or undefined. */
export function findPrometheus(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'prometheus');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The configuration: one job fed by HTTP SD. The SD labels (namespace, service, pod, container, endpoint, job,
 * instance) have no `__` prefix, so Prometheus keeps them as target labels; `__metrics_path__` and `__scheme__`
 * set the path and scheme per target.
 */
export function prometheusConfig(sdUrl: string, scrapeSeconds = 1): string {
  const s = `${scrapeSeconds}s`;
  return [
    'global:',
    `  scrape_interval: ${s}`,
    `  scrape_timeout: ${s}`,
    `  evaluation_interval: ${s}`,
    'scrape_configs:',
    '  - job_name: kanary-servicemonitors',
    '    http_sd_configs:',
    `      - url: ${JSON.stringify(sdUrl)}`,
    `        refresh_interval: ${s}`,
    '',
  ].join('\n');
}

export interface DemoPrometheus {
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly process: ChildProcess;
  /** The last lines Prometheus logged, for error messages. */
  log(): string;
  /** Instant query; the `data.result` array. */
  query(expr: string): Promise<unknown[]>;
  /** SIGTERM (SIGKILL after 5 s), then removes the data dir. Idempotent. */
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** The HTTP service discovery endpoint (Kanary's `<api>/api/v1/sd/prometheus`). */
  sdUrl: string;
  binary?: string;
  /** Where the config and TSDB go (removed by stop()); default a new temp dir. */
  dataDir?: string;
  startTimeoutMs?: number;
  /** Listen port on 127.0.0.1; default a free one. */
  port?: number;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPrometheus(options: StartPrometheusOptions): Promise<DemoPrometheus> {
  const binary = options.binary ?? findPrometheus();
  if (binary === undefined) {
    throw new KanaryError('NOT_FOUND', 'prometheus is not on PATH; install it or run the demo with --no-prometheus');
  }
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kanary-demo-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig(options.sdUrl));
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-10_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (err) => keep(Buffer.from(`${err.message}\n`)));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      if (options.dataDir === undefined) rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const query = async (expr: string): Promise<unknown[]> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { data?: { result?: unknown[] } };
    return body.data?.result ?? [];
  };

  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new KanaryError('PROVIDER_UNAVAILABLE', `prometheus exited before it was ready:\n${output.trim()}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new KanaryError('TIMEOUT', `prometheus was not ready within ${timeoutMs} ms:\n${output.trim()}`);
    }
    await sleep(100);
  }
  return { url, process: child, log: () => output, query, stop };
}
