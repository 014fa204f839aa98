import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCookies, selectBackend, selectBackendIndex } from './select.js';
import type { Backend, CanaryPolicy, Route } from './table.js';

function backend(service: string, endpoints = 1): Backend {
  return {
    namespace: 'default',
    service,
    servicePort: 'http',
    endpoints: Array.from({ length: endpoints }, (_, i) => ({
      ip: '127.0.0.1',
      port: 1000 + i,
      pod: `${service}-${i}`,
      revision: service,
    })),
  };
}

function route(policies: CanaryPolicy[], canaryEndpoints = 1): Route {
  return {
    path: '/',
    pathType: 'Prefix',
    ingress: { namespace: 'default', name: 'app' },
    backend: backend('stable'),
    canaries: policies.map((policy, i) => ({
      ingress: { namespace: 'default', name: `canary-${i}` },
      backend: backend(`canary-${i}`, canaryEndpoints),
      policy,
    })),
  };
}

const p = (over: Partial<CanaryPolicy>): CanaryPolicy => ({ weight: 0, weightTotal: 100, ...over });

describe('selectBackend: ingress-nginx precedence', () => {
  it.each<[string, Partial<CanaryPolicy>, Record<string, string>, number, 'stable' | 'canary']>([
    ['weight 0 never', {}, {}, 0, 'stable'],
    ['weight 100 always', { weight: 100 }, {}, 0.9999, 'canary'],
    ['weight 25, draw below', { weight: 25 }, {}, 0.2499, 'canary'],
    ['weight 25, draw at the edge', { weight: 25 }, {}, 0.25, 'stable'],
    ['header always beats weight 0', { header: 'X-Canary' }, { 'x-canary': 'always' }, 0, 'canary'],
    ['header never beats weight 100', { header: 'X-Canary', weight: 100 }, { 'x-canary': 'never' }, 0, 'stable'],
    ['other header value falls to weight', { header: 'X-Canary', weight: 100 }, { 'x-canary': 'maybe' }, 0, 'canary'],
    ['other header value, weight 0', { header: 'X-Canary' }, { 'x-canary': 'maybe' }, 0, 'stable'],
    ['header absent falls to weight', { header: 'X-Canary', weight: 50 }, {}, 0.1, 'canary'],
    ['header-value match', { header: 'X-Canary', headerValue: 'blue' }, { 'x-canary': 'blue' }, 0, 'canary'],
    [
      'header-value mismatch falls through',
      { header: 'X-Canary', headerValue: 'blue' },
      { 'x-canary': 'green' },
      0,
      'stable',
    ],
    [
      'header-value set: "never" is an ordinary value',
      { header: 'X-Canary', headerValue: 'blue', weight: 100 },
      { 'x-canary': 'never' },
      0,
      'canary',
    ],
    [
      'header-value set: "always" is an ordinary value',
      { header: 'X-Canary', headerValue: 'blue' },
      { 'x-canary': 'always' },
      0,
      'stable',
    ],
    [
      'header-pattern match',
      { header: 'X-Canary', headerPattern: '^(beta|alpha)$' },
      { 'x-canary': 'alpha' },
      0,
      'canary',
    ],
    ['header-pattern is unanchored', { header: 'X-Canary', headerPattern: 'et' }, { 'x-canary': 'beta' }, 0, 'canary'],
    ['header-pattern mismatch', { header: 'X-Canary', headerPattern: '^beta$' }, { 'x-canary': 'gamma' }, 0, 'stable'],
    [
      'header-value wins over header-pattern',
      { header: 'X-Canary', headerValue: 'blue', headerPattern: '.*' },
      { 'x-canary': 'red' },
      0,
      'stable',
    ],
    [
      'broken pattern rules the canary out',
      { header: 'X-Canary', headerPattern: '(', weight: 100 },
      { 'x-canary': 'x' },
      0,
      'stable',
    ],
    ['cookie always', { cookie: 'canary' }, { cookie: 'a=1; canary=always' }, 0, 'canary'],
    ['cookie never beats weight 100', { cookie: 'canary', weight: 100 }, { cookie: 'canary=never' }, 0, 'stable'],
    ['cookie other value falls to weight', { cookie: 'canary', weight: 100 }, { cookie: 'canary=x' }, 0, 'canary'],
    [
      'header never beats cookie always',
      { header: 'X-Canary', cookie: 'canary' },
      { 'x-canary': 'never', cookie: 'canary=always' },
      0,
      'stable',
    ],
    [
      'header always beats cookie never',
      { header: 'X-Canary', cookie: 'canary' },
      { 'x-canary': 'always', cookie: 'canary=never' },
      0,
      'canary',
    ],
    [
      'unmatched header lets cookie decide',
      { header: 'X-Canary', cookie: 'canary' },
      { 'x-canary': 'x', cookie: 'canary=always' },
      0,
      'canary',
    ],
    ['weight-total above 100', { weight: 1, weightTotal: 1000 }, {}, 0.0011, 'stable'],
    ['weight-total above 100, draw below', { weight: 1, weightTotal: 1000 }, {}, 0.0009, 'canary'],
    ['weight-total below 100 counts as 100', { weight: 5, weightTotal: 10 }, {}, 0.06, 'stable'],
    ['header name is case-insensitive', { header: 'x-CANARY' }, { 'x-canary': 'always' }, 0, 'canary'],
  ])('%s', (_name, policy, headers, rand, expected) => {
    expect(selectBackend(route([p(policy)]), { headers }, rand)).toBe(expected);
  });

  it('keeps traffic on stable when the canary has no ready endpoint, whatever the rules say', () => {
    const r = route([p({ weight: 100, header: 'X-Canary' })], 0);
    expect(selectBackend(r, { headers: { 'x-canary': 'always' } }, 0)).toBe('stable');
    expect(selectBackend(r, { headers: {} }, 0)).toBe('stable');
  });

  it('runs each step over every canary before the next step', () => {
    const r = route([p({ weight: 100 }), p({ header: 'X-Second' })]);
    expect(selectBackendIndex(r, { headers: { 'x-second': 'always' } }, 0)).toBe(1);
    expect(selectBackendIndex(r, { headers: {} }, 0)).toBe(0);
  });

  it('uses the first value of a repeated header', () => {
    const r = route([p({ header: 'X-Canary' })]);
    expect(selectBackend(r, { headers: { 'x-canary': ['always', 'never'] } }, 0)).toBe('canary');
  });
});

describe('selectBackend: weight distribution', () => {
  it('sends exactly weight/total of an evenly spread set of draws to the canary', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 1, max: 1000 }), (weight, weightTotal) => {
        const policy = p({ weight, weightTotal });
        const total = weightTotal > 100 ? weightTotal : 100;
        const r = route([policy]);
        let canary = 0;
        for (let k = 0; k < total; k++) {
          if (selectBackend(r, { headers: {} }, (k + 0.5) / total) === 'canary') canary++;
        }
        expect(canary).toBe(Math.min(weight, total));
      }),
    );
  });

  it('chooses the canary exactly when the draw falls below weight/total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (weight, rand) => {
          const chosen = selectBackend(route([p({ weight })]), { headers: {} }, rand);
          expect(chosen).toBe(Math.floor(rand * 100) < weight ? 'canary' : 'stable');
        },
      ),
    );
  });

  it('gives a second canary its own share of the draws the first one left', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (w1, w2) => {
        const r = route([p({ weight: w1 }), p({ weight: w2 })]);
        const n = 100 * 100;
        const counts = [0, 0, 0];
        for (let k = 0; k < n; k++) {
          const i = selectBackendIndex(r, { headers: {} }, (k + 0.5) / n);
          counts[i + 1] = (counts[i + 1] ?? 0) + 1;
        }
        const first = w1 / 100;
        const second = (1 - first) * (w2 / 100);
        expect(counts[1]! / n).toBeCloseTo(first, 2);
        expect(counts[2]! / n).toBeCloseTo(second, 2);
      }),
      { numRuns: 40 },
    );
  });
});

describe('parseCookies', () => {
  it.each<[string | undefined, Record<string, string>]>([
    [undefined, {}],
    ['a=1', { a: '1' }],
    ['a=1; b=2;c=3', { a: '1', b: '2', c: '3' }],
    ['a=1; a=2', { a: '1' }],
    ['junk; a=x=y', { a: 'x=y' }],
  ])('%s', (header, expected) => {
    expect(Object.fromEntries(parseCookies(header))).toEqual(expected);
  });
});
