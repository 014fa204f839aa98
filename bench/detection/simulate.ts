import { mulberry32 } from '../../src/analysis/judge/index.js';
import { driveRun, type DriveOutcome } from './drive.js';
import { CANARY_WEIGHT, horizonOf, RPS, SCRAPE_INTERVAL_MS, type Contender, type Scenario } from './scenarios.js';
import { quantile, wilson } from './stats.js';
import { TrafficWorld } from './world.js';

/** Runs contenders on scenarios with seeded worlds, and summarises the outcomes. */

export interface Summary {
  readonly scenario: string;
  readonly contender: string;
  readonly runs: number;
  readonly horizonSeconds: number;
  /** Runs that aborted within the horizon (false aborts for A/A). */
  readonly aborted: number;
  readonly abortRate: number;
  readonly abortRateWilson95: { readonly low: number; readonly high: number };
  /** Seconds; null when more than half (or 5%) of the runs did not abort within the horizon. */
  readonly medianSecondsToAbort: number | null;
  readonly p95SecondsToAbort: number | null;
  /** Failed canary requests served until the abort, or until the horizon when there was none. */
  readonly medianFailedServed: number;
  readonly p95FailedServed: number;
  readonly measurementsPerRun: number;
}

/** The world seed of run i of a scenario: the same for every contender, so they face the same traffic. */
export function worldSeed(baseSeed: number, scenarioIndex: number, run: number): number {
  return (Math.imul(baseSeed, 2654435761) ^ Math.imul(scenarioIndex + 1, 40503) ^ Math.imul(run + 1, 97)) >>> 0;
}

/** Runs [from, to) of one contender on one scenario; each run gets its own seeded world. */
export interface RunRange {
  readonly scenario: Scenario;
  readonly scenarioIndex: number;
  readonly contender: Contender;
  readonly baseSeed: number;
  readonly from: number;
  readonly to: number;
}

export async function simulateRuns(range: RunRange): Promise<DriveOutcome[]> {
  const { scenario, scenarioIndex, contender, baseSeed, from, to } = range;
  const outcomes: DriveOutcome[] = [];
  for (let i = from; i < to; i++) {
    const seed = worldSeed(baseSeed, scenarioIndex, i);
    const world = new TrafficWorld({
      scenario: {
        rps: RPS,
        weights: [{ fromSecond: 0, weight: CANARY_WEIGHT }],
        canary: scenario.canary,
        stable: scenario.stable,
      },
      seed,
      scrapeIntervalMs: SCRAPE_INTERVAL_MS,
      scrapeOffsetMs: Math.floor(mulberry32(seed ^ 0x5bd1e995)() * SCRAPE_INTERVAL_MS),
    });
    outcomes.push(await driveRun(contender.metric, world, horizonOf(scenario, contender.id) * 1000));
  }
  return outcomes;
}

export function summarise(scenario: Scenario, contender: Contender, outcomes: readonly DriveOutcome[]): Summary {
  const runs = outcomes.length;
  const times = outcomes.map((o) => (o.abortedAtMs === undefined ? Infinity : o.abortedAtMs / 1000));
  const aborted = times.filter(Number.isFinite).length;
  const finiteOrNull = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
  const failed = outcomes.map((o) => o.failedServed);
  return {
    scenario: scenario.id,
    contender: contender.id,
    runs,
    horizonSeconds: horizonOf(scenario, contender.id),
    aborted,
    abortRate: aborted / runs,
    abortRateWilson95: wilson(aborted, runs),
    medianSecondsToAbort: finiteOrNull(quantile(times, 0.5)),
    p95SecondsToAbort: finiteOrNull(quantile(times, 0.95)),
    medianFailedServed: quantile(failed, 0.5),
    p95FailedServed: quantile(failed, 0.95),
    measurementsPerRun: Math.round((10 * outcomes.reduce((n, o) => n + o.measurements, 0)) / runs) / 10,
  };
}
