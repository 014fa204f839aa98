import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A real Prometheus for tests: started on a free loopback port with a generated config that scrapes the given
 * targets every second, its TSDB in a temp dir, stopped (and the dir removed) by `stop()`. Tests that need it call
 * `prometheusAvailability()` and skip with its reason when the binary is missing, unless KANARY_REQUIRE_REAL=1.
 */

export interface ScrapeTarget {
  /** host:port */
  address: string;
  /** Default /metrics. */
  metricsPath?: string;
  /** Static labels put on every series scraped from it (e.g. `service: sample-app-canary`). */
  labels?: Record<string, string>;
}

export interface PrometheusOptions {
  targets: ScrapeTarget[];
  /** Default 1. */
  scrapeIntervalSeconds?: number;
  /** Readiness wait. Default 20 s. */
  startTimeoutMs?: number;
  /** The binary; default `prometheus` on PATH. */
  binary?: string;
}

export interface RunningPrometheus {
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Everything Prometheus logged, for failure messages. */
  log(): string;
  /** Instant query through the HTTP API (for test set-up, not for the code under test). */
  query(expr: string): Promise<unknown>;
  /** Resolves once every target has been scraped successfully at least `scrapes` times since now. */
  waitForScrapes(scrapes?: number, timeoutMs?: number): Promise<void>;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the data dir. Idempotent. */
  stop(): Promise<void>;
}

export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** Whether tests can use a real Prometheus: `{ ok: true }` or the reason to skip. Throws under KANARY_REQUIRE_REAL=1. */
export function prometheusAvailability(): { ok: true; binary: string } | { ok: false; reason: string } {
  const binary = findBinary('prometheus');
  if (binary !== undefined) return { ok: true, binary };
  const reason = 'the prometheus binary is not on PATH (install the Debian package "prometheus")';
  if (process.env.KANARY_REQUIRE_REAL === '1') throw new Error(`KANARY_REQUIRE_REAL=1 but ${reason}`);
  return { ok: false, reason };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function configYaml(options: PrometheusOptions): string {
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const jobs = options.targets.map((t, i) => {
    const labels = Object.entries(t.labels ?? {})
      .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}\n`)
      .join('');
    return (
      `  - job_name: target-${i}\n` +
      `    metrics_path: ${JSON.stringify(t.metricsPath ?? '/metrics')}\n` +
      `    static_configs:\n` +
      `      - targets: [${JSON.stringify(t.address)}]\n` +
      (labels === '' ? '' : `        labels:\n${labels}`)
    );
  });
  return `global:\n  scrape_interval: ${interval}\n  evaluation_interval: ${interval}\nscrape_configs:\n${jobs.join('')}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = options.binary ?? findBinary('prometheus');
  if (binary === undefined) throw new Error('prometheus binary not found on PATH');
  const dataDir = mkdtempSync(join(tmpdir(), 'kanary-prometheus-'));
  const configFile = join(dataDir, 'prometheus.yml');
  writeFileSync(configFile, configYaml(options));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dataDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const query = async (expr: string): Promise<unknown> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return res.json();
  };

  const scrapeCount = async (): Promise<number> => {
    // prometheus_target_scrapes... is per-pool; count samples of `up == 1` over time instead.
    const body = (await query('min(count_over_time(up[10m]))')) as {
      data?: { result?: { value?: [number, string] }[] };
    };
    return Number(body.data?.result?.[0]?.value?.[1] ?? '0');
  };

  const waitForScrapes = async (scrapes = 1, timeoutMs = 20_000): Promise<void> => {
    const base = await scrapeCount();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await scrapeCount()) >= base + scrapes) return;
      await sleep(200);
    }
    throw new Error(
      `prometheus did not scrape its targets ${scrapes} more time(s) within ${timeoutMs} ms; log:\n${output}`,
    );
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with code ${child.exitCode} before it was ready; log:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within ${options.startTimeoutMs ?? 20_000} ms; log:\n${output}`);
    }
    await sleep(100);
  }
  return { url, port, dataDir, process: child, log: () => output, query, waitForScrapes, stop };
}
