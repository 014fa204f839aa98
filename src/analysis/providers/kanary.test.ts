import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnalysisRun, Metric } from '../../api/index.js';
import { registerKanaryProviders } from './kanary.js';
import { createProviderRegistry } from './registry.js';

const run: AnalysisRun = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name: 'r', namespace: 'default' },
  spec: { metrics: [] },
};
const routerMetric: Metric = { name: 'm', provider: { router: { service: 's', metric: 'requestCount' } } };

describe('registerKanaryProviders', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('adds router and judge next to the built-in providers', () => {
    const registry = registerKanaryProviders(createProviderRegistry());
    expect(registry.types()).toEqual(expect.arrayContaining(['prometheus', 'web', 'job', 'router', 'judge']));
    expect(registry.get(routerMetric).type).toBe('router');
  });

  it.each([
    ['the option', { routerAddress: 'http://127.0.0.1:1/opt' }, 'http://127.0.0.1:1/opt'],
    ['env KANARY_ROUTER_URL', {}, 'http://127.0.0.1:1/env'],
  ])('takes the router address from %s', async (_name, options, address) => {
    vi.stubEnv('KANARY_ROUTER_URL', 'http://127.0.0.1:1/env');
    const registry = registerKanaryProviders(createProviderRegistry(), options);
    const m = await registry.get(routerMetric).run(run, routerMetric, { now: () => 0 });
    expect(m.phase).toBe('Error');
    expect(m.message).toContain(address);
  });
});
