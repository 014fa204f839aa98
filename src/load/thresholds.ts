import { KanaryError } from '../common/index.js';
import { METRIC_KINDS, isMetricKey, type LoadMetrics, type MetricKey, type MetricKind } from './metrics.js';
import type { Trend } from './trend.js';

/**
 * A k6-style threshold: `METRIC=AGGREGATION OP NUMBER`, e.g. `checks=rate>0.9`, `http_req_duration=p(95)<1000`
 * (durations in milliseconds), `http_req_rate{deployment:canary}=rate>=0`.
 */
export interface Threshold {
  readonly metric: MetricKey;
  /** The expression as written after `=`, normalised (no spaces), e.g. "rate>0.9". */
  readonly expression: string;
  readonly aggregation: Aggregation;
  readonly op: Operator;
  readonly value: number;
}

export type Aggregation = 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | { readonly percentile: number };
export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ThresholdResult {
  readonly metric: MetricKey;
  readonly expression: string;
  readonly ok: boolean;
  /** The aggregated value the expression was tested against. */
  readonly actual: number;
}

/** The seed's thresholds; the two `rate>=0` ones always pass and exist so the per-deployment lines are marked. */
export const SEED_THRESHOLDS: readonly string[] = [
  'checks=rate>0.9',
  'http_req_duration=p(95)<1000',
  'http_req_rate{deployment:stable}=rate>=0',
  'http_req_rate{deployment:canary}=rate>=0',
];

const AGGREGATIONS_BY_KIND: Readonly<Record<MetricKind, readonly string[]>> = {
  rate: ['rate'],
  counter: ['count', 'rate'],
  trend: ['avg', 'min', 'max', 'med', 'p(N)'],
};

export function parseThreshold(text: string): Threshold {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new KanaryError(
      'BAD_USAGE',
      `threshold "${text}" is not METRIC=EXPRESSION; write it like checks=rate>0.9 or http_req_duration=p(95)<1000`,
    );
  }
  const metric = text.slice(0, eq).replace(/\s+/g, '');
  if (!isMetricKey(metric)) {
    throw new KanaryError(
      'BAD_USAGE',
      `threshold "${text}" names metric "${metric}", which load does not measure; use one of ${Object.keys(METRIC_KINDS).join(', ')}`,
    );
  }
  return parseThresholdExpression(metric, text.slice(eq + 1));
}

export function parseThresholdExpression(metric: MetricKey, expression: string): Threshold {
  const compact = expression.replace(/\s+/g, '');
  const m =
    /^(avg|min|max|med|count|rate|p\((\d+(?:\.\d+)?)\))(===|==|!=|<=|>=|<|>)(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/.exec(
      compact,
    );
  const kind = METRIC_KINDS[metric];
  const allowed = AGGREGATIONS_BY_KIND[kind];
  if (m === null) {
    throw new KanaryError(
      'BAD_USAGE',
      `threshold expression "${expression}" for ${metric} is not AGGREGATION OP NUMBER; write it like ${allowed[0] === 'rate' ? 'rate>0.9' : 'p(95)<1000'} (aggregations for a ${kind}: ${allowed.join(', ')})`,
    );
  }
  const [, agg = '', pct, op = '', value = ''] = m;
  const aggregation: Aggregation =
    pct === undefined ? (agg as Exclude<Aggregation, object>) : { percentile: Number(pct) };
  const name = typeof aggregation === 'string' ? aggregation : 'p(N)';
  if (!allowed.includes(name) || (typeof aggregation === 'object' && aggregation.percentile > 100)) {
    throw new KanaryError(
      'BAD_USAGE',
      `threshold "${metric}=${expression}" uses ${agg}, which a ${kind} metric does not have; use ${allowed.join(', ')} (percentiles 0..100)`,
    );
  }
  return { metric, expression: compact, aggregation, op: op as Operator, value: Number(value) };
}

export function evaluateThreshold(t: Threshold, metrics: LoadMetrics, durations: Trend): ThresholdResult {
  const actual = aggregate(t, metrics, durations);
  return { metric: t.metric, expression: t.expression, ok: compare(actual, t.op, t.value), actual };
}

function aggregate(t: Threshold, metrics: LoadMetrics, durations: Trend): number {
  const a = t.aggregation;
  if (typeof a === 'object') return durations.percentile(a.percentile);
  const values = metrics[t.metric] as unknown as Record<string, number>;
  // Only the metric kinds' own aggregations pass parsing, so the field exists.
  return values[a] ?? Number.NaN;
}

function compare(actual: number, op: Operator, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
    case '===':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}
