import { describe, expect, it, vi } from 'vitest';
import { useColor } from '../../render/index.js';
import { dashboardUrl } from './dashboard.js';
import { parseBlock } from './sse.js';
import { STATUS_EXIT, statusExitCode } from './status.js';
import { throttle } from './watcher.js';

describe('parseBlock (server-sent events)', () => {
  it.each([
    ['event: MODIFIED\nid: 12\ndata: {"a":1}', { event: 'MODIFIED', id: '12', data: '{"a":1}' }],
    ['data: one\ndata: two', { event: 'message', id: undefined, data: 'one\ntwo' }],
    [': keep-alive comment', undefined],
    ['event: ping', undefined],
  ])('%j', (block, expected) => {
    expect(parseBlock(block)).toEqual(expected);
  });
});

describe('statusExitCode', () => {
  it.each([
    ['Healthy', STATUS_EXIT.healthy],
    ['Degraded', STATUS_EXIT.degraded],
    ['Progressing', STATUS_EXIT.progressing],
    ['Paused', STATUS_EXIT.paused],
  ] as const)('%s exits %d', (status, code) => {
    expect(statusExitCode({ status })).toBe(code);
  });

  it('keeps the documented numbers', () => {
    expect(STATUS_EXIT).toEqual({ healthy: 0, degraded: 1, timeout: 2, progressing: 3, paused: 4 });
  });
});

describe('useColor', () => {
  it.each([
    [true, {}, undefined, true],
    [false, {}, undefined, false],
    [true, { NO_COLOR: '1' }, undefined, false],
    [true, { NO_COLOR: '' }, undefined, true],
    [true, {}, false, false],
  ])('tty=%s env=%j flag=%s -> %s', (isTTY, env, flag, expected) => {
    expect(useColor({ isTTY }, env, flag)).toBe(expected);
  });
});

describe('dashboardUrl', () => {
  it.each([
    ['http://127.0.0.1:7180', 'abc', 'http://127.0.0.1:7180/#token=abc'],
    ['http://127.0.0.1:7180/', 'a b', 'http://127.0.0.1:7180/#token=a%20b'],
    ['http://127.0.0.1:7180', undefined, 'http://127.0.0.1:7180/'],
  ])('%s with token %s', (url, token, expected) => {
    expect(dashboardUrl(url, token)).toBe(expected);
  });
});

describe('throttle', () => {
  it('paints a burst once, then again after the interval', () => {
    vi.useFakeTimers();
    try {
      let frames = 0;
      const t = throttle(() => frames++, 100);
      for (let i = 0; i < 20; i++) t.request();
      vi.advanceTimersByTime(1);
      expect(frames).toBe(1);
      t.request();
      t.request();
      vi.advanceTimersByTime(50);
      expect(frames).toBe(1);
      vi.advanceTimersByTime(50);
      expect(frames).toBe(2);
      t.cancel();
    } finally {
      vi.useRealTimers();
    }
  });
});
