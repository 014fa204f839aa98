import type { AnalysisRun } from '../../api/index.js';
import { isCompleted } from './phases.js';

/**
 * `spec.ttlStrategy` (Argo v1.7): when a completed run is due for deletion, in ms since the epoch; undefined when it
 * is not completed or has no TTL that applies. `secondsAfterSuccess` applies to Successful runs and
 * `secondsAfterFailure` to Failed ones, each falling back to `secondsAfterCompletion`.
 */
export function ttlExpiry(run: AnalysisRun): number | undefined {
  const ttl = run.spec.ttlStrategy;
  const phase = run.status?.phase;
  const completedAt = Date.parse(run.status?.completedAt ?? '');
  if (ttl === undefined || !isCompleted(phase) || Number.isNaN(completedAt)) return undefined;
  let seconds = ttl.secondsAfterCompletion;
  if (phase === 'Successful' && ttl.secondsAfterSuccess !== undefined) seconds = ttl.secondsAfterSuccess;
  if (phase === 'Failed' && ttl.secondsAfterFailure !== undefined) seconds = ttl.secondsAfterFailure;
  return seconds === undefined ? undefined : completedAt + seconds * 1000;
}
