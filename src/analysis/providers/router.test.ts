import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun, Metric, RouterProvider as RouterProviderSpec } from '../../api/index.js';
import { providerContract } from './contract.js';
import { startRoutedPair, type RoutedPair } from './kanary-testing.js';
import { RouterProvider, routerValue, type RouterProviderConfig } from './router.js';
import { closedPort } from './test-server.js';

const NOW = Date.parse('2026-05-06T07:08:09.000Z');
const ctx = { now: () => NOW };

function analysisRun(namespace = 'default'): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'r', namespace },
    spec: { metrics: [] },
  };
}

function routerMetric(
  router: Partial<RouterProviderConfig> | Record<string, unknown>,
  fields: Partial<Metric> = {},
): Metric {
  // Invalid settings on purpose in some tests: the provider must reject them at run time too.
  return { name: 'router-metric', ...fields, provider: { router: router as RouterProviderSpec } };
}

providerContract('router', async () => {
  const pair = await startRoutedPair();
  await pair.send('stable', '/ok', 5);
  await pair.send('canary', '/status/500', 5);
  const refused = `http://127.0.0.1:${await closedPort()}`;
  const errorRate = (service: string, address = pair.router.url): Metric =>
    routerMetric({ service, metric: 'errorRate', window: '5m', address }, { successCondition: 'result <= 0.01' });
  return {
    provider: new RouterProvider(),
    successful: errorRate('sample-app'),
    failed: errorRate('sample-app-canary'),
    error: errorRate('sample-app', refused),
    errorMentions: [refused, 'ECONNREFUSED'],
    close: () => pair.close(),
  };
});

describe('router provider against a real router', () => {
  let pair: RoutedPair;
  beforeAll(async () => {
    pair = await startRoutedPair();
    await pair.send('canary', '/ok', 6);
    await pair.send('canary', '/status/503', 3);
    await pair.send('canary', '/status/404', 1);
    await pair.send('stable', '/slow/60', 4);
  });
  afterAll(async () => {
    await pair.close();
  });

  it.each([
    ['requestCount', 'sample-app-canary', '10'],
    ['errorCount', 'sample-app-canary', '3'],
    ['errorRate', 'sample-app-canary', '0.3'],
    ['successRate', 'sample-app-canary', '0.7'],
    ['requestCount', 'sample-app', '4'],
    ['errorRate', 'sample-app', '0'],
  ] as const)('%s of %s is %s (5xx count as errors, 4xx do not)', async (metric, service, value) => {
    const provider = new RouterProvider({ defaultAddress: pair.router.url });
    const m = await provider.run(analysisRun(), routerMetric({ service, metric }), ctx);
    expect(m.phase, m.message).toBe('Successful');
    expect(m.value).toBe(value);
    expect(m.startedAt).toBe(new Date(NOW).toISOString());
  });

  it('reports latency quantiles in milliseconds', async () => {
    const provider = new RouterProvider({ defaultAddress: pair.router.url });
    const m = await provider.run(
      analysisRun(),
      routerMetric({ service: 'sample-app', metric: 'p50' }, { successCondition: 'result >= 55 && result < 1000' }),
      ctx,
    );
    expect(m.phase, `${m.message ?? ''} value ${m.value ?? ''}`).toBe('Successful');
  });

  it('no traffic: requestCount is 0 and a rate is nil, so a condition on it is an Error, not a pass', async () => {
    const provider = new RouterProvider({ defaultAddress: pair.router.url });
    const count = await provider.run(
      analysisRun(),
      routerMetric({ service: 'quiet', metric: 'requestCount' }, { successCondition: 'result >= 1' }),
      ctx,
    );
    expect([count.phase, count.value]).toEqual(['Failed', '0']);
    const rate = await provider.run(
      analysisRun(),
      routerMetric({ service: 'quiet', metric: 'errorRate' }, { successCondition: 'result <= 0.01' }),
      ctx,
    );
    expect(rate.phase).toBe('Error');
    expect(rate.value).toBe('null');
    expect(rate.message).toContain('no data');
  });

  it('takes the namespace from the AnalysisRun unless the metric sets one', async () => {
    const provider = new RouterProvider({ defaultAddress: pair.router.url });
    const metric = routerMetric({ service: 'sample-app-canary', metric: 'requestCount' });
    expect((await provider.run(analysisRun('elsewhere'), metric, ctx)).value).toBe('0');
    const pinned = routerMetric({ service: 'sample-app-canary', metric: 'requestCount', namespace: 'default' });
    expect((await provider.run(analysisRun('elsewhere'), pinned, ctx)).value).toBe('10');
  });

  it('filters by revision', async () => {
    const provider = new RouterProvider({ defaultAddress: pair.router.url });
    const m = (revision: string) => routerMetric({ service: 'sample-app-canary', metric: 'requestCount', revision });
    expect((await provider.run(analysisRun(), m('bbb'), ctx)).value).toBe('10');
    expect((await provider.run(analysisRun(), m('zzz'), ctx)).value).toBe('0');
  });

  it.each([
    [{ service: 'x', metric: 'errorRate' }, undefined, 'router address is not set'],
    [{ service: 'x', metric: 'loudness', address: 'http://127.0.0.1:1' }, undefined, 'router.metric'],
    [{ metric: 'errorRate', address: 'http://127.0.0.1:1' }, undefined, 'router.service'],
    [{ service: 'x', metric: 'errorRate', window: 'soon', address: 'http://127.0.0.1:1' }, undefined, '"soon"'],
    [{ service: 'x', metric: 'errorRate' }, 'not a url', 'is not a URL'],
  ])('a bad setting %j is an Error naming it', async (config, fallback, words) => {
    const provider = new RouterProvider(fallback === undefined ? {} : { defaultAddress: fallback });
    const m = await provider.run(analysisRun(), routerMetric(config), ctx);
    expect(m.phase).toBe('Error');
    expect(m.message).toContain(words);
  });
});

describe('routerValue', () => {
  const stats = { requests: 4, errors: 1, errorRate: 0.25, p50: 0.01, p90: 0.02, p99: 0.5 };
  it.each([
    ['errorRate', 0.25],
    ['successRate', 0.75],
    ['p50', 10],
    ['p90', 20],
    ['p99', 500],
  ] as const)('%s', (metric, value) => {
    expect(routerValue(stats, metric)).toBeCloseTo(value, 9);
  });
});
