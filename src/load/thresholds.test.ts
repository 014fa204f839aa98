import { describe, expect, it } from 'vitest';
import { evaluateIteration, seedChecks } from './checks.js';
import { computeMetrics } from './metrics.js';
import { LoadStats } from './stats.js';
import { SEED_THRESHOLDS, evaluateThreshold, parseThreshold } from './thresholds.js';

describe('parseThreshold', () => {
  it.each([
    ['checks=rate>0.9', 'checks', 'rate', '>', 0.9],
    ['http_req_duration=p(95)<1000', 'http_req_duration', { percentile: 95 }, '<', 1000],
    ['http_req_duration = p(99.9) <= 250', 'http_req_duration', { percentile: 99.9 }, '<=', 250],
    ['http_req_duration=avg<200', 'http_req_duration', 'avg', '<', 200],
    ['http_req_duration=med!=0', 'http_req_duration', 'med', '!=', 0],
    ['http_req_failed=rate<0.01', 'http_req_failed', 'rate', '<', 0.01],
    ['http_reqs=count>=100', 'http_reqs', 'count', '>=', 100],
    ['iterations=rate>5', 'iterations', 'rate', '>', 5],
    ['dropped_iterations=count==0', 'dropped_iterations', 'count', '==', 0],
    ['http_req_rate{deployment:canary}=rate>=0', 'http_req_rate{deployment:canary}', 'rate', '>=', 0],
    ['http_req_rate{deployment:stable}=rate===1', 'http_req_rate{deployment:stable}', 'rate', '===', 1],
  ])('%s', (text, metric, aggregation, op, value) => {
    expect(parseThreshold(text)).toMatchObject({ metric, aggregation, op, value });
  });

  it.each([
    ['checks>0.9', /is not METRIC=EXPRESSION/],
    ['latency=avg<5', /names metric "latency"/],
    ['http_req_rate{deployment:preview}=rate>0', /names metric/],
    ['checks=rate>>0.9', /is not AGGREGATION OP NUMBER/],
    ['checks=rate>', /is not AGGREGATION OP NUMBER/],
    ['checks=avg<5', /uses avg, which a rate metric does not have/],
    ['http_reqs=p(95)<5', /uses p\(95\)/],
    ['http_req_duration=rate<5', /uses rate, which a trend metric/],
    ['http_req_duration=p(101)<5', /percentiles 0..100/],
  ])('refuses %s', (text, message) => {
    expect(() => parseThreshold(text)).toThrow(message);
  });
});

describe('evaluateThreshold', () => {
  // 10 iterations: durations 1..10 ms; 8 good canary answers, 2 errors (500, interrupted).
  const stats = new LoadStats();
  const checks = seedChecks({ node: 'n' });
  const ok = JSON.stringify({ node: 'n', namespace: 'sample-app', pod: 'sample-app-1', deployment: 'canary' });
  for (let i = 1; i <= 10; i++) {
    const result = i <= 8 ? { status: 200, body: ok } : { status: 500, body: '' };
    stats.record(result, i, evaluateIteration(result, checks));
  }
  const metrics = computeMetrics(stats, 2_000);

  it.each([
    // checks: 8×5 passes + 2 fails = 40/42
    ['checks=rate>0.9', true, 40 / 42],
    ['checks=rate>0.96', false, 40 / 42],
    ['http_req_duration=p(95)<1000', true, 9.55],
    ['http_req_duration=p(95)<9.5', false, 9.55],
    ['http_req_duration=max<=10', true, 10],
    ['http_req_duration=avg==5.5', true, 5.5],
    ['http_req_failed=rate<0.1', false, 0.2],
    ['http_reqs=count==10', true, 10],
    ['http_reqs=rate>=5', true, 5],
    ['interrupted_iterations=count==2', true, 2],
    ['http_req_rate{deployment:canary}=rate==1', true, 1],
    ['http_req_rate{deployment:stable}=rate>0', false, 0],
  ])('%s → %s', (text, ok, actual) => {
    const r = evaluateThreshold(parseThreshold(text), metrics, stats.durations);
    expect(r.ok).toBe(ok);
    expect(r.actual).toBeCloseTo(actual, 10);
  });

  it('the seed thresholds all parse', () => {
    expect(SEED_THRESHOLDS.map((t) => parseThreshold(t).metric)).toEqual([
      'checks',
      'http_req_duration',
      'http_req_rate{deployment:stable}',
      'http_req_rate{deployment:canary}',
    ]);
  });
});
