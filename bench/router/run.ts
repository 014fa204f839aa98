import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs, promisify } from 'node:util';
import type { IngressLike, PodLike, ServiceLike } from '../../src/local/router/index.js';
import { RouterClient, buildRoutingTable } from '../../src/local/router/index.js';

/**
 * Router benchmark: wrk through Kanary's router and through nginx (`split_clients` 50/50), both in front of the
 * same two Node upstreams, plus wrk straight at one upstream as the baseline. Prints throughput, p50/p99 and the
 * latency each proxy adds over the direct path, and the Kanary/nginx throughput ratio.
 *
 *   node --import tsx bench/router/run.ts [--json] [--duration 10] [--threads 2] [--connections 50]
 *
 * nginx runs one worker process, so both proxies get one core's worth of event loop.
 */
const execFileP = promisify(execFile);
const HOST_HEADER = 'sample.app';
const TOKEN = 'bench-token-0123456789abcdef';

interface WrkResult {
  readonly requestsPerSecond: number;
  /** CPU time (user + system) the proxy processes spent per request: robust to load from elsewhere. */
  readonly proxyCpuMicrosPerRequest?: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      duration: { type: 'string', default: '10' },
      threads: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '1' },
    },
  });
  const wrkArgs = {
    duration: Number(values.duration),
    threads: Number(values.threads),
    connections: Number(values.connections),
  };
  await requireProgram('wrk', ['--version']);
  await requireProgram('nginx', ['-v']);

  const dir = await mkdtemp(join(tmpdir(), 'kanary-bench-router-'));
  const children: ChildProcess[] = [];
  try {
    const upstreams = [];
    for (const [i, name] of ['sample-app-aaa-1', 'sample-app-bbb-1'].entries()) {
      const ip = podIp(i);
      const child = spawnTs(['bench/router/upstream.ts', ip, name]);
      children.push(child);
      const { port } = JSON.parse(await firstLine(child)) as { port: number };
      upstreams.push({ ip, port, name });
    }
    const [a, b] = upstreams as [(typeof upstreams)[0], (typeof upstreams)[0]];

    const router = spawnTs(['src/local/router/process.ts', '--port', '0', '--state', join(dir, 'router.json')], {
      KANARY_ROUTER_TOKEN: TOKEN,
    });
    children.push(router);
    const { url: routerUrl } = JSON.parse(await firstLine(router)) as { url: string };
    const labels = (hash: string) => ({ app: 'sample-app', 'rollouts-pod-template-hash': hash });
    await new RouterClient({ url: routerUrl, token: TOKEN }).pushTable(
      buildRoutingTable({
        ingresses: [
          ingress('sample-app', { host: HOST_HEADER, service: 'sample-app' }),
          ingress('sample-app-canary', {
            host: HOST_HEADER,
            service: 'sample-app-canary',
            annotations: canaryAnnotations({ 'canary-weight': '50' }),
          }),
        ],
        services: [service('sample-app', labels('aaa')), service('sample-app-canary', labels('bbb'))],
        pods: [pod(a.name, labels('aaa'), a.ip, a.port), pod(b.name, labels('bbb'), b.ip, b.port)],
      }),
    );

    const nginxPort = await freePort();
    await writeFile(join(dir, 'nginx.conf'), nginxConfig(dir, nginxPort, [a, b]));
    const nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
      stdio: 'ignore',
    });
    children.push(nginx);
    await waitForPort(nginxPort);

    // Rounds interleave the three paths so that load from elsewhere on the machine hits them alike; each path
    // reports its median round (by throughput).
    const rounds = Math.max(1, Number(values.rounds));
    const runs: Record<'direct' | 'nginx' | 'kanary', WrkResult[]> = { direct: [], nginx: [], kanary: [] };
    for (let i = 0; i < rounds; i++) {
      runs.direct.push(await runWrk(`http://${a.ip}:${a.port}/success`, wrkArgs, []));
      runs.nginx.push(await runWrk(`http://127.0.0.1:${nginxPort}/success`, wrkArgs, processTree(nginx.pid)));
      runs.kanary.push(await runWrk(`${routerUrl}/success`, wrkArgs, processTree(router.pid)));
    }
    const direct = median(runs.direct);
    const viaNginx = median(runs.nginx);
    const viaKanary = median(runs.kanary);

    const result = {
      command: `node --import tsx bench/router/run.ts --duration ${wrkArgs.duration} --threads ${wrkArgs.threads} --connections ${wrkArgs.connections} --rounds ${rounds}`,
      wrk: { ...wrkArgs, rounds },
      cpus: availableParallelism(),
      loadAverage: loadavg()[0] ?? 0,
      ratioPerRound: runs.kanary.map((k, i) => k.requestsPerSecond / (runs.nginx[i]?.requestsPerSecond ?? NaN)),
      direct,
      nginx: viaNginx,
      kanary: viaKanary,
      throughputRatio: viaKanary.requestsPerSecond / viaNginx.requestsPerSecond,
      cpuPerRequestRatio: (viaKanary.proxyCpuMicrosPerRequest ?? 0) / (viaNginx.proxyCpuMicrosPerRequest ?? 1),
      addedLatencyMs: {
        nginx: { p50: viaNginx.p50Ms - direct.p50Ms, p99: viaNginx.p99Ms - direct.p99Ms },
        kanary: { p50: viaKanary.p50Ms - direct.p50Ms, p99: viaKanary.p99Ms - direct.p99Ms },
      },
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else printTable(result);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

// Minimal Kubernetes-shaped objects for the benchmark's table: one stable and one canary Ingress, their Services,
// one pod each.
const podIp = (n: number): string => (process.platform === 'linux' ? `127.1.0.${n + 2}` : '127.0.0.1');

function ingress(
  name: string,
  o: { host: string; service: string; annotations?: Record<string, string> },
): IngressLike {
  return {
    metadata: { name, namespace: 'default', annotations: o.annotations ?? {} },
    spec: {
      rules: [
        {
          host: o.host,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: o.service, port: { name: 'http' } } } },
            ],
          },
        },
      ],
    },
  };
}

function canaryAnnotations(a: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { 'nginx.ingress.kubernetes.io/canary': 'true' };
  for (const [k, v] of Object.entries(a)) out[`nginx.ingress.kubernetes.io/${k}`] = v;
  return out;
}

function service(name: string, selector: Record<string, string>): ServiceLike {
  return {
    metadata: { name, namespace: 'default' },
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

function pod(name: string, labels: Record<string, string>, ip: string, port: number): PodLike {
  return {
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: port }] }] },
    status: { podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function median(results: readonly WrkResult[]): WrkResult {
  const sorted = [...results].sort((x, y) => x.requestsPerSecond - y.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)] ?? sorted[0]!;
}

function printTable(r: {
  direct: WrkResult;
  ratioPerRound: readonly number[];
  cpus: number;
  loadAverage: number;
  nginx: WrkResult;
  kanary: WrkResult;
  throughputRatio: number;
  cpuPerRequestRatio: number;
  addedLatencyMs: { nginx: { p50: number; p99: number }; kanary: { p50: number; p99: number } };
}): void {
  const row = (name: string, w: WrkResult, added?: { p50: number; p99: number }) =>
    `${name.padEnd(8)} ${w.requestsPerSecond.toFixed(0).padStart(9)} ${w.p50Ms.toFixed(2).padStart(8)} ${w.p99Ms
      .toFixed(2)
      .padStart(
        8,
      )} ${added === undefined ? '       -        -' : `${added.p50.toFixed(2).padStart(8)} ${added.p99.toFixed(2).padStart(8)}`} ${String(w.errors).padStart(7)}`;
  const lines = [
    'path       req/s   p50 ms   p99 ms  +p50 ms  +p99 ms  errors',
    row('direct', r.direct),
    row('nginx', r.nginx, r.addedLatencyMs.nginx),
    row('kanary', r.kanary, r.addedLatencyMs.kanary),
    '',
    `throughput ratio kanary/nginx: ${r.throughputRatio.toFixed(2)}x (target >= 0.50x); per round: ${r.ratioPerRound
      .map((x) => x.toFixed(2))
      .join(', ')}`,
    `proxy CPU per request: nginx ${(r.nginx.proxyCpuMicrosPerRequest ?? 0).toFixed(1)} us, kanary ${(
      r.kanary.proxyCpuMicrosPerRequest ?? 0
    ).toFixed(1)} us (kanary/nginx ${r.cpuPerRequestRatio.toFixed(2)}x)`,
    `machine: ${r.cpus} CPUs, load average ${r.loadAverage.toFixed(1)} at the end of the run`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function nginxConfig(dir: string, port: number, ups: readonly { ip: string; port: number }[]): string {
  return `worker_processes 1;
daemon off;
master_process on;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  upstream stable { server ${ups[0]?.ip ?? ''}:${ups[0]?.port ?? 0}; keepalive 128; }
  upstream canary { server ${ups[1]?.ip ?? ''}:${ups[1]?.port ?? 0}; keepalive 128; }
  split_clients "\${request_id}" $backend { 50% stable; * canary; }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 100000;
    location / {
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_pass http://$backend;
    }
  }
}
`;
}

async function runWrk(
  url: string,
  o: { duration: number; threads: number; connections: number },
  proxyPids: readonly number[],
): Promise<WrkResult> {
  // A short warm-up fills keep-alive pools and JIT caches before the measured run.
  await execFileP('wrk', [
    '-t',
    String(o.threads),
    '-c',
    String(o.connections),
    '-d',
    '2s',
    '-H',
    `Host: ${HOST_HEADER}`,
    url,
  ]);
  const cpuBefore = await cpuSeconds(proxyPids);
  const { stdout } = await execFileP('wrk', [
    '-t',
    String(o.threads),
    '-c',
    String(o.connections),
    '-d',
    `${o.duration}s`,
    '--latency',
    '-H',
    `Host: ${HOST_HEADER}`,
    url,
  ]);
  const cpu = (await cpuSeconds(proxyPids)) - cpuBefore;
  const parsed = parseWrk(stdout);
  return { ...parsed, proxyCpuMicrosPerRequest: proxyPids.length === 0 ? 0 : (cpu * 1e6) / parsed.requests };
}

/** A process and its children (nginx: master and worker). */
function processTree(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return [pid, ...children.map(Number)];
  } catch {
    return [pid];
  }
}

/** User plus system CPU seconds of processes (Linux /proc); 0 where unavailable. */
async function cpuSeconds(pids: readonly number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Not Linux, or the process is gone: CPU per request is then reported as 0.
    }
  }
  return ticks / 100;
}

/** Parses wrk's text report (requests/sec, the --latency percentile table, errors). */
export function parseWrk(text: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const total = /(\d+) requests in/.exec(text);
  const pct = (p: string): number => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(text);
    if (m === null) throw new Error(`wrk output has no ${p}% latency:\n${text}`);
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  const errors =
    (socketErrors === null ? 0 : socketErrors.slice(1).reduce((s, v) => s + Number(v), 0)) +
    (non2xx === null ? 0 : Number(non2xx[1]));
  if (rps === null || total === null) throw new Error(`unexpected wrk output:\n${text}`);
  return { requestsPerSecond: Number(rps[1]), p50Ms: pct('50'), p99Ms: pct('99'), requests: Number(total[1]), errors };
}

function spawnTs(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    if (child.stdout === null) {
      reject(new Error('child has no stdout'));
      return;
    }
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { host: HOST_HEADER } });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nginx did not listen on 127.0.0.1:${port} within 10 s`);
}

async function requireProgram(name: string, args: string[]): Promise<void> {
  try {
    await execFileP(name, args);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`bench:router needs ${name} (Debian package "${name}"); it is not installed.\n`);
      process.exit(2);
    }
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  await main();
}
