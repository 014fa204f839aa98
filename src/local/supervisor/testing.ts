/**
 * Test support for the supervisor's suites (not exported from the index): a fixture program, a state dir, a pod
 * IP range of its own (so suites running in parallel never share an address), and cleanup of every process.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { PodIPRange } from './addresses.js';
import type { Container, Pod, PodStatus } from './pod-types.js';
import { isSameProcess, processStartTime, signalGroup } from './process.js';
import type { PodRecord } from './records.js';
import { Supervisor, type SupervisorOptions } from './supervisor.js';
import type { SupervisorTiming } from './timing.js';

/** A small server whose behaviour the test steers through its environment. */
const FIXTURE = `
import http from 'node:http';
import fs from 'node:fs';
const env = process.env;
process.on('SIGTERM', () => {
  console.log('got SIGTERM');
  if (env.IGNORE_SIGTERM !== '1') process.exit(0);
});
// Printed once the SIGTERM handler is in place: a test that saw this line may signal the process.
console.log('ENV ' + JSON.stringify(env));
if (env.HELLO_STDERR) console.error('hello from stderr');
if (env.TICK_MS) { let n = 0; setInterval(() => console.log('tick ' + n++), Number(env.TICK_MS)); }
if (env.EXIT_CODE) process.exit(Number(env.EXIT_CODE));
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    if (env.HANG_FILE && fs.existsSync(env.HANG_FILE)) return; // hung: never answers
    res.statusCode = !env.HEALTH_FILE || fs.existsSync(env.HEALTH_FILE) ? 200 : 503;
    return res.end();
  }
  res.end(JSON.stringify({ pod: env.POD_NAME, host: env.HOST }));
});
const listen = () => server.listen(Number(env.PORT), env.HOST, () => console.log('listening ' + env.HOST + ':' + env.PORT));
if (env.LISTEN_AFTER_FILE) {
  const t = setInterval(() => { if (fs.existsSync(env.LISTEN_AFTER_FILE)) { clearInterval(t); listen(); } }, 50);
} else if (env.PORT) listen();
else setInterval(() => {}, 1000);
`;

export const FAST_TIMING: Partial<SupervisorTiming> = {
  backoffInitialMs: 100,
  backoffMaxMs: 400,
  processPollMs: 100,
  portProbePeriodMs: 100,
  logRotateCheckMs: 100,
};

export class Harness {
  readonly dir = mkdtempSync(join(tmpdir(), 'kanary-supervisor-'));
  readonly stateDir = join(this.dir, 'state');
  readonly fixture = join(this.dir, 'fixture.mjs');
  readonly range: PodIPRange;
  readonly history = new Map<string, PodStatus[]>();
  readonly gone: string[] = [];
  private readonly supervisors: Supervisor[] = [];

  constructor() {
    writeFileSync(this.fixture, FIXTURE);
    const second = 100 + Math.floor(Math.random() * 100);
    const third = Math.floor(Math.random() * 256);
    this.range = { from: `127.${second}.${third}.1`, to: `127.${second}.${third}.254` };
  }

  supervisor(options: Partial<SupervisorOptions> = {}): Supervisor {
    const supervisor = new Supervisor({
      stateDir: this.stateDir,
      podIPRange: this.range,
      timing: FAST_TIMING,
      onStatus: (key, status) => {
        const list = this.history.get(key) ?? [];
        list.push(structuredClone(status));
        this.history.set(key, list);
      },
      onGone: (key) => this.gone.push(key),
      ...options,
    });
    this.supervisors.push(supervisor);
    return supervisor;
  }

  /** The latest reported status of `namespace/name`. */
  status(key: string): PodStatus | undefined {
    return this.history.get(key)?.at(-1);
  }

  /** A container running the fixture with `env`. */
  container(env: Record<string, string>, extra: Partial<Container> = {}): Container {
    return {
      name: 'app',
      image: 'fixture:1',
      command: [process.execPath, this.fixture],
      env: Object.entries(env).map(([name, value]) => ({ name, value })),
      ...extra,
    };
  }

  /** Stops every supervisor's pods, then kills whatever a record still names (pods left running on purpose). */
  async cleanup(): Promise<void> {
    for (const supervisor of this.supervisors) {
      await supervisor.stopAll().catch(() => undefined);
      await supervisor.close();
    }
    const recordsDir = join(this.stateDir, 'pods');
    const files = existsSync(recordsDir) ? readdirSync(recordsDir) : [];
    for (const file of files.filter((f) => f.endsWith('.json'))) {
      const record = JSON.parse(readFileSync(join(recordsDir, file), 'utf8')) as PodRecord;
      for (const c of Object.values(record.containers)) {
        if (isSameProcess(c.pid, c.startTime)) signalGroup(c.pgid, 'SIGKILL');
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let uidCounter = 0;

export function makePod(name: string, containers: Container[], extra: Partial<Pod['spec']> = {}): Pod {
  uidCounter++;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'test', uid: `uid-${name}-${uidCounter}`, labels: { app: 'fixture' } },
    spec: { containers, terminationGracePeriodSeconds: 2, ...extra },
  };
}

/** Waits until the fixture of `pod` (namespace test) has logged `count` ENV lines, i.e. started `count` times. */
export function fixtureStarted(h: Harness, pod: string, count = 1): Promise<string> {
  const file = join(h.stateDir, 'logs', `test_${pod}`, 'app.log');
  return waitFor(`${pod} started ${count} time(s)`, () => {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    return (text.match(/^ENV /gm) ?? []).length >= count && text;
  });
}

/** Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A TCP port free on every address right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function pidOf(status: PodStatus | undefined, container = 0): number | undefined {
  const id = status?.containerStatuses?.[container]?.containerID;
  const running = status?.containerStatuses?.[container]?.state.running;
  return id === undefined || running === undefined ? undefined : Number(id.replace('process://', ''));
}

export function isReady(status: PodStatus | undefined): boolean {
  return status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

/** Alive and not a zombie (a killed grandchild stays a zombie until whoever inherited it reaps it). */
export function isAlive(pid: number): boolean {
  return processStartTime(pid) !== undefined;
}

/** Collects a stream's text until it ends or `until` matches the text so far. */
export function collect(stream: Readable, until?: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (until?.(text) === true) {
        stream.destroy();
        resolve(text);
      }
    });
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}
