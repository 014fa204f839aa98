/**
 * Turns running counter totals (what Prometheus counters or the router expose) into the per-interval
 * increments the judge consumes.
 */
import type { JudgeBatch } from './judge.js';

export interface ArmTotals {
  readonly requests: number;
  readonly errors: number;
}

export interface JudgeTotals {
  readonly canary: ArmTotals;
  readonly stable: ArmTotals;
}

/** Increase of a counter; a drop means the counter restarted from 0 (as Prometheus' increase() assumes). */
function increase(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

function armIncrement(previous: ArmTotals | undefined, current: ArmTotals): { requests: number; errors: number } {
  const requests = increase(previous?.requests ?? 0, current.requests);
  const errors = increase(previous?.errors ?? 0, current.errors);
  // Two counters read a moment apart can disagree by a request or two; an interval cannot fail more requests
  // than it served, so the excess is dropped (the next interval starts again from the raw totals).
  return { requests, errors: Math.min(errors, requests) };
}

/** The batch between two readings of the totals; `previous` null means the counters started at 0. */
export function batchFromTotals(previous: JudgeTotals | null, current: JudgeTotals): JudgeBatch {
  return {
    canary: armIncrement(previous?.canary, current.canary),
    stable: armIncrement(previous?.stable, current.stable),
  };
}

/** Running totals after adding one batch (the inverse of `batchFromTotals`, e.g. to emulate counters). */
export function addToTotals(previous: JudgeTotals | null, batch: JudgeBatch): JudgeTotals {
  const add = (t: ArmTotals | undefined, b: ArmTotals): ArmTotals => ({
    requests: (t?.requests ?? 0) + b.requests,
    errors: (t?.errors ?? 0) + b.errors,
  });
  return { canary: add(previous?.canary, batch.canary), stable: add(previous?.stable, batch.stable) };
}
