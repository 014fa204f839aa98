import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { evaluateIteration, seedChecks, type CheckExpectations, type HttpResult } from './checks.js';
import type { LoadProgress } from './progress.js';
import {
  SEED_PROFILE,
  arrivalTimes,
  profileDurationMs,
  rateAt,
  validateProfile,
  type LoadProfile,
} from './schedule.js';
import { LoadStats } from './stats.js';
import { buildSummary, type LoadSummary } from './summary.js';
import { SEED_HEADERS, resolveTarget } from './target.js';
import { SEED_THRESHOLDS, parseThreshold, type Threshold } from './thresholds.js';
import { KanaryError } from '../common/index.js';

export interface LoadOptions {
  /** The full URL requested by every iteration, e.g. http://127.0.0.1:8080/success. */
  readonly url: string;
  /** Request headers; default the seed's (`Host: sample.app`, `Content-Type: application/json`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Arrival-rate profile; default the seed's 1 → 20 it/s over 40 s, → 0 over 20 s. */
  readonly profile?: LoadProfile;
  /** Most requests in flight at once (k6's maxVUs); an arrival finding all busy is dropped. Default 20. */
  readonly maxVUs?: number;
  /** k6-style thresholds (`checks=rate>0.9`) or parsed ones; default the seed's four. */
  readonly thresholds?: readonly (string | Threshold)[];
  readonly expect?: CheckExpectations;
  /** Per-request limit for connecting, and for the headers and then the body to arrive. Default 10 s. */
  readonly timeoutMs?: number;
}

export interface LoadControl {
  /** Aborting stops new arrivals, abandons requests in flight (not counted) and resolves with the summary so far. */
  readonly signal?: AbortSignal;
  /**
   * Called once per second while running, and once more (`final: true`) after the last request finished.
   * It runs on a timer: it must not throw.
   */
  readonly onProgress?: (progress: LoadProgress) => void;
}

export const DEFAULT_MAX_VUS = 20;
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Runs an open-model load test: iterations start on the profile's arrival schedule whatever the responses do,
 * each one GET request checked with the seed's checks. Resolves with the summary; never rejects because
 * requests fail (those are measured), only for invalid options.
 */
export async function runLoad(options: LoadOptions, control: LoadControl = {}): Promise<LoadSummary> {
  const { url, headers, profile, maxVUs, timeoutMs, thresholds } = resolveOptions(options);
  const checks = seedChecks(options.expect);
  const totalMs = profileDurationMs(profile);
  const stats = new LoadStats();
  const agent = new Agent({
    connections: maxVUs,
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const abandon = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const signal = control.signal;
  const onAbort = (): void => abandon.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted === true) abandon.abort();

  const t0 = performance.now();
  const elapsed = (): number => performance.now() - t0;
  let second = 0;
  const report = (final: boolean): void => {
    if (control.onProgress === undefined) return;
    second++;
    const at = elapsed();
    const checkTotals = stats.checkTotals();
    control.onProgress({
      second,
      elapsedMs: at,
      totalMs,
      targetRate: rateAt(profile, at),
      inFlight: inFlight.size,
      maxVUs,
      window: stats.takeWindow(),
      totals: {
        completed: stats.iterations,
        failed: stats.failedRequests,
        dropped: stats.dropped,
        checks: checkTotals,
        deployments: { ...stats.deployments },
      },
      final,
    });
  };
  const ticker = setInterval(() => report(false), 1_000);

  const fire = (): void => {
    stats.recordStarted();
    const job = oneRequest(url, headers, agent, abandon.signal).then((r) => {
      if (r !== undefined) stats.record(r.result, r.durationMs, evaluateIteration(r.result, checks));
    });
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  };

  try {
    const arrivals = arrivalTimes(profile);
    let next = arrivals.next();
    while (!next.done && !abandon.signal.aborted) {
      const now = elapsed();
      while (!next.done && next.value <= now) {
        if (inFlight.size < maxVUs) fire();
        else stats.recordDropped();
        next = arrivals.next();
      }
      if (!next.done) {
        await sleep(Math.max(0, next.value - elapsed()), undefined, { signal: abandon.signal }).catch(() => undefined);
      }
    }
    // Like k6, the run lasts the whole profile even when its tail asks for no arrivals.
    const untilEnd = sleep(Math.max(0, totalMs - elapsed()), undefined, { signal: abandon.signal }).catch(
      () => undefined,
    );
    await Promise.all([...inFlight, untilEnd]);
  } finally {
    clearInterval(ticker);
    signal?.removeEventListener('abort', onAbort);
    await agent.destroy().catch(() => undefined);
  }
  const testRunDurationMs = elapsed();
  report(true);
  return buildSummary(stats, thresholds, {
    url,
    headers,
    profile,
    maxVUs,
    timeoutMs,
    testRunDurationMs,
    aborted: signal?.aborted ?? false,
  });
}

interface ResolvedOptions {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly profile: LoadProfile;
  readonly maxVUs: number;
  readonly timeoutMs: number;
  readonly thresholds: readonly Threshold[];
}

/** Fills in the seed's defaults and validates, so a bad option fails before any request is sent. */
function resolveOptions(options: LoadOptions): ResolvedOptions {
  const maxVUs = options.maxVUs ?? DEFAULT_MAX_VUS;
  if (!Number.isInteger(maxVUs) || maxVUs < 1) {
    throw new KanaryError('BAD_USAGE', `max VUs ${maxVUs} must be a whole number ≥ 1, like 20`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new KanaryError('BAD_USAGE', `request timeout ${timeoutMs} ms must be > 0, like 10000`);
  }
  return {
    url: resolveTarget(options.url),
    headers: { ...(options.headers ?? SEED_HEADERS) },
    profile: validateProfile(options.profile ?? SEED_PROFILE),
    maxVUs,
    timeoutMs,
    thresholds: (options.thresholds ?? SEED_THRESHOLDS).map((t) => (typeof t === 'string' ? parseThreshold(t) : t)),
  };
}

/** One iteration's request; undefined when it was abandoned by the caller's abort (k6 does not count those). */
async function oneRequest(
  url: string,
  headers: Record<string, string>,
  agent: Agent,
  abandon: AbortSignal,
): Promise<{ result: HttpResult; durationMs: number } | undefined> {
  const start = performance.now();
  try {
    const res = await request(url, { method: 'GET', headers, dispatcher: agent, signal: abandon });
    const body = await res.body.text();
    return { result: { status: res.statusCode, body }, durationMs: performance.now() - start };
  } catch (err) {
    if (abandon.aborted) return undefined;
    const error = err instanceof Error ? err.message : String(err);
    return { result: { status: 0, body: '', error }, durationMs: performance.now() - start };
  }
}
