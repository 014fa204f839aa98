import { Agent, fetch, type Response } from 'undici';
import { describeFetchError } from './measurement.js';

/**
 * One HTTP request with a hard timeout (joined with the caller's signal) and optional TLS
 * verification off (`insecure`). Failures come back as words, never as throws.
 */

export interface HttpRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  insecure?: boolean;
  signal?: AbortSignal;
}

export type HttpOutcome = { ok: true; status: number; statusText: string; body: string } | { ok: false; cause: string };

let insecureAgent: Agent | undefined;

export async function httpRequest(req: HttpRequest): Promise<HttpOutcome> {
  // One controller per request, joined to the caller's signal by a listener removed when the request ends. Not
  // AbortSignal.any: the caller's signal lives as long as the run (or the CLI), and Node keeps every composite
  // built from a long-lived signal in that signal's dependants, never freed once fetch listens on it
  // (nodejs/node#55351), so a metric measured every second would grow memory for the whole run.
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException(`The operation timed out after ${req.timeoutMs} ms`, 'TimeoutError'));
  }, req.timeoutMs);
  const cancel = (): void => {
    controller.abort(req.signal?.reason);
  };
  if (req.signal?.aborted === true) cancel();
  else req.signal?.addEventListener('abort', cancel, { once: true });
  try {
    const init: Parameters<typeof fetch>[1] = { method: req.method, signal: controller.signal, redirect: 'follow' };
    if (req.headers !== undefined) init.headers = req.headers;
    if (req.body !== undefined) init.body = req.body;
    if (req.insecure === true) {
      insecureAgent ??= new Agent({ connect: { rejectUnauthorized: false } });
      init.dispatcher = insecureAgent;
    }
    const res: Response = await fetch(req.url, init);
    const body = await res.text();
    return { ok: true, status: res.status, statusText: res.statusText, body };
  } catch (err) {
    const reason: unknown = controller.signal.reason;
    const timedOut = reason instanceof DOMException && reason.name === 'TimeoutError';
    return { ok: false, cause: describeFetchError(timedOut ? reason : err, req.timeoutMs) };
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', cancel);
  }
}

export function headerRecord(headers: readonly { key: string; value: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of headers ?? []) out[h.key] = h.value;
  return out;
}
