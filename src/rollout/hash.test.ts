import { describe, expect, it } from 'vitest';
import { canonicalJson, fnv1a32, podTemplateHash, stepsHash } from './hash.js';

describe('hashes', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('fnv1a32(%j) is the FNV-1a reference value', (input, expected) => {
    expect(fnv1a32(input)).toBe(expected);
  });

  it('renders objects canonically whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
    expect(podTemplateHash({ a: 1, b: 2 })).toBe(podTemplateHash({ b: 2, a: 1 }));
  });

  it('gives at most 10 characters from the safe alphabet, different for different templates', () => {
    const a = podTemplateHash({ spec: { containers: [{ name: 'x', image: 'x:1' }] } });
    const b = podTemplateHash({ spec: { containers: [{ name: 'x', image: 'x:2' }] } });
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(a).not.toBe(b);
  });

  it('changes with the collision count and with the steps', () => {
    expect(podTemplateHash({ a: 1 }, 1)).not.toBe(podTemplateHash({ a: 1 }));
    expect(stepsHash([{ setWeight: 10 }])).not.toBe(stepsHash([{ setWeight: 20 }]));
    expect(stepsHash(undefined)).toBe(stepsHash([]));
  });
});
