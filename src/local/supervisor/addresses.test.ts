import { describe, expect, it } from 'vitest';
import { KanaryError } from '../../common/index.js';
import { PodIPAllocator } from './addresses.js';

describe('PodIPAllocator', () => {
  it('hands out the lowest free address from 127.1.0.1 and reuses released ones', () => {
    const ips = new PodIPAllocator();
    expect(ips.allocate('a')).toBe('127.1.0.1');
    expect(ips.allocate('b')).toBe('127.1.0.2');
    ips.release('127.1.0.1', 'a');
    expect(ips.allocate('c')).toBe('127.1.0.1');
    expect(ips.ownerOf('127.1.0.2')).toBe('b');
  });

  it('skips .0 and .255 and stays inside the range', () => {
    const ips = new PodIPAllocator({ from: '127.5.0.254', to: '127.5.1.1' });
    expect([ips.allocate('a'), ips.allocate('b')]).toEqual(['127.5.0.254', '127.5.1.1']);
    expect(() => ips.allocate('c')).toThrow(KanaryError);
  });

  it('honours a preferred address only when it is free and in range, and reserves for re-adoption', () => {
    const ips = new PodIPAllocator();
    expect(ips.reserve('127.1.0.7', 'a')).toBe(true);
    expect(ips.reserve('127.1.0.7', 'b')).toBe(false);
    expect(ips.allocate('b', '127.1.0.7')).toBe('127.1.0.1');
    expect(ips.allocate('c', '127.1.3.3')).toBe('127.1.3.3');
    expect(ips.allocate('d', '10.0.0.1')).toBe('127.1.0.2');
    expect(ips.allocate('e', '127.1.0.255')).toBe('127.1.0.3');
    // Releasing with the wrong owner is a no-op: an old incarnation never frees its successor's address.
    ips.release('127.1.0.7', 'b');
    expect(ips.ownerOf('127.1.0.7')).toBe('a');
  });

  it('rejects a range outside loopback', () => {
    expect(() => new PodIPAllocator({ from: '10.0.0.1', to: '10.0.0.9' })).toThrow(/loopback/);
  });
});
