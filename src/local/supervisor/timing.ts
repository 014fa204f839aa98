/** The supervisor's clocks and periods, all overridable (tests shorten them). */
export interface SupervisorTiming {
  /** First restart delay after a crash; doubles per crash (kubelet's CrashLoopBackOff, with a shorter base). */
  backoffInitialMs: number;
  /** Cap of the restart delay. */
  backoffMaxMs: number;
  /** A container that ran this long before exiting restarts with the initial delay again. */
  backoffResetMs: number;
  /** How often a re-adopted process (not our child, so no exit event) is checked for liveness. */
  processPollMs: number;
  /** Period of the implicit readiness check (first containerPort accepting TCP) of containers without a probe. */
  portProbePeriodMs: number;
  /** How often log files are checked against the size cap. */
  logRotateCheckMs: number;
}

export const DEFAULT_TIMING: SupervisorTiming = {
  backoffInitialMs: 500,
  backoffMaxMs: 10_000,
  backoffResetMs: 60_000,
  processPollMs: 500,
  portProbePeriodMs: 500,
  logRotateCheckMs: 5_000,
};

/** The next restart delay: initial first, then doubling up to the cap. */
export function nextBackoff(previous: number | undefined, timing: SupervisorTiming): number {
  if (previous === undefined) return timing.backoffInitialMs;
  return Math.min(timing.backoffMaxMs, previous * 2);
}

/** Kubernetes' timestamps: RFC 3339, whole seconds, UTC. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
