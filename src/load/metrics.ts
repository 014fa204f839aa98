import type { LoadStats } from './stats.js';

/** k6's three metric shapes, as they appear in its JSON summary. Durations are milliseconds. */
export interface RateValues {
  readonly rate: number;
  readonly passes: number;
  readonly fails: number;
}

export interface CounterValues {
  readonly count: number;
  /** Per second over the test run. */
  readonly rate: number;
}

export interface TrendValues {
  readonly avg: number;
  readonly min: number;
  readonly med: number;
  readonly max: number;
  readonly 'p(90)': number;
  readonly 'p(95)': number;
}

/** The metrics a load run reports, named as k6 names them. */
export interface LoadMetrics {
  readonly checks: RateValues;
  readonly http_req_duration: TrendValues;
  readonly http_req_failed: RateValues;
  readonly http_reqs: CounterValues;
  readonly iterations: CounterValues;
  readonly interrupted_iterations: CounterValues;
  readonly dropped_iterations: CounterValues;
  /** The seed's Rate: two samples per response naming a track, so the untagged rate is 0.5 whenever there is one. */
  readonly http_req_rate: RateValues;
  /** Share of track-naming responses answered by the canary. */
  readonly 'http_req_rate{deployment:canary}': RateValues;
  readonly 'http_req_rate{deployment:stable}': RateValues;
}

export type MetricKey = keyof LoadMetrics;
export type MetricKind = 'rate' | 'counter' | 'trend';

export const METRIC_KINDS: Readonly<Record<MetricKey, MetricKind>> = {
  checks: 'rate',
  http_req_duration: 'trend',
  http_req_failed: 'rate',
  http_reqs: 'counter',
  iterations: 'counter',
  interrupted_iterations: 'counter',
  dropped_iterations: 'counter',
  http_req_rate: 'rate',
  'http_req_rate{deployment:canary}': 'rate',
  'http_req_rate{deployment:stable}': 'rate',
};

export function isMetricKey(key: string): key is MetricKey {
  return Object.hasOwn(METRIC_KINDS, key);
}

export function computeMetrics(stats: LoadStats, testRunDurationMs: number): LoadMetrics {
  const seconds = testRunDurationMs / 1_000;
  const counter = (count: number): CounterValues => ({ count, rate: seconds > 0 ? count / seconds : 0 });
  const { stable, canary } = stats.deployments;
  const t = stats.durations;
  return {
    checks: rate(stats.checkTotals().passes, stats.checkTotals().fails),
    http_req_duration: {
      avg: t.avg,
      min: t.min,
      med: t.med,
      max: t.max,
      'p(90)': t.percentile(90),
      'p(95)': t.percentile(95),
    },
    http_req_failed: rate(stats.failedRequests, stats.requests - stats.failedRequests),
    http_reqs: counter(stats.requests),
    iterations: counter(stats.iterations),
    interrupted_iterations: counter(stats.interrupted),
    dropped_iterations: counter(stats.dropped),
    http_req_rate: rate(stable + canary, stable + canary),
    'http_req_rate{deployment:canary}': rate(canary, stable),
    'http_req_rate{deployment:stable}': rate(stable, canary),
  };
}

function rate(passes: number, fails: number): RateValues {
  const total = passes + fails;
  return { rate: total === 0 ? 0 : passes / total, passes, fails };
}
