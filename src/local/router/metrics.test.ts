import { describe, expect, it } from 'vitest';
import { RouterMetrics, escapeLabel, parseWindow } from './metrics.js';

const labels = { namespace: 'default', service: 'sample-app', revision: 'aaa', ingress: 'sample-app' };

describe('RouterMetrics', () => {
  it('exposes counters by status class and a cumulative histogram in Prometheus text format', () => {
    const m = new RouterMetrics(() => 0);
    const s = m.seriesFor(labels);
    m.record(s, 200, 0.002);
    m.record(s, 204, 0.02);
    m.record(s, 503, 3);
    const text = m.exposition();
    const base = 'namespace="default",service="sample-app",revision="aaa",ingress="sample-app"';
    expect(text).toContain('# TYPE kanary_router_requests_total counter');
    expect(text).toContain(`kanary_router_requests_total{${base},code_class="2xx"} 2`);
    expect(text).toContain(`kanary_router_requests_total{${base},code_class="5xx"} 1`);
    expect(text).toContain('# TYPE kanary_router_request_duration_seconds histogram');
    expect(text).toContain(`kanary_router_request_duration_seconds_bucket{${base},le="0.0025"} 1`);
    expect(text).toContain(`kanary_router_request_duration_seconds_bucket{${base},le="0.025"} 2`);
    expect(text).toContain(`kanary_router_request_duration_seconds_bucket{${base},le="+Inf"} 3`);
    expect(text).toContain(`kanary_router_request_duration_seconds_count{${base}} 3`);
    expect(text).toMatch(
      new RegExp(`kanary_router_request_duration_seconds_sum\\{${base.replace(/[{}]/g, '\\$&')}\\} 3\\.022`),
    );
    // Every sample line: name{labels} value.
    for (const line of text.trim().split('\n')) {
      if (!line.startsWith('#')) expect(line).toMatch(/^[a-z_]+\{[^}]*\} [0-9.e+-]+$/);
    }
  });

  it('answers window stats per revision from per-second slices', () => {
    let now = 1_000_000;
    const m = new RouterMetrics(() => now);
    const a = m.seriesFor(labels);
    const b = m.seriesFor({ ...labels, revision: 'bbb', ingress: 'canary' });
    for (let i = 0; i < 100; i++) m.record(a, 200, 0.01);
    now += 40_000; // 40 s later: the first 100 fall out of a 30 s window
    for (let i = 0; i < 90; i++) m.record(a, 200, 0.01);
    for (let i = 0; i < 10; i++) m.record(a, 500, 0.01);
    for (let i = 0; i < 50; i++) m.record(b, 200, 0.1);
    now += 500;
    const st = m.stats('default/sample-app', 30);
    expect(st.total.requests).toBe(150);
    expect(st.total.errors).toBe(10);
    expect(st.revisions.aaa!.requests).toBe(100);
    expect(st.revisions.aaa!.errorRate).toBeCloseTo(0.1);
    expect(st.revisions.bbb!.errors).toBe(0);
    // Quantiles come from ~9%-wide buckets.
    expect(st.revisions.aaa!.p50).toBeGreaterThan(0.009);
    expect(st.revisions.aaa!.p50).toBeLessThan(0.011);
    expect(st.revisions.bbb!.p99).toBeGreaterThan(0.09);
    expect(st.revisions.bbb!.p99).toBeLessThan(0.11);
    expect(m.stats('default/sample-app', 60).total.requests).toBe(250);
    expect(m.stats('default/other', 60).total).toEqual({
      requests: 0,
      errors: 0,
      errorRate: 0,
      p50: null,
      p90: null,
      p99: null,
    });
  });

  it('drops slices older than the ring', () => {
    let now = 0;
    const m = new RouterMetrics(() => now, 10);
    const s = m.seriesFor(labels);
    m.record(s, 200, 0.01);
    now += 20_000;
    m.record(s, 200, 0.01);
    expect(m.stats('default/sample-app', 900).total.requests).toBe(1);
    expect(m.snapshot().series[0]!.total).toBe(2);
  });

  it('takes cumulative snapshots that difference into rates', () => {
    let now = 5000;
    const m = new RouterMetrics(() => now);
    const s = m.seriesFor(labels);
    m.record(s, 200, 0.01);
    const first = m.snapshot();
    now += 1000;
    m.record(s, 500, 0.01);
    m.record(s, 200, 0.01);
    const second = m.snapshot();
    expect(second.timestamp - first.timestamp).toBe(1000);
    expect(second.series[0]!.total - first.series[0]!.total).toBe(2);
    expect(second.series[0]!.errors - first.series[0]!.errors).toBe(1);
    expect(second.series[0]!.latency.buckets.at(-1)).toEqual(['+Inf', 3]);
  });
});

describe('parseWindow', () => {
  it.each<[string, number | undefined]>([
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['45', 45],
    ['1500ms', 2],
    ['0s', undefined],
    ['abc', undefined],
  ])('%s', (text, expected) => {
    expect(parseWindow(text)).toBe(expected);
  });
});

it('escapes label values', () => {
  expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
});
