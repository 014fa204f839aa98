import type { Deployment } from './checks.js';
import { formatDuration } from './duration.js';
import type { WindowCounts } from './stats.js';

/** What runLoad reports once per second while it runs (and once more at the end). */
export interface LoadProgress {
  /** 1-based index of the window just closed. */
  readonly second: number;
  readonly elapsedMs: number;
  readonly totalMs: number;
  /** The profile's arrival rate at `elapsedMs`, in iterations per second. */
  readonly targetRate: number;
  readonly inFlight: number;
  readonly maxVUs: number;
  /** Counts within this window only (completions are attributed to the window they finished in). */
  readonly window: WindowCounts;
  readonly totals: {
    readonly completed: number;
    readonly failed: number;
    readonly dropped: number;
    readonly checks: { readonly passes: number; readonly fails: number };
    readonly deployments: Readonly<Record<Deployment, number>>;
  };
  /** True for the report sent after the last request finished. */
  readonly final: boolean;
}

/** One progress line, e.g. for a TTY status line or an occasional log line. */
export function formatProgress(p: LoadProgress, barWidth = 20): string {
  const fraction = p.totalMs === 0 ? 1 : Math.min(1, p.elapsedMs / p.totalMs);
  const filled = Math.round(fraction * barWidth);
  const bar =
    '='.repeat(Math.max(0, filled - 1)) +
    (filled > 0 ? (fraction >= 1 ? '=' : '>') : '') +
    '-'.repeat(barWidth - filled);
  const t = p.totals;
  const named = t.deployments.stable + t.deployments.canary;
  const canaryShare = named === 0 ? '-' : `${((100 * t.deployments.canary) / named).toFixed(1)}%`;
  return [
    `load [${bar}] ${formatDuration(roundSeconds(p.elapsedMs))}/${formatDuration(roundSeconds(p.totalMs))}`,
    `${p.targetRate.toFixed(1)} it/s`,
    `${p.inFlight}/${p.maxVUs} in flight`,
    `${t.completed} done`,
    `${t.failed} failed`,
    ...(t.dropped > 0 ? [`${t.dropped} dropped`] : []),
    `stable ${t.deployments.stable} canary ${t.deployments.canary} (canary ${canaryShare})`,
  ].join('  ');
}

function roundSeconds(ms: number): number {
  return Math.round(ms / 1_000) * 1_000;
}
