import type { PassFail, LoadStats } from './stats.js';
import { computeMetrics, type LoadMetrics } from './metrics.js';
import { evaluateThreshold, type Threshold, type ThresholdResult } from './thresholds.js';
import type { LoadProfile } from './schedule.js';

/** The end-of-test report: k6's summary content, in one JSON-friendly object. */
export interface LoadSummary {
  readonly target: { readonly url: string; readonly headers: Readonly<Record<string, string>> };
  readonly options: { readonly profile: LoadProfile; readonly maxVUs: number; readonly timeoutMs: number };
  readonly state: {
    readonly testRunDurationMs: number;
    /** Stopped early by the caller's abort signal. */
    readonly aborted: boolean;
  };
  readonly checks: readonly (PassFail & { readonly name: string })[];
  readonly metrics: LoadMetrics;
  /** Responses naming each track, and its share among those naming either. */
  readonly deployments: {
    readonly stable: { readonly count: number; readonly share: number };
    readonly canary: { readonly count: number; readonly share: number };
  };
  /** Why requests got no response (connection refused, timeout), most frequent first, at most 5. */
  readonly errors: readonly { readonly message: string; readonly count: number }[];
  readonly thresholds: readonly ThresholdResult[];
  /** False when any threshold failed; the CLI then exits 99, as k6 does. */
  readonly thresholdsPassed: boolean;
}

export interface SummaryContext {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly profile: LoadProfile;
  readonly maxVUs: number;
  readonly timeoutMs: number;
  readonly testRunDurationMs: number;
  readonly aborted: boolean;
}

export function buildSummary(stats: LoadStats, thresholds: readonly Threshold[], ctx: SummaryContext): LoadSummary {
  const metrics = computeMetrics(stats, ctx.testRunDurationMs);
  const results = thresholds.map((t) => evaluateThreshold(t, metrics, stats.durations));
  const { stable, canary } = stats.deployments;
  const named = stable + canary;
  return {
    target: { url: ctx.url, headers: { ...ctx.headers } },
    options: { profile: ctx.profile, maxVUs: ctx.maxVUs, timeoutMs: ctx.timeoutMs },
    state: { testRunDurationMs: ctx.testRunDurationMs, aborted: ctx.aborted },
    checks: [...stats.checks].map(([name, pf]) => ({ name, passes: pf.passes, fails: pf.fails })),
    metrics,
    deployments: {
      stable: { count: stable, share: named === 0 ? 0 : stable / named },
      canary: { count: canary, share: named === 0 ? 0 : canary / named },
    },
    errors: [...stats.errors]
      .map(([message, count]) => ({ message, count }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 5),
    thresholds: results,
    thresholdsPassed: results.every((r) => r.ok),
  };
}
