import { describe, expect, it } from 'vitest';
import type { LabelSelector } from './common.js';
import { formatSelector, isEmptySelector, matchesSelector } from './labels.js';

describe('matchesSelector', () => {
  const labels = { app: 'demo', tier: 'web' };
  it.each<[string, LabelSelector, boolean]>([
    ['matching labels', { matchLabels: { app: 'demo' } }, true],
    ['a differing value', { matchLabels: { app: 'other' } }, false],
    ['a missing key', { matchLabels: { zone: 'a' } }, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, true],
    ['In without the value', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['api'] }] }, false],
    ['NotIn', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['api'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist on a present key', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['the empty selector', {}, true],
  ])('%s', (_name, selector, expected) => {
    expect(matchesSelector(selector, labels)).toBe(expected);
  });

  it('treats missing labels as none', () => {
    expect(matchesSelector({ matchLabels: { app: 'demo' } }, undefined)).toBe(false);
  });
});

describe('formatSelector / isEmptySelector', () => {
  it('renders the status.selector string, keys sorted', () => {
    expect(
      formatSelector({
        matchLabels: { b: '2', a: '1' },
        matchExpressions: [
          { key: 't', operator: 'In', values: ['x', 'y'] },
          { key: 'u', operator: 'Exists' },
          { key: 'v', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('a=1,b=2,t in (x,y),u,!v');
  });
  it('knows an empty selector', () => {
    expect(isEmptySelector({})).toBe(true);
    expect(isEmptySelector({ matchLabels: {} })).toBe(true);
    expect(isEmptySelector({ matchLabels: { a: 'b' } })).toBe(false);
  });
});
