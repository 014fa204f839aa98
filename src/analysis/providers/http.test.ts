import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from './http.js';

/**
 * How many composite signals Node tracks for `signal` (AbortSignal.any's internal set; 0 when it has none). Each
 * one a request leaves behind is memory held for as long as the caller's signal lives.
 */
function dependantsOf(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals');
  const set = key === undefined ? undefined : (signal as unknown as Record<symbol, Set<unknown> | undefined>)[key];
  return set?.size ?? 0;
}

describe('httpRequest', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('leaves no listener on the caller’s signal, however many requests share it', async () => {
    const caller = new AbortController();
    for (let i = 0; i < 25; i++) {
      const outcome = await httpRequest({ url: `${base}/`, method: 'GET', timeoutMs: 2000, signal: caller.signal });
      expect(outcome).toMatchObject({ ok: true, status: 200, body: 'ok' });
    }
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    expect(dependantsOf(caller.signal)).toBe(0);
  });

  it('cuts a silent server at the timeout and says so', async () => {
    const outcome = await httpRequest({ url: `${base}/slow`, method: 'GET', timeoutMs: 200 });
    expect(outcome).toEqual({ ok: false, cause: 'timed out after 0.2s' });
  });

  it('stops when the caller aborts, and does not call that a timeout', async () => {
    const caller = new AbortController();
    const pending = httpRequest({ url: `${base}/slow`, method: 'GET', timeoutMs: 5000, signal: caller.signal });
    setTimeout(() => caller.abort(new Error('run terminated')), 50);
    const outcome = await pending;
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.cause).not.toContain('timed out');
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('does not start a request for a caller that has already aborted', async () => {
    const caller = new AbortController();
    caller.abort(new Error('already stopped'));
    const outcome = await httpRequest({ url: `${base}/`, method: 'GET', timeoutMs: 2000, signal: caller.signal });
    expect(outcome.ok).toBe(false);
  });
});
