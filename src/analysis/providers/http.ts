import { Agent, fetch, type Response } from 'undici';
import { describeFetchError } from './measurement.js';

/**
 * One HTTP request with a hard timeout (AbortSignal.timeout, joined with the caller's signal) and optional TLS
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
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal === undefined ? timeout : AbortSignal.any([timeout, req.signal]);
  try {
    const init: Parameters<typeof fetch>[1] = { method: req.method, signal, redirect: 'follow' };
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
    return { ok: false, cause: describeFetchError(timeout.aborted ? timeout.reason : err, req.timeoutMs) };
  }
}

export function headerRecord(headers: readonly { key: string; value: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of headers ?? []) out[h.key] = h.value;
  return out;
}
