import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { DriveOutcome } from './drive.js';
import { CANARY_WEIGHT, CONTENDERS, RPS, SCRAPE_INTERVAL_MS, scenarios } from './scenarios.js';
import { summarise, type Summary } from './simulate.js';
import type { Job } from './worker.js';
import { ALPHA, checksOf, type Checks } from './checks.js';

/**
 * Detection benchmark: the seed's analysis (Prometheus scraped every 30 s, rate[1m], interval 1m, success share
 * ≥ 0.99, failureLimit 0) against Kanary's judge (interval 2s and 1s, α = 0.05), both driven through the real
 * analysis engine on a simulated clock, on the same seeded traffic: 20 rps, canary at 50% weight.
 *
 *   node --import tsx bench/detection/run.ts [--json] [--seed N] [--scale F] [--workers N]
 *
 * `--scale` multiplies the number of runs (0.1 for a quick look); the figures in BENCHMARKS.md use 1.
 */

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
    `  A/A false aborts, upper 95% bound: judge 2s ${pct(c.aaWithinAlpha.judge2sUpper)} (0.5% errors), ` +
      `${pct(c.aaWithinAlpha.judge2sUpperAt1)} (1%); judge 1s ${pct(c.aaWithinAlpha.judge1sUpper)}, ` +
      `${pct(c.aaWithinAlpha.judge1sUpperAt1)}; within α = ${c.aaWithinAlpha.alpha}: ${c.aaWithinAlpha.ok ? 'yes' : 'NO'}`,
    `  1% vs 0.1% aborted within the horizon by the judge (≥ 90%): 2s ${pct(c.detects1vs01.judge2s)}, 1s ` +
      `${pct(c.detects1vs01.judge1s)}: ${c.detects1vs01.ok ? 'yes' : 'NO'}`,
    '  1% vs 0.1% told apart from its control 1% vs 1% (abort rates, 95% intervals; difference):',
    ...(
      [
        ['seed', c.seedMisses1vs01.seed],
        ['judge 2s', c.seedMisses1vs01.judge2s],
        ['judge 1s', c.seedMisses1vs01.judge1s],
      ] as const
    ).map(
      ([name, d]) =>
        `    ${name.padEnd(8)} ${pct(d.worse.rate)} (${pct(d.worse.low)}–${pct(d.worse.high)}) vs ` +
        `${pct(d.same.rate)} (${pct(d.same.low)}–${pct(d.same.high)}); ${(100 * d.difference).toFixed(1)} points: ` +
        (d.separates ? 'tells them apart' : 'cannot tell them apart'),
    ),
    `  the seed misses the difference, the judge detects it: ${c.seedMisses1vs01.ok ? 'yes' : 'NO'}`,
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
