import { describe, expect, it } from 'vitest';
import { evaluateIteration, seedChecks, type HttpResult } from './checks.js';
import { formatProgress, type LoadProgress } from './progress.js';
import { renderSummary } from './render.js';
import { SEED_PROFILE } from './schedule.js';
import { LoadStats } from './stats.js';
import { buildSummary } from './summary.js';
import { SEED_HEADERS } from './target.js';
import { SEED_THRESHOLDS, parseThreshold } from './thresholds.js';

const answer = (deployment: string): HttpResult => ({
  status: 200,
  body: JSON.stringify({ node: 'kind-control-plane', namespace: 'sample-app', pod: 'sample-app-1', deployment }) + '\n',
});

/** 16 iterations: 9 stable and 3 canary answers, 2 server errors, 1 refused connection, 1 dropped arrival. */
function scenario(): LoadStats {
  const stats = new LoadStats();
  const checks = seedChecks({ node: 'kind-control-plane' });
  const results: HttpResult[] = [
    ...Array.from({ length: 9 }, () => answer('stable')),
    ...Array.from({ length: 3 }, () => answer('canary')),
    { status: 500, body: '' },
    { status: 500, body: '' },
    { status: 0, body: '', error: 'connect ECONNREFUSED 127.0.0.1:9' },
  ];
  results.forEach((r, i) => stats.record(r, 0.5 + i * 0.75, evaluateIteration(r, checks)));
  stats.recordDropped();
  return stats;
}

const context = {
  url: 'http://127.0.0.1:8080/success',
  headers: SEED_HEADERS,
  profile: SEED_PROFILE,
  maxVUs: 20,
  timeoutMs: 10_000,
  testRunDurationMs: 60_000,
  aborted: false,
};

describe('summary', () => {
  it('counts checks, shares and metrics', () => {
    const s = buildSummary(scenario(), SEED_THRESHOLDS.map(parseThreshold), context);
    expect(s.checks[0]).toEqual({ name: 'status code is 200', passes: 12, fails: 3 });
    expect(s.checks[1]).toEqual({ name: 'node is kind-control-plane', passes: 12, fails: 0 });
    expect(s.deployments).toEqual({ stable: { count: 9, share: 0.75 }, canary: { count: 3, share: 0.25 } });
    expect(s.metrics.http_reqs).toEqual({ count: 15, rate: 0.25 });
    expect(s.metrics.http_req_failed).toEqual({ rate: 3 / 15, passes: 3, fails: 12 });
    expect(s.metrics.dropped_iterations.count).toBe(1);
    expect(s.metrics.interrupted_iterations.count).toBe(3);
    expect(s.errors).toEqual([{ message: 'connect ECONNREFUSED 127.0.0.1:9', count: 1 }]);
    // checks: 12×5 passes, 3 fails → 60/63 > 0.9
    expect(s.thresholdsPassed).toBe(true);
  });

  it('renders in k6 shape', () => {
    const s = buildSummary(scenario(), SEED_THRESHOLDS.map(parseThreshold), context);
    expect(renderSummary(s)).toMatchInlineSnapshot(`
      "
           ✗ status code is 200
            ↳  80% — ✓ 12 / ✗ 3
           ✓ node is kind-control-plane
           ✓ namespace is sample-app
           ✓ pod is sample-app-*
           ✓ deployment is stable or canary

         ✓ checks...................: 95.24% ✓ 60       ✗ 3
         ✓ http_req_duration........: avg=5.38ms min=500µs med=5.38ms max=10.25ms p(90)=9.28ms p(95)=9.76ms
           http_req_failed..........: 20.00% ✓ 3        ✗ 12
           http_req_rate............: 50.00% ✓ 12       ✗ 12
           ✓ { deployment:canary }..: 25.00% ✓ 3        ✗ 9
           ✓ { deployment:stable }..: 75.00% ✓ 9        ✗ 3
           http_reqs................: 15     0.25/s
           dropped_iterations.......: 1      0.016667/s
           interrupted_iterations...: 3      0.05/s
           iterations...............: 15     0.25/s

           no response ×1: connect ECONNREFUSED 127.0.0.1:9

           ran 1m0s: all thresholds passed
      "
    `);
  });

  it('marks failed thresholds and names them', () => {
    const s = buildSummary(
      scenario(),
      ['checks=rate>0.99', 'http_req_duration=p(95)<1000'].map(parseThreshold),
      context,
    );
    expect(s.thresholdsPassed).toBe(false);
    const text = renderSummary(s);
    expect(text).toContain('   ✗ checks....');
    expect(text).toContain('   ✓ http_req_duration....');
    expect(text).toContain('thresholds failed: checks rate>0.99');
  });
});

describe('formatProgress', () => {
  const base: LoadProgress = {
    second: 12,
    elapsedMs: 12_000,
    totalMs: 60_000,
    targetRate: 6.7,
    inFlight: 2,
    maxVUs: 20,
    window: {
      started: 7,
      completed: 6,
      failed: 0,
      dropped: 0,
      checks: { passes: 30, fails: 0 },
      deployments: { stable: 5, canary: 1 },
    },
    totals: {
      completed: 50,
      failed: 1,
      dropped: 0,
      checks: { passes: 245, fails: 1 },
      deployments: { stable: 37, canary: 12 },
    },
    final: false,
  };

  it.each<[string, LoadProgress, string]>([
    [
      'mid-run',
      base,
      'load [===>----------------] 12s/1m0s  6.7 it/s  2/20 in flight  50 done  1 failed  stable 37 canary 12 (canary 24.5%)',
    ],
    [
      'at the start',
      { ...base, elapsedMs: 0, totals: { ...base.totals, completed: 0, deployments: { stable: 0, canary: 0 } } },
      'load [--------------------] 0s/1m0s  6.7 it/s  2/20 in flight  0 done  1 failed  stable 0 canary 0 (canary -)',
    ],
    [
      'done, with drops',
      { ...base, elapsedMs: 60_000, totals: { ...base.totals, dropped: 3 } },
      'load [====================] 1m0s/1m0s  6.7 it/s  2/20 in flight  50 done  1 failed  3 dropped  stable 37 canary 12 (canary 24.5%)',
    ],
  ])('%s', (_name, progress, line) => {
    expect(formatProgress(progress)).toBe(line);
  });
});
