import type { Deployment, HttpResult, IterationOutcome } from './checks.js';
import { Trend } from './trend.js';

export interface PassFail {
  passes: number;
  fails: number;
}

/** Counts over one progress window (normally one second). */
export interface WindowCounts {
  started: number;
  completed: number;
  /** Completed requests that k6 would count in http_req_failed: no response, or a status outside 200..399. */
  failed: number;
  dropped: number;
  checks: PassFail;
  deployments: Record<Deployment, number>;
}

/**
 * Everything a load run measures, fed one finished iteration at a time. Pure: callers pass durations in and read
 * aggregates out; no clock, no I/O.
 */
export class LoadStats {
  readonly durations = new Trend();
  /** Per check name, in the order the checks were first seen (the order they are declared in). */
  readonly checks = new Map<string, PassFail>();
  requests = 0;
  failedRequests = 0;
  iterations = 0;
  interrupted = 0;
  dropped = 0;
  readonly deployments: Record<Deployment, number> = { stable: 0, canary: 0 };
  /** Why requests got no response, by message. */
  readonly errors = new Map<string, number>();
  private window: WindowCounts = emptyWindow();

  recordStarted(): void {
    this.window.started++;
  }

  recordDropped(): void {
    this.dropped++;
    this.window.dropped++;
  }

  record(result: HttpResult, durationMs: number, outcome: IterationOutcome): void {
    this.requests++;
    this.iterations++;
    this.window.completed++;
    // A request that got no response has no meaningful duration: keep it out of the trend.
    if (result.status !== 0) this.durations.add(durationMs);
    else this.errors.set(result.error ?? 'no response', (this.errors.get(result.error ?? 'no response') ?? 0) + 1);
    if (isFailedRequest(result.status)) {
      this.failedRequests++;
      this.window.failed++;
    }
    for (const check of outcome.checks) {
      const totals = this.checks.get(check.name) ?? { passes: 0, fails: 0 };
      if (check.ok) {
        totals.passes++;
        this.window.checks.passes++;
      } else {
        totals.fails++;
        this.window.checks.fails++;
      }
      this.checks.set(check.name, totals);
    }
    if (outcome.interrupted) this.interrupted++;
    if (outcome.deployment !== undefined) {
      this.deployments[outcome.deployment]++;
      this.window.deployments[outcome.deployment]++;
    }
  }

  /** Sum over all checks: the k6 `checks` rate metric. */
  checkTotals(): PassFail {
    let passes = 0;
    let fails = 0;
    for (const c of this.checks.values()) {
      passes += c.passes;
      fails += c.fails;
    }
    return { passes, fails };
  }

  /** Returns the counts since the previous call and starts a new window. */
  takeWindow(): WindowCounts {
    const w = this.window;
    this.window = emptyWindow();
    return w;
  }
}

/** k6's default expected statuses are 200..399; anything else, or no response, is a failed request. */
export function isFailedRequest(status: number): boolean {
  return status < 200 || status >= 400;
}

function emptyWindow(): WindowCounts {
  return {
    started: 0,
    completed: 0,
    failed: 0,
    dropped: 0,
    checks: { passes: 0, fails: 0 },
    deployments: { stable: 0, canary: 0 },
  };
}
