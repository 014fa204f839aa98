import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { DriveOutcome } from './drive.js';
import { CANARY_WEIGHT, CONTENDERS, RPS, SCRAPE_INTERVAL_MS, scenarios } from './scenarios.js';
import { summarise, type Summary } from './simulate.js';
import type { Job } from './worker.js';

/**
 * Detection benchmark: the seed's analysis (Prometheus scraped every 30 s, rate[1m], interval 1m, success share
 * ≥ 0.99, failureLimit 0) against Kanary's judge (interval 2s and 1s, α = 0.05), both driven through the real
 * analysis engine on a simulated clock, on the same seeded traffic: 20 rps, canary at 50% weight.
 *
 *   node --import tsx bench/detection/run.ts [--json] [--seed N] [--scale F] [--workers N]
 *
 * `--scale` multiplies the number of runs (0.1 for a quick look); the figures in BENCHMARKS.md use 1.
 */

const ALPHA = 0.05;
/** Workers load the TypeScript worker through tsx's loader (a worker does not inherit `--import tsx`). */
const WORKER_BOOTSTRAP =
  `import('tsx/esm/api').then(({ register }) => { register(); ` +
  `return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); })`;
const CHUNK = 25;

async function runJobs(jobs: Job[], workers: number): Promise<Map<number, DriveOutcome[]>> {
  const results = new Map<number, DriveOutcome[]>();
  const queue = [...jobs];
  const pool = Array.from(
    { length: Math.max(1, Math.min(workers, jobs.length)) },
    () => new Worker(WORKER_BOOTSTRAP, { eval: true }),
  );
  await Promise.all(
    pool.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          const next = (): void => {
            const job = queue.shift();
            if (job === undefined) {
              resolve();
              return;
            }
            worker.postMessage(job);
          };
          worker.on('message', (msg: { id: number; outcomes: DriveOutcome[] }) => {
            results.set(msg.id, msg.outcomes);
            next();
          });
          worker.on('error', reject);
          next();
        }),
    ),
  );
  await Promise.all(pool.map((w) => w.terminate()));
  return results;
}

function fmtSeconds(s: number | null, horizon: number): string {
  return s === null ? `> ${horizon} s` : `${s} s`;
}

/** CPU time of the whole process, workers included. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

interface Checks {
  readonly seedCaseFailedRatio: { seed: number; judge2s: number; judge1s: number; ok: boolean };
  readonly aaWithinAlpha: { judge2sUpper: number; judge1sUpper: number; alpha: number; ok: boolean };
  readonly detects1vs01: { judge2s: number; judge1s: number; ok: boolean };
  /** The seed's abort rate at 1% vs 0.1%, next to its false-abort rate on identical versions. */
  readonly seedMisses1vs01: { seed: number; seedAaFalseAborts: number; ok: boolean };
}

function checksOf(rows: readonly Summary[]): Checks {
  const get = (scenario: string, contender: string): Summary => {
    const row = rows.find((r) => r.scenario === scenario && r.contender === contender);
    if (row === undefined) throw new Error(`no result for ${scenario}/${contender}`);
    return row;
  };
  const seedFailed = get('errors-50', 'seed').medianFailedServed;
  const j2 = get('errors-50', 'judge-2s').medianFailedServed;
  const j1 = get('errors-50', 'judge-1s').medianFailedServed;
  const aa2 = get('a-a', 'judge-2s').abortRateWilson95.high;
  const aa1 = get('a-a', 'judge-1s').abortRateWilson95.high;
  const d2 = get('errors-1-vs-0.1', 'judge-2s').abortRate;
  const d1 = get('errors-1-vs-0.1', 'judge-1s').abortRate;
  const ds = get('errors-1-vs-0.1', 'seed').abortRate;
  return {
    seedCaseFailedRatio: {
      seed: seedFailed,
      judge2s: j2,
      judge1s: j1,
      ok: j2 * 10 <= seedFailed && j1 * 10 <= seedFailed,
    },
    aaWithinAlpha: { judge2sUpper: aa2, judge1sUpper: aa1, alpha: ALPHA, ok: aa2 <= ALPHA && aa1 <= ALPHA },
    detects1vs01: { judge2s: d2, judge1s: d1, ok: d2 >= 0.9 && d1 >= 0.9 },
    seedMisses1vs01: { seed: ds, seedAaFalseAborts: get('a-a', 'seed').abortRate, ok: ds <= 0.1 },
  };
}

function printTable(rows: readonly Summary[], titles: Map<string, string>, checks: Checks, elapsed: number): void {
  const out: string[] = [];
  out.push(
    `Detection benchmark: ${RPS} rps, canary weight ${CANARY_WEIGHT}%, scrape every ${SCRAPE_INTERVAL_MS / 1000} s`,
  );
  let scenario = '';
  for (const r of rows) {
    if (r.scenario !== scenario) {
      scenario = r.scenario;
      out.push('', titles.get(r.scenario) ?? r.scenario);
      out.push(
        `  ${'contender'.padEnd(10)} ${'runs'.padStart(5)} ${'horizon'.padStart(7)} ${'aborted'.padStart(16)} ${'95% CI'.padStart(15)} ${'median'.padStart(9)} ` +
          `${'p95'.padStart(9)} ${'failed served: median'.padStart(22)} ${'p95'.padStart(6)}`,
      );
    }
    const ci = `${pct(r.abortRateWilson95.low)}–${pct(r.abortRateWilson95.high)}`;
    out.push(
      `  ${r.contender.padEnd(10)} ${String(r.runs).padStart(5)} ${`${r.horizonSeconds} s`.padStart(7)} ` +
        `${`${r.aborted}/${r.runs} ${pct(r.abortRate)}`.padStart(16)} ${ci.padStart(15)} ` +
        `${fmtSeconds(r.medianSecondsToAbort, r.horizonSeconds).padStart(9)} ` +
        `${fmtSeconds(r.p95SecondsToAbort, r.horizonSeconds).padStart(9)} ${String(r.medianFailedServed).padStart(22)} ` +
        String(r.p95FailedServed).padStart(6),
    );
  }
  const c = checks;
  out.push(
    '',
    'Checks',
    `  seed's case, failed requests served (median): seed ${c.seedCaseFailedRatio.seed}, judge 2s ` +
      `${c.seedCaseFailedRatio.judge2s}, judge 1s ${c.seedCaseFailedRatio.judge1s}: ≥ 10× fewer: ${c.seedCaseFailedRatio.ok ? 'yes' : 'NO'}`,
    `  A/A false aborts, upper 95% bound: judge 2s ${pct(c.aaWithinAlpha.judge2sUpper)}, judge 1s ` +
      `${pct(c.aaWithinAlpha.judge1sUpper)}; within α = ${c.aaWithinAlpha.alpha}: ${c.aaWithinAlpha.ok ? 'yes' : 'NO'}`,
    `  1% vs 0.1% aborted within the horizon by the judge (≥ 90%): 2s ${pct(c.detects1vs01.judge2s)}, 1s ` +
      `${pct(c.detects1vs01.judge1s)}: ${c.detects1vs01.ok ? 'yes' : 'NO'}`,
    `  1% vs 0.1% missed by the seed (≤ 10% aborted): it aborted ${pct(c.seedMisses1vs01.seed)}: ` +
      `${c.seedMisses1vs01.ok ? 'yes' : 'NO'} (it aborts identical versions too: ` +
      `${pct(c.seedMisses1vs01.seedAaFalseAborts)} of A/A runs)`,
    '',
    `(${elapsed.toFixed(1)} s wall, ${cpuSeconds().toFixed(1)} s CPU)`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      seed: { type: 'string', default: '20261126' },
      scale: { type: 'string', default: '1' },
      workers: { type: 'string', default: String(availableParallelism()) },
    },
  });
  const started = performance.now();
  const seed = Number(values.seed);
  const scale = Number(values.scale);
  const list = scenarios(scale);
  const jobs: Job[] = [];
  const keys: { scenario: number; contender: number; ids: number[] }[] = [];
  list.forEach((s, si) => {
    CONTENDERS.forEach((_c, ci) => {
      const ids: number[] = [];
      for (let from = 0; from < s.runs; from += CHUNK) {
        ids.push(jobs.length);
        jobs.push({
          id: jobs.length,
          scale,
          seed,
          scenario: si,
          contender: ci,
          from,
          to: Math.min(s.runs, from + CHUNK),
        });
      }
      keys.push({ scenario: si, contender: ci, ids });
    });
  });
  // Longest jobs first keeps the workers evenly busy.
  jobs.sort((a, b) => (list[b.scenario]?.aa ? 1 : 0) - (list[a.scenario]?.aa ? 1 : 0));
  const outcomes = await runJobs(jobs, Number(values.workers));
  const rows = keys.map(({ scenario, contender, ids }) => {
    const s = list[scenario];
    const c = CONTENDERS[contender];
    if (s === undefined || c === undefined) throw new Error('lost a job');
    return summarise(
      s,
      c,
      ids.flatMap((id) => outcomes.get(id) ?? []),
    );
  });
  const checks = checksOf(rows);
  const elapsed = (performance.now() - started) / 1000;
  if (values.json) {
    const report = {
      command: 'node --import tsx bench/detection/run.ts --json',
      seed,
      scale,
      rps: RPS,
      canaryWeight: CANARY_WEIGHT,
      scrapeIntervalSeconds: SCRAPE_INTERVAL_MS / 1000,
      alpha: ALPHA,
      contenders: CONTENDERS.map((c) => ({ id: c.id, label: c.label })),
      scenarios: list.map((s) => ({ id: s.id, title: s.title, runs: s.runs, horizonSeconds: s.horizonSeconds })),
      results: rows,
      checks,
      elapsedSeconds: Math.round(elapsed * 10) / 10,
      cpuSeconds: Math.round(cpuSeconds() * 10) / 10,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  printTable(rows, new Map(list.map((s) => [s.id, s.title])), checks, elapsed);
}

await main();
