import { describe, expect, it } from 'vitest';
import { parsePodIPRange } from './pod-ip-range.js';

describe('parsePodIPRange (KANARY_POD_IP_RANGE)', () => {
  it.each([
    ['127.1.7.1-127.1.7.254', { from: '127.1.7.1', to: '127.1.7.254' }],
    [' 127.2.0.1 - 127.2.0.9 ', { from: '127.2.0.1', to: '127.2.0.9' }],
    [undefined, undefined],
    ['', undefined],
  ])('reads %j', (value, expected) => {
    expect(parsePodIPRange(value)).toEqual(expected);
  });

  it.each(['127.1.7.1', '127.1.7.1-', 'a-b', '127.1.7.1/24'])(
    'rejects %j naming the variable and an example',
    (value) => {
      expect(() => parsePodIPRange(value)).toThrow(/KANARY_POD_IP_RANGE .* e\.g\. 127\.1\.7\.1-127\.1\.7\.254/);
    },
  );
});
