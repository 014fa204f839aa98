import { describe, expect, it } from 'vitest';
import type { Measurement, Metric } from '../../api/index.js';
import { KanaryError } from '../../common/index.js';
import { createProviderRegistry, ProviderRegistry } from './registry.js';
import type { MetricProvider } from './types.js';

const metric = (provider: Metric['provider']): Metric => ({ name: 'm', provider });

describe('provider registry', () => {
  it('chooses the built-in providers by the metric provider field', () => {
    const registry = createProviderRegistry();
    expect(registry.types()).toEqual(['prometheus', 'web', 'job']);
    expect(registry.get(metric({ prometheus: { query: 'up' } })).type).toBe('prometheus');
    expect(registry.get(metric({ web: { url: 'http://x' } })).type).toBe('web');
  });

  it('accepts new providers by type name (router, judge, ...)', () => {
    const router: MetricProvider = {
      type: 'router',
      run: () => Promise.resolve<Measurement>({ phase: 'Successful' }),
      resume: (_r, _m, x) => Promise.resolve(x),
      terminate: (_r, _m, x) => Promise.resolve(x),
    };
    const registry = createProviderRegistry().register(router);
    expect(registry.get(metric({ router: { service: 'sample-app', metric: 'errorRate' } }))).toBe(router);
  });

  it.each([
    [
      'an unknown provider fails loudly, naming it and the supported ones',
      { datadog: { query: 'x' } },
      'NOT_SUPPORTED',
      'provider "datadog" is not supported by Kanary; use one of prometheus, web, job',
    ],
    ['no provider', {}, 'INVALID_SPEC', 'no provider specified'],
    [
      'two providers',
      { web: { url: 'x' }, prometheus: { query: 'y' } },
      'INVALID_SPEC',
      'multiple providers specified',
    ],
  ])('%s', (_title, provider, code, message) => {
    const registry = createProviderRegistry();
    let caught: unknown;
    try {
      registry.get(metric(provider));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(KanaryError);
    expect((caught as KanaryError).code).toBe(code);
    expect((caught as KanaryError).message).toContain(message);
  });

  it('typeOf is static and needs no registry', () => {
    const job = { job: { spec: { template: { spec: { containers: [] } } } } } as unknown as Metric['provider'];
    expect(ProviderRegistry.typeOf(metric(job))).toBe('job');
  });
});
