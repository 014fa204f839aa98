import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * CLI start-up benchmark: spawns `kanary --help`, `kanary version`, the everyday verbs over a server
 * (`get rollout x`, `list rollouts`, `status x`, `promote x`, against a closed loopback port, so each fails fast
 * with its connection error) and `kanary lint -f examples/sample-app` N times each, interleaved with the anchor
 * `node --import tsx -e 0`, and prints the median wall time and CPU time (user + system) per command and its ratio
 * to the anchor measured in the same run.
 *
 *   node --import tsx bench/cli-startup/run.ts [--json] [--runs 7]
 *
 * CPU time is the figure to compare across machines and loads: wall time stretches when other work competes
 * for the cores, CPU time much less so. Timing comes from bash's `time` keyword around the child alone.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kanary.js');
const MAX_RUNS = 50;

interface Case {
  readonly name: string;
  readonly argv: readonly string[];
}

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly exitCode: number;
}

interface Row {
  readonly name: string;
  readonly runs: number;
  readonly exitCodes: number[];
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly wallRatio: number;
  readonly cpuRatio: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { json: { type: 'boolean', default: false }, runs: { type: 'string', default: '7' } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) {
    throw new Error(`--runs "${values.runs}" must be a whole number from 1 to ${MAX_RUNS}`);
  }

  const stateDir = await mkdtemp(join(tmpdir(), 'kanary-bench-cli-'));
  try {
    const env = {
      ...process.env,
      KANARY_SERVER: `http://127.0.0.1:${await closedPort()}`,
      KANARY_TOKEN: 'bench-token',
      KANARY_STATE_DIR: stateDir,
      NO_COLOR: '1',
    };
    const cases: Case[] = [
      { name: 'node -e 0', argv: ['-e', '0'] },
      { name: 'node --import tsx -e 0 (anchor)', argv: ['--import', 'tsx', '-e', '0'] },
      { name: 'kanary --help', argv: [BIN, '--help'] },
      { name: 'kanary version', argv: [BIN, 'version'] },
      { name: 'kanary get rollout x (no server)', argv: [BIN, 'get', 'rollout', 'x'] },
      { name: 'kanary list rollouts (no server)', argv: [BIN, 'list', 'rollouts'] },
      { name: 'kanary status x (no server)', argv: [BIN, 'status', 'x'] },
      { name: 'kanary promote x (no server)', argv: [BIN, 'promote', 'x'] },
      { name: 'kanary lint -f examples/sample-app', argv: [BIN, 'lint', '-f', join(ROOT, 'examples', 'sample-app')] },
    ];
    // One warm-up round fills the OS file cache and tsx's transform cache, so every measured run sees the same state.
    for (const c of cases) await measure(c, env);
    const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
    for (let i = 0; i < runs; i++) {
      for (const c of cases) samples.get(c.name)?.push(await measure(c, env));
    }

    const anchor = samples.get(cases[1]!.name) ?? [];
    const anchorWall = median(anchor.map((s) => s.wallMs));
    const anchorCpu = median(anchor.map((s) => s.cpuMs));
    const rows: Row[] = cases.map((c) => {
      const s = samples.get(c.name) ?? [];
      const wallMs = median(s.map((x) => x.wallMs));
      const cpuMs = median(s.map((x) => x.cpuMs));
      return {
        name: c.name,
        runs: s.length,
        exitCodes: [...new Set(s.map((x) => x.exitCode))],
        wallMs,
        cpuMs,
        wallRatio: wallMs / anchorWall,
        cpuRatio: cpuMs / anchorCpu,
      };
    });
    const load = loadavg()[0] ?? 0;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ runs, loadAverage1m: load, node: process.version, rows }, null, 2)}\n`);
    } else {
      process.stdout.write(formatTable(rows, runs, load));
    }
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** Runs `node ARGV` once under bash's `time`, its output discarded, and returns its wall and CPU time. */
function measure(c: Case, env: NodeJS.ProcessEnv): Promise<Sample> {
  const quoted = [process.execPath, ...c.argv].map(shellQuote).join(' ');
  const script = `TIMEFORMAT='%3R %3U %3S'; { time ${quoted} >/dev/null 2>&1; echo "exit $?" >&2; } 2>&1`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', () => {
      const exit = /exit (\d+)/.exec(out);
      const times = /^([\d.]+) ([\d.]+) ([\d.]+)$/m.exec(out);
      if (!exit || !times) {
        reject(new Error(`could not read the timing of "${c.name}" from bash: ${JSON.stringify(out)}`));
        return;
      }
      resolve({
        wallMs: Number(times[1]) * 1000,
        cpuMs: (Number(times[2]) + Number(times[3])) * 1000,
        exitCode: Number(exit[1]),
      });
    });
  });
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function formatTable(rows: readonly Row[], runs: number, load: number): string {
  const header = ['command', 'exit', 'wall ms', 'cpu ms', 'wall/anchor', 'cpu/anchor'];
  const body = rows.map((r) => [
    r.name,
    r.exitCodes.join(','),
    r.wallMs.toFixed(0),
    r.cpuMs.toFixed(0),
    r.wallRatio.toFixed(2),
    r.cpuRatio.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [
    `median of ${runs} runs each, load average ${load.toFixed(1)}, node ${process.version}`,
    line(header),
    ...body.map(line),
    '',
  ].join('\n');
}

await main();
