import { describe, expect, it } from 'vitest';
import type { Probe } from './pod-types.js';
import {
  failureMessage,
  nextDue,
  probeSettings,
  recordResult,
  startHealth,
  takeDue,
  type HealthPlan,
  type ProbeKind,
} from './probe-state.js';

const tcp: Probe = { tcpSocket: { port: 8080 } };

function plan(probes: Partial<Record<ProbeKind, Probe>>): HealthPlan {
  const out: HealthPlan = {};
  for (const [kind, probe] of Object.entries(probes) as [ProbeKind, Probe][]) {
    out[kind] = probeSettings({ ...tcp, ...probe }, kind);
  }
  return out;
}

type Answer = (t: number) => boolean;

/**
 * Drives the state machine with a virtual clock: each due probe answers `answers[kind](t)` (seconds since the
 * start) and takes `latencyMs`. Returns what happened, as `seconds:event` strings, until a kill or `untilS`.
 */
function simulate(
  p: HealthPlan,
  answers: Partial<Record<ProbeKind, Answer>>,
  untilS: number,
  options: { latencyMs?: number; adopted?: { started: boolean; ready: boolean } } = {},
): { events: string[]; probes: string[]; ready: boolean; started: boolean; killed: boolean } {
  const latency = options.latencyMs ?? 0;
  let state = startHealth(p, 0, 0, options.adopted);
  const events: string[] = [];
  const probes: string[] = [];
  for (;;) {
    const at = nextDue(state);
    if (at === undefined || at > untilS * 1000) break;
    const taken = takeDue(state, at);
    state = taken.state;
    expect(nextDue(state) ?? Infinity).toBeGreaterThan(at); // in flight: not due again until recorded
    for (const kind of taken.due) {
      const ok = answers[kind]?.(at / 1000) ?? true;
      probes.push(`${at / 1000}:${kind}:${ok ? 'ok' : 'fail'}`);
      const done = at + latency;
      const result = recordResult(p, state, kind, ok ? { ok } : { ok, message: `${kind} down` }, done);
      state = result.state;
      for (const effect of result.effects) {
        const what = effect.type === 'ready' ? `ready=${effect.ready}` : effect.type;
        events.push(`${done / 1000}:${what}${effect.type === 'kill' ? `:${effect.probe}:${effect.message}` : ''}`);
      }
    }
  }
  return { events, probes, ready: state.ready, started: state.started, killed: state.killed };
}

const always: Answer = () => true;
const never: Answer = () => false;
const until =
  (s: number): Answer =>
  (t) =>
    t < s;
const from =
  (s: number): Answer =>
  (t) =>
    t >= s;

describe('probeSettings', () => {
  it.each([
    {
      kind: 'readiness' as const,
      probe: {},
      want: { initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1_000, successThreshold: 1, failureThreshold: 3 },
    },
    {
      kind: 'readiness' as const,
      probe: { initialDelaySeconds: 2, periodSeconds: 1, timeoutSeconds: 3, successThreshold: 2, failureThreshold: 5 },
      want: { initialDelayMs: 2_000, periodMs: 1_000, timeoutMs: 3_000, successThreshold: 2, failureThreshold: 5 },
    },
    {
      kind: 'liveness' as const,
      probe: { successThreshold: 4 },
      want: { successThreshold: 1, failureThreshold: 3, periodMs: 10_000 },
    },
    { kind: 'startup' as const, probe: { successThreshold: 2, failureThreshold: 30 }, want: { successThreshold: 1 } },
    { kind: 'readiness' as const, probe: { periodSeconds: 0, failureThreshold: 0 }, want: { periodMs: 10_000 } },
  ])('$kind $probe', ({ kind, probe, want }) => {
    expect(probeSettings({ ...tcp, ...probe }, kind)).toMatchObject(want);
  });

  it('takes an explicit period for the implicit port check', () => {
    expect(probeSettings(tcp, 'readiness', 500).periodMs).toBe(500);
  });
});

describe('health state machine', () => {
  it.each([
    {
      title: 'liveness kills after failureThreshold consecutive failures',
      probes: { liveness: { periodSeconds: 1, failureThreshold: 3 } },
      answers: { liveness: until(5) },
      // No readiness probe: ready from the start, unready as it is killed.
      events: ['7:ready=false', '7:kill:liveness:Liveness probe failed: liveness down'],
    },
    {
      title: 'liveness waits for its initial delay, counted from the process start',
      probes: { liveness: { periodSeconds: 2, initialDelaySeconds: 3, failureThreshold: 2 } },
      answers: { liveness: never },
      events: ['5:ready=false', '5:kill:liveness:Liveness probe failed: liveness down'],
    },
    {
      title: 'failures that are not consecutive never kill',
      probes: { liveness: { periodSeconds: 1, failureThreshold: 3 } },
      answers: { liveness: (t: number) => t % 3 === 2 },
      events: [],
    },
    {
      title: 'a ready container that fails liveness turns unready as it is killed',
      probes: { liveness: { periodSeconds: 1, failureThreshold: 1 }, readiness: { periodSeconds: 1 } },
      answers: { liveness: until(3) },
      events: ['0:ready=true', '3:ready=false', '3:kill:liveness:Liveness probe failed: liveness down'],
    },
    {
      title: 'a startup probe that never passes kills within failureThreshold x periodSeconds',
      probes: { startup: { periodSeconds: 1, failureThreshold: 3 }, liveness: {}, readiness: {} },
      answers: { startup: never },
      events: ['2:kill:startup:Startup probe failed: startup down'],
    },
    {
      title: 'a slow starter within its budget starts, then liveness and readiness take over',
      probes: {
        startup: { periodSeconds: 1, failureThreshold: 5 },
        liveness: { periodSeconds: 1, failureThreshold: 2 },
        readiness: { periodSeconds: 1 },
      },
      answers: { startup: from(4), liveness: until(9) },
      events: ['4:started', '4:ready=true', '10:ready=false', '10:kill:liveness:Liveness probe failed: liveness down'],
    },
    {
      title: 'without a readiness probe a container is ready once started',
      probes: { startup: { periodSeconds: 1, failureThreshold: 5 } },
      answers: { startup: from(2) },
      events: ['2:started', '2:ready=true'],
    },
    {
      title: 'startup successThreshold is read as 1',
      probes: { startup: { periodSeconds: 1, successThreshold: 3 } },
      answers: { startup: always },
      events: ['0:started', '0:ready=true'],
    },
    {
      title: 'readiness needs successThreshold passes and failureThreshold failures, and never kills',
      probes: { readiness: { periodSeconds: 1, successThreshold: 2, failureThreshold: 2 } },
      answers: { readiness: (t: number) => t < 4 || t >= 8 },
      events: ['1:ready=true', '5:ready=false', '9:ready=true'],
    },
  ])('$title', ({ probes, answers, events }) => {
    expect(simulate(plan(probes), answers, 12).events).toEqual(events);
  });

  it('runs no liveness or readiness probe before the startup probe passes, and no startup probe after', () => {
    const run = simulate(
      plan({ startup: { periodSeconds: 1, failureThreshold: 10 }, liveness: { periodSeconds: 2 }, readiness: {} }),
      { startup: from(3) },
      6,
    );
    expect(run.probes).toEqual([
      '0:startup:fail',
      '1:startup:fail',
      '2:startup:fail',
      '3:startup:ok',
      '3:liveness:ok',
      '3:readiness:ok',
      '5:liveness:ok',
    ]);
  });

  it('starts liveness after startup at its initial delay when that has not passed yet', () => {
    const run = simulate(
      plan({ startup: { periodSeconds: 1 }, liveness: { periodSeconds: 1, initialDelaySeconds: 4 } }),
      { startup: from(1) },
      5,
    );
    expect(run.probes).toEqual(['0:startup:fail', '1:startup:ok', '4:liveness:ok', '5:liveness:ok']);
  });

  it('schedules the next probe one period after the previous one finished', () => {
    const run = simulate(plan({ liveness: { periodSeconds: 2 } }), {}, 10, { latencyMs: 500 });
    expect(run.probes).toEqual([
      '0:liveness:ok',
      '2.5:liveness:ok',
      '5:liveness:ok',
      '7.5:liveness:ok',
      '10:liveness:ok',
    ]);
  });

  it('stops every probe after a kill', () => {
    const p = plan({ liveness: { periodSeconds: 1, failureThreshold: 1 }, readiness: { periodSeconds: 1 } });
    let state = startHealth(p, 0, 0);
    state = takeDue(state, 0).state;
    state = recordResult(p, state, 'readiness', { ok: true }, 0).state;
    const killed = recordResult(p, state, 'liveness', { ok: false }, 0);
    expect(killed.state).toMatchObject({ killed: true, ready: false, dueAt: {} });
    expect(nextDue(killed.state)).toBeUndefined();
    expect(recordResult(p, killed.state, 'readiness', { ok: true }, 1).effects).toEqual([]);
  });

  it.each([
    { adopted: { started: true, ready: true }, ready: true, started: true, first: '0:liveness:ok' },
    { adopted: { started: true, ready: false }, ready: false, started: true, first: '0:liveness:ok' },
    { adopted: { started: false, ready: false }, ready: false, started: false, first: '0:startup:fail' },
  ])('a re-adopted process keeps its flags: $adopted', ({ adopted, ready, started, first }) => {
    const p = plan({ startup: { periodSeconds: 1, failureThreshold: 10 }, liveness: {}, readiness: {} });
    const state = startHealth(p, 0, 0, adopted);
    expect(state).toMatchObject({ ready, started });
    expect(simulate(p, { startup: never, readiness: () => ready }, 0, { adopted }).probes[0]).toBe(first);
  });

  it('a container with no probe at all is started and ready at once, with nothing to run', () => {
    const state = startHealth({}, 0, 0);
    expect(state).toMatchObject({ started: true, ready: true });
    expect(nextDue(state)).toBeUndefined();
  });

  it('starts a new process from its start time, not from the first probe', () => {
    const p = plan({ liveness: { initialDelaySeconds: 5 } });
    expect(nextDue(startHealth(p, 10_000, 12_000))).toBe(15_000);
    expect(nextDue(startHealth(p, 10_000, 20_000))).toBe(20_000);
  });
});

describe('failureMessage', () => {
  it.each([
    {
      kind: 'liveness' as const,
      detail: 'HTTP probe failed with statuscode: 503',
      want: 'Liveness probe failed: HTTP probe failed with statuscode: 503',
    },
    { kind: 'startup' as const, detail: undefined, want: 'Startup probe failed' },
    { kind: 'readiness' as const, detail: '', want: 'Readiness probe failed' },
  ])('$kind', ({ kind, detail, want }) => {
    expect(failureMessage(kind, detail)).toBe(want);
  });
});
