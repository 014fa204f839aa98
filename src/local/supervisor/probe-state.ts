/**
 * The decisions of kubelet's probe workers for one container, as a pure state machine: which probes are due
 * when, what a result does to the container (started, ready, killed), and nothing else. No clock reads and no
 * I/O: the container runner passes the time in (milliseconds on any monotonic clock), runs the probes and
 * carries out the effects.
 *
 * Semantics (kubelet's prober workers):
 * - A startup probe, when declared, is the only probe that runs until it succeeds once. Until then the container
 *   is neither started nor ready. Once it has succeeded it never runs again for this process.
 *   `failureThreshold` consecutive failures kill the container.
 * - Liveness and readiness start when the container has started; their `initialDelaySeconds` counts from the
 *   process start, as kubelet's does, so a delay that has already passed does not delay them again.
 * - Liveness: `failureThreshold` consecutive failures kill the container. Successes change nothing.
 * - Readiness: `successThreshold` consecutive successes make the container ready, `failureThreshold`
 *   consecutive failures make it unready. It starts unready (or as it was, for a re-adopted process).
 * - After a kill no probe runs again for this process: the next process starts from a fresh state.
 * - `successThreshold` must be 1 for liveness and startup probes (the Kubernetes API rejects anything else);
 *   here another value is read as 1.
 */
import type { Probe } from './pod-types.js';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

export const PROBE_KINDS: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];

/** One probe's schedule and thresholds, in milliseconds, with Kubernetes' defaults filled in. */
export interface ProbeSettings {
  probe: Probe;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/** The probes of one container. `readiness` may be the implicit port check of a container without a probe. */
export type HealthPlan = Partial<Record<ProbeKind, ProbeSettings>>;

/** The consecutive-result counter of one probe (kubelet's `lastResult` and `resultRun`). */
export interface ProbeRun {
  last: boolean | undefined;
  count: number;
}

export interface HealthState {
  /** When the process started (ms); initial delays count from here. */
  startedAt: number;
  /** The startup probe has succeeded, or there is none. */
  started: boolean;
  ready: boolean;
  /** A probe killed the container; nothing runs any more. */
  killed: boolean;
  runs: Partial<Record<ProbeKind, ProbeRun>>;
  /** When each active probe runs next (ms). A probe absent here is not scheduled (gated, in flight, or done). */
  dueAt: Partial<Record<ProbeKind, number>>;
}

export type HealthEffect =
  | { type: 'started' }
  | { type: 'ready'; ready: boolean }
  | { type: 'kill'; probe: 'liveness' | 'startup'; message: string };

export interface ProbeOutcome {
  ok: boolean;
  message?: string;
}

/** Kubernetes' defaults: period 10 s, timeout 1 s, success 1 (always 1 for liveness/startup), failure 3, delay 0. */
export function probeSettings(probe: Probe, kind: ProbeKind, periodMs?: number): ProbeSettings {
  const successThreshold = kind === 'readiness' ? atLeastOne(probe.successThreshold, 1) : 1;
  return {
    probe,
    initialDelayMs: Math.max(0, probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: periodMs ?? atLeastOne(probe.periodSeconds, 10) * 1000,
    timeoutMs: atLeastOne(probe.timeoutSeconds, 1) * 1000,
    successThreshold,
    failureThreshold: atLeastOne(probe.failureThreshold, 3),
  };
}

function atLeastOne(value: number | undefined, fallback: number): number {
  return value === undefined || value < 1 ? fallback : value;
}

/**
 * The state of a process that has just started (`adopted` false), or of a running process a new supervisor
 * takes over, which keeps the readiness and started flags it was last reported with.
 */
export function startHealth(
  plan: HealthPlan,
  startedAt: number,
  now: number,
  adopted?: { started: boolean; ready: boolean },
): HealthState {
  const started = plan.startup === undefined || adopted?.started === true || adopted?.ready === true;
  const ready = started && (plan.readiness === undefined || adopted?.ready === true);
  const state: HealthState = { startedAt, started, ready, killed: false, runs: {}, dueAt: {} };
  if (ready && plan.readiness !== undefined)
    state.runs.readiness = { last: true, count: plan.readiness.successThreshold };
  const kinds: ProbeKind[] = started ? ['liveness', 'readiness'] : ['startup'];
  for (const kind of kinds) schedule(plan, state, kind, now);
  return state;
}

function schedule(plan: HealthPlan, state: HealthState, kind: ProbeKind, now: number): void {
  const settings = plan[kind];
  if (settings !== undefined) state.dueAt[kind] = Math.max(now, state.startedAt + settings.initialDelayMs);
}

/** The probes due at `now`, taken off the schedule (in flight) until their result is recorded. */
export function takeDue(state: HealthState, now: number): { state: HealthState; due: ProbeKind[] } {
  const due = PROBE_KINDS.filter((kind) => (state.dueAt[kind] ?? Infinity) <= now);
  if (due.length === 0) return { state, due };
  const dueAt: HealthState['dueAt'] = {};
  for (const kind of PROBE_KINDS) {
    const at = state.dueAt[kind];
    if (at !== undefined && !due.includes(kind)) dueAt[kind] = at;
  }
  return { state: { ...state, dueAt }, due };
}

/** When the next probe is due, or undefined when none is scheduled. */
export function nextDue(state: HealthState): number | undefined {
  const times = PROBE_KINDS.flatMap((kind) => {
    const at = state.dueAt[kind];
    return at === undefined ? [] : [at];
  });
  return times.length === 0 ? undefined : Math.min(...times);
}

/** Applies one probe result that finished at `now`: the new state and what the runner must do. */
export function recordResult(
  plan: HealthPlan,
  previous: HealthState,
  kind: ProbeKind,
  outcome: ProbeOutcome,
  now: number,
): { state: HealthState; effects: HealthEffect[] } {
  const settings = plan[kind];
  if (settings === undefined || previous.killed) return { state: previous, effects: [] };
  const state: HealthState = { ...previous, runs: { ...previous.runs }, dueAt: { ...previous.dueAt } };
  const before = state.runs[kind];
  const run: ProbeRun =
    before?.last === outcome.ok ? { last: outcome.ok, count: before.count + 1 } : { last: outcome.ok, count: 1 };
  state.runs[kind] = run;
  const effects: HealthEffect[] = [];
  const reached = run.count >= (outcome.ok ? settings.successThreshold : settings.failureThreshold);

  if (kind === 'readiness') {
    if (reached && state.ready !== outcome.ok) {
      state.ready = outcome.ok;
      effects.push({ type: 'ready', ready: outcome.ok });
    }
  } else if (!outcome.ok && reached) {
    state.killed = true;
    if (state.ready) effects.push({ type: 'ready', ready: false });
    state.ready = false;
    state.dueAt = {};
    effects.push({ type: 'kill', probe: kind, message: failureMessage(kind, outcome.message) });
    return { state, effects };
  } else if (kind === 'startup' && outcome.ok) {
    state.started = true;
    effects.push({ type: 'started' });
    if (plan.readiness === undefined) {
      state.ready = true;
      effects.push({ type: 'ready', ready: true });
    }
    schedule(plan, state, 'liveness', now);
    schedule(plan, state, 'readiness', now);
    return { state, effects };
  }
  state.dueAt[kind] = now + settings.periodMs;
  return { state, effects };
}

/** kubelet's event text for a failed probe: "Liveness probe failed: <output>". */
export function failureMessage(kind: ProbeKind, detail: string | undefined): string {
  const name = `${kind[0]?.toUpperCase() ?? ''}${kind.slice(1)}`;
  return detail === undefined || detail === '' ? `${name} probe failed` : `${name} probe failed: ${detail}`;
}
