/**
 * The dashboard's side of the HTTP API: reads need nothing, writes carry the bearer token. The token arrives once
 * in the URL fragment (`#token=...`, printed by `kanary dashboard`; fragments never reach the server or its logs),
 * is kept in localStorage and removed from the address bar.
 */
const TOKEN_KEY = 'kanary.token';

export function adoptTokenFromUrl(): void {
  const hash = window.location.hash;
  const m = /(?:^#|&)token=([^&]+)/.exec(hash);
  if (m?.[1] === undefined) return;
  localStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
}

export function token(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string): void {
  localStorage.setItem(TOKEN_KEY, value);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new ApiError(res.status, await errorText(res));
  return (await res.json()) as T;
}

export type Operation = 'promote' | 'abort' | 'retry' | 'restart' | 'undo' | 'pause' | 'resume';

/** Runs a rollout operation; the controller acts on it and the change arrives over the event stream. */
export async function operate(ns: string, name: string, op: Operation, body: unknown = {}): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const t = token();
  if (t !== null) headers.authorization = `Bearer ${t}`;
  const res = await fetch(`/api/v1/namespaces/${encodeURIComponent(ns)}/rollouts/${encodeURIComponent(name)}/${op}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new ApiError(res.status, await errorText(res));
}

async function errorText(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const e = JSON.parse(text) as { message?: string };
    if (typeof e.message === 'string') return e.message;
  } catch {
    // not JSON: fall through to the status line
  }
  if (res.status === 401) return 'Permission denied: open the link `kanary dashboard` prints to sign in';
  return `HTTP ${res.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`;
}

export interface TrafficSide {
  rps: number;
  errorRate: number;
  /** Null when the window saw no requests. */
  p99Ms: number | null;
}

export interface Traffic {
  window: string;
  canary: TrafficSide | null;
  stable: TrafficSide | null;
}

/** The router's live numbers for a rollout; null when the server has none (404 or an empty answer). */
export async function getTraffic(ns: string, name: string): Promise<Traffic | null> {
  const res = await fetch(`/api/v1/namespaces/${encodeURIComponent(ns)}/rollouts/${encodeURIComponent(name)}/traffic`, {
    headers: { accept: 'application/json' },
  });
  if (!res.ok) return null;
  const data = (await res.json().catch(() => null)) as Traffic | null;
  if (data === null || (data.canary === null && data.stable === null)) return null;
  return data;
}
