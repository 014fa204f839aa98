import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/meta.js';
import { mulberry32 } from '../../src/analysis/judge/index.js';
import { KanaryClient } from '../../src/client/index.js';
import { startLocalCluster } from '../../src/local/cluster/index.js';
import type { LocalCluster, LocalClusterOptions } from '../../src/local/cluster/index.js';

/**
 * A real local cluster for end-to-end tests: real SQLite, the real router process and real pod processes running
 * the sample app, in a temp state dir, on ports chosen by the kernel. Every helper that starts something has a
 * matching stop, and `stop()` of each handle stops every process of the cluster (server, router, pods).
 */

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const KANARY_BIN = join(REPO_ROOT, 'bin', 'kanary.js');
export const SEED_DIR = join(REPO_ROOT, 'examples', 'sample-app');
export const SEED_NAMESPACE = 'sample-app';
export const SEED_ROLLOUT = 'sample-app';
export const SEED_HOST = 'sample.app';
export const SEED_IMAGE = 'ghcr.io/jhandguy/canary-deployment/sample-app';

/**
 * A pod address range of its own for each test cluster: clusters of parallel test files (and a developer's own
 * `kanary server` on the default 127.1.0.0/24 and up) must never hand out the same `podIP:8080`.
 */
export function freshPodIPRange(): { from: string; to: string } {
  const third = 64 + Math.floor(Math.random() * 190);
  return { from: `127.1.${third}.1`, to: `127.1.${third}.254` };
}

export function tempStateDir(prefix = 'kanary-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A cluster started inside the test process. */
export interface InProcessCluster {
  readonly cluster: LocalCluster;
  readonly stateDir: string;
  readonly client: KanaryClient;
  /** Stops server, router and every pod, then removes the state dir. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startInProcessCluster(options: Partial<LocalClusterOptions> = {}): Promise<InProcessCluster> {
  const stateDir = options.stateDir ?? tempStateDir();
  const log =
    process.env.KANARY_E2E_LOG === '1'
      ? (m: string): void => void process.stderr.write(`[cluster] ${m}\n`)
      : () => undefined;
  let cluster: LocalCluster;
  try {
    cluster = await startLocalCluster({
      port: 0,
      routerPort: 0,
      log,
      podIPRange: freshPodIPRange(),
      ...options,
      stateDir,
    });
  } catch (err) {
    // A start that failed half-way may have left the router running.
    await kanaryDown(stateDir);
    rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  return {
    cluster,
    stateDir,
    client: new KanaryClient({ url: cluster.url, token: cluster.token }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      try {
        await cluster.close({ everything: true });
      } finally {
        await kanaryDown(stateDir);
        rmSync(stateDir, { recursive: true, force: true });
      }
    },
  };
}

/** `kanary server` as a child process, so a test can SIGKILL it. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly routerUrl: string;
  readonly client: KanaryClient;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
}

export async function startServerProcess(
  stateDir: string,
  podIPRange: { from: string; to: string },
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [KANARY_BIN, 'server', '--state-dir', stateDir, '--port', '0', '--router-port', '0'],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        KANARY_STATE_DIR: stateDir,
        KANARY_POD_IP_RANGE: `${podIPRange.from}-${podIPRange.to}`,
      },
    },
  );
  let out = '';
  child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const urls = await new Promise<{ url: string; routerUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kanary server did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /API and dashboard on (\S+), router on (\S+),/.exec(out);
      if (m?.[1] !== undefined && m[2] !== undefined) {
        clearTimeout(timer);
        resolve({ url: m[1], routerUrl: m[2] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kanary server exited with ${String(code)} before listening:\n${out}`));
    });
  });
  const token = readFileSync(join(stateDir, 'token'), 'utf8').trim();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    ...urls,
    client: new KanaryClient({ url: urls.url, token }),
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** `kanary down --state-dir D`: stops whatever of that cluster still runs (server, pods, router). */
export async function kanaryDown(stateDir: string): Promise<void> {
  await runCli(['down', '--state-dir', stateDir], { KANARY_STATE_DIR: stateDir }).catch(() => undefined);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/kanary.js ARGS` with extra environment; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const clean = { ...process.env };
    delete clean.KANARY_SERVER;
    delete clean.KANARY_TOKEN;
    const child = spawn(process.execPath, [KANARY_BIN, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...clean, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kanary ${args.join(' ')} timed out:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Manifests

type Obj = KubeObject & Record<string, unknown>;

/** The seed manifests of `examples/sample-app`, parsed, in file-name order. */
export function seedManifests(): Obj[] {
  const objs: Obj[] = [];
  for (const file of readdirSync(SEED_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(SEED_DIR, file), 'utf8'))) {
      const value = doc.toJS() as Obj | null;
      if (value !== null) objs.push(value);
    }
  }
  return objs;
}

export interface SeedRolloutChanges {
  /** Replaces `strategy.canary.steps`. */
  steps?: unknown[];
  /** Drops the background analysis (its AnalysisTemplate points at an in-cluster Prometheus). */
  dropAnalysis?: boolean;
  /** Replaces the container's image. */
  image?: string;
  /** `strategy.canary.scaleDownDelaySeconds`. */
  scaleDownDelaySeconds?: number;
}

/** The seed's manifests with its Rollout changed as asked (a copy; the files are not touched). */
export function seedWith(changes: SeedRolloutChanges): Obj[] {
  return seedManifests().map((o) => (o.kind === 'Rollout' ? changeRollout(o, changes) : o));
}

export function changeRollout(rollout: Obj, changes: SeedRolloutChanges): Obj {
  const copy = structuredClone(rollout) as Obj & { spec: RolloutSpecLike };
  const canary = copy.spec.strategy.canary;
  if (changes.steps !== undefined) canary.steps = changes.steps;
  if (changes.dropAnalysis === true) delete canary.analysis;
  if (changes.scaleDownDelaySeconds !== undefined) canary.scaleDownDelaySeconds = changes.scaleDownDelaySeconds;
  const container = copy.spec.template.spec.containers[0];
  if (changes.image !== undefined && container !== undefined) container.image = changes.image;
  return copy;
}

interface RolloutSpecLike {
  strategy: { canary: Record<string, unknown> & { steps?: unknown[] } };
  template: { spec: { containers: { image: string }[] } };
}

/** Applies objects through the API, as `kanary apply` does (PUT by lower-case kind). */
export async function applyAll(client: KanaryClient, objs: readonly Obj[]): Promise<void> {
  for (const o of objs) await client.apply(o.kind.toLowerCase(), o.metadata.namespace ?? '', o);
}

// ---------------------------------------------------------------------------------------------------------------
// Waiting on the rollout

export interface RolloutView {
  phase: string | undefined;
  step: number | undefined;
  canaryWeight: number | undefined;
  stableRS: string | undefined;
  currentPodHash: string | undefined;
  paused: boolean;
  raw: Obj;
}

export async function rolloutView(client: KanaryClient): Promise<RolloutView> {
  const r = await client.get<Obj>('rollouts', SEED_NAMESPACE, SEED_ROLLOUT);
  const status = (r.status ?? {}) as {
    phase?: string;
    currentStepIndex?: number;
    stableRS?: string;
    currentPodHash?: string;
    pauseConditions?: unknown[];
    controllerPause?: boolean;
    canary?: { weights?: { canary?: { weight?: number } } };
  };
  return {
    phase: status.phase,
    step: status.currentStepIndex,
    canaryWeight: status.canary?.weights?.canary?.weight,
    stableRS: status.stableRS,
    currentPodHash: status.currentPodHash,
    paused: (status.pauseConditions?.length ?? 0) > 0,
    raw: r,
  };
}

/** Polls until `done(view)` holds; the error names the last view seen. */
export async function waitForRollout(
  client: KanaryClient | (() => KanaryClient),
  done: (v: RolloutView) => boolean,
  timeoutMs = 20_000,
  what = 'the rollout condition',
): Promise<RolloutView> {
  const deadline = Date.now() + timeoutMs;
  let last: RolloutView | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await rolloutView(typeof client === 'function' ? client() : client);
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await sleep(100);
  }
  const seen = last === undefined ? String(lastError) : JSON.stringify({ ...last, raw: last.raw.status });
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------------------------
// Traffic through the router

export interface Reply {
  status: number;
  /** The sample app's identity, when the body was its JSON. */
  deployment?: string;
  pod?: string;
  /** The body, when it was not the sample app's JSON (e.g. the router's own error page). */
  body?: string;
  /** A transport error (no HTTP answer at all). */
  error?: string;
}

const agent = new Agent({ keepAliveTimeout: 4_000, connections: 64 });

/** One GET through the router with `Host: sample.app`. */
export async function get(routerUrl: string, path = '/success', headers: Record<string, string> = {}): Promise<Reply> {
  try {
    const res = await request(`${routerUrl}${path}`, {
      dispatcher: agent,
      headers: { host: SEED_HOST, ...headers },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await res.body.text();
    try {
      const body = JSON.parse(text) as { deployment?: string; pod?: string };
      return { status: res.statusCode, ...body };
    } catch {
      return { status: res.statusCode, body: text };
    }
  } catch (err) {
    return { status: 0, error: err instanceof Error ? err.message : String(err) };
  }
}

/** `count` GETs, `concurrency` at a time. */
export async function burst(
  routerUrl: string,
  count: number,
  concurrency = 16,
  headers: Record<string, string> = {},
): Promise<Reply[]> {
  const replies: Reply[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      replies.push(await get(routerUrl, '/success', headers));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return replies;
}

/**
 * A bounded constant load: one GET every `1000 / rate` ms until `stop()` (or `maxSeconds`), each recorded. The
 * router URL is read on every request so that a test may change it.
 */
export class Load {
  readonly replies: (Reply & { at: number })[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inflight = new Set<Promise<void>>();

  constructor(
    private readonly routerUrl: () => string,
    private readonly rate = 50,
    private readonly maxSeconds = 120,
  ) {}

  start(): this {
    const started = Date.now();
    let sent = 0;
    // Ticks may come late when the event loop is busy (an in-process cluster shares it): each tick sends what the
    // rate owes so far, so the load stays at `rate` on average instead of slowing down with the test.
    this.#timer = setInterval(() => {
      const elapsed = Date.now() - started;
      if (elapsed > this.maxSeconds * 1000) return this.#halt();
      const due = Math.floor((elapsed * this.rate) / 1000);
      for (; sent < due; sent++) this.#send();
    }, 1000 / this.rate);
    return this;
  }

  #send(): void {
    const at = Date.now();
    const p = get(this.routerUrl()).then((r) => {
      this.replies.push({ ...r, at });
    });
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
  }

  /** Stops sending and waits for the requests in flight. */
  async stop(): Promise<(Reply & { at: number })[]> {
    this.#halt();
    await Promise.all([...this.#inflight]);
    return this.replies;
  }

  failures(): (Reply & { at: number })[] {
    return this.replies.filter((r) => r.status !== 200);
  }

  #halt(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** A small deterministic PRNG (the judge's mulberry32) so that "random moments" can be replayed from the printed seed. */
export const seededRandom = mulberry32;

/**
 * The binomial 99.9% two-sided acceptance interval for the count of successes in `n` trials of probability `p`
 * (normal approximation, z = 3.29), as counts.
 */
export function binomialBounds(n: number, p: number): { low: number; high: number } {
  const z = 3.2905;
  const sd = Math.sqrt(n * p * (1 - p));
  return { low: n * p - z * sd, high: n * p + z * sd };
}
