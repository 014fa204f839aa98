import { describe, expect, it } from 'vitest';
import {
  JudgeProviderConfigSchema,
  JudgeProviderSchema,
  RouterProviderConfigSchema,
  RouterProviderSchema,
} from './kanary-providers.js';

const judge = { canaryService: 'c', stableService: 's' };

describe('the judge and router providers in a manifest', () => {
  it.each([
    ['a number', 0.05],
    ['a numeric string', '0.05'],
    ['an argument', '{{args.alpha}}'],
    ['an argument with spaces', '{{ args.alpha }}'],
  ])('alpha may be %s, kept as written', (_name, alpha) => {
    expect(JudgeProviderSchema.parse({ ...judge, alpha })).toEqual({ ...judge, alpha });
  });

  it.each([
    ['not a number', { margin: 'a lot' }, 'must be a number'],
    ['alpha out of (0, 1)', { alpha: '1' }, 'strictly between 0 and 1'],
    ['a negative margin', { margin: -0.1 }, 'must be >= 0'],
    ['an absolute margin of 1', { absoluteMargin: 1 }, 'error rate in [0, 1)'],
    ['a fractional group size', { latency: { groupSize: 2.5 } }, 'whole number >= 1'],
    ['a zero Prometheus timeout', { prometheus: { address: 'http://p:9090', timeout: 0 } }, 'must be > 0'],
  ])('rejects %s', (_name, change, message) => {
    const parsed = JudgeProviderSchema.safeParse({ ...judge, ...change });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(message);
  });

  it('requires the router provider to name a Service and a known metric', () => {
    expect(RouterProviderSchema.safeParse({ service: 's', metric: 'p99', timeout: '{{args.t}}' }).success).toBe(true);
    expect(RouterProviderSchema.safeParse({ service: 's' }).success).toBe(false);
    expect(RouterProviderSchema.safeParse({ service: 's', metric: 'p95' }).success).toBe(false);
  });
});

describe('the same providers at run time (arguments resolved)', () => {
  it('reads numeric strings as numbers', () => {
    const config = JudgeProviderConfigSchema.parse({ ...judge, alpha: '0.01', minRequests: { canary: '50' } });
    expect(config.alpha).toBe(0.01);
    expect(config.minRequests?.canary).toBe(50);
    expect(RouterProviderConfigSchema.parse({ service: 's', metric: 'p50', timeout: '2.5' }).timeout).toBe(2.5);
  });

  it('rejects an unresolved argument and a non-positive router timeout', () => {
    expect(JudgeProviderConfigSchema.safeParse({ ...judge, alpha: '{{args.alpha}}' }).success).toBe(false);
    expect(RouterProviderConfigSchema.safeParse({ service: 's', metric: 'p50', timeout: 0 }).success).toBe(false);
  });
});
