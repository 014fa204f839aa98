import { fileURLToPath } from 'node:url';
import { loadPaths, objectsOf, type AnalysisTemplate, type Metric } from '../../src/api/index.js';
import type { ArmBehaviour, LatencyDistribution } from '../../src/analysis/judge/index.js';

/** What the benchmark compares: the seed's analysis and the judge, on the same simulated traffic. */

export const RPS = 20;
export const CANARY_WEIGHT = 50;
export const HORIZON_SECONDS = 600;
export const SCRAPE_INTERVAL_MS = 30_000;

/** The seed's AnalysisTemplate (seed-demo §3.1.4), as the example manifests ship it. */
const SEED_TEMPLATE = fileURLToPath(new URL('../../examples/sample-app/analysistemplate.yaml', import.meta.url));

/** The seed's metric, read from the example template itself; its query is answered by the emulation. */
export const SEED_METRIC: Metric = seedMetric();

function seedMetric(): Metric {
  const objects = objectsOf(loadPaths([SEED_TEMPLATE]).documents);
  const template = objects.find((o): o is AnalysisTemplate => o.kind === 'AnalysisTemplate');
  const metric = template?.spec.metrics?.find((m) => m.name === 'success-share');
  if (metric === undefined) throw new Error(`${SEED_TEMPLATE}: no AnalysisTemplate with metric "success-share"`);
  return metric;
}

/** The recommended judge metric (docs/judge.md, "Using the judge"), default α = 0.05. */
export function judgeMetric(interval: string): Metric {
  return {
    name: 'judge',
    interval,
    failureLimit: 0,
    failureCondition: 'result.verdict == "fail"',
    provider: { judge: { canaryService: 'sample-app-canary', stableService: 'sample-app' } },
  };
}

export interface Contender {
  readonly id: string;
  readonly label: string;
  readonly metric: Metric;
}

export const CONTENDERS: readonly Contender[] = [
  { id: 'seed', label: 'seed (Prometheus 30 s scrape, rate[1m], interval 1m)', metric: SEED_METRIC },
  { id: 'judge-2s', label: 'judge, interval 2s', metric: judgeMetric('2s') },
  { id: 'judge-1s', label: 'judge, interval 1s', metric: judgeMetric('1s') },
];

const LATENCY: LatencyDistribution = { kind: 'lognormal', medianMs: 50, sigma: 0.4 };
const SLOWER: LatencyDistribution = { ...LATENCY, shiftMs: 100 };

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly canary: ArmBehaviour;
  readonly stable: ArmBehaviour;
  /** Identical versions: an abort is a false abort. */
  readonly aa: boolean;
  /** Runs per contender (A/A needs many for a tight interval). */
  readonly runs: number;
  /** Simulated time each run may take before it counts as "not aborted". */
  readonly horizonSeconds: number;
  /** A shorter horizon for some contenders, to bound the runtime (reported with the figures). */
  readonly horizonOverride?: Readonly<Record<string, number>>;
}

export function horizonOf(scenario: Scenario, contenderId: string): number {
  return scenario.horizonOverride?.[contenderId] ?? scenario.horizonSeconds;
}

/**
 * A scenario where both arms have the usual latency unless the canary's is given. Arms that behave alike make an
 * A/A scenario, whose 1 s judge gets the shorter horizon.
 */
function scenario(
  id: string,
  title: string,
  canary: Partial<ArmBehaviour> & { errorRate: number },
  stable: { errorRate: number },
  runs: number,
): Scenario {
  const aa = canary.errorRate === stable.errorRate && canary.latency === undefined;
  return {
    id,
    title,
    canary: { latency: LATENCY, ...canary },
    stable: { latency: LATENCY, ...stable },
    aa,
    runs,
    horizonSeconds: HORIZON_SECONDS,
    // 1,000 runs of 600 one-second measurements each would take minutes; 300 s keeps the same number of looks
    // as the 2 s judge over 600 s.
    ...(aa ? { horizonOverride: { 'judge-1s': 300 } } : {}),
  };
}

export function scenarios(scale: number): Scenario[] {
  const n = (runs: number) => Math.max(1, Math.round(runs * scale));
  return [
    scenario(
      'errors-50',
      "canary 50% errors vs stable 0% (the seed's case)",
      { errorRate: 0.5 },
      { errorRate: 0 },
      n(200),
    ),
    scenario('errors-5-vs-0.5', 'canary 5% errors vs stable 0.5%', { errorRate: 0.05 }, { errorRate: 0.005 }, n(200)),
    scenario('errors-1-vs-0.1', 'canary 1% errors vs stable 0.1%', { errorRate: 0.01 }, { errorRate: 0.001 }, n(200)),
    scenario(
      'latency-100ms',
      'canary +100 ms latency (median 50 ms → 150 ms), no errors',
      { errorRate: 0, latency: SLOWER },
      { errorRate: 0 },
      n(200),
    ),
    scenario(
      'errors-only',
      'canary serves only errors (the lazy-counter quirk)',
      { errorRate: 1 },
      { errorRate: 0 },
      n(100),
    ),
    scenario(
      'a-a',
      'A/A: identical versions, 0.5% errors, same latency',
      { errorRate: 0.005 },
      { errorRate: 0.005 },
      n(1000),
    ),
    // The control for "1% vs 0.1%": the same canary next to a stable that is just as bad. A contender that
    // detects the difference aborts the first far more often than this one; the seed's analysis reads the canary
    // alone, so it cannot.
    scenario(
      'a-a-1',
      'A/A at 1%: identical versions, 1% errors, same latency (the control for 1% vs 0.1%)',
      { errorRate: 0.01 },
      { errorRate: 0.01 },
      n(1000),
    ),
  ];
}
