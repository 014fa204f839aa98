import { describe, expect, it } from 'vitest';
import { buildPodStatus, podPhase } from './pod-status.js';
import type { ContainerStatus } from './pod-types.js';

function container(name: string, ready: boolean, state: ContainerStatus['state']): ContainerStatus {
  return { name, image: 'i', imageID: '', ready, restartCount: 0, state, lastState: {} };
}
const running = { running: { startedAt: '2026-01-01T00:00:00Z' } };
const exited = (exitCode: number) => ({ terminated: { exitCode } });

describe('podPhase', () => {
  it.each([
    { started: [false], finished: [false], states: [{ waiting: { reason: 'ImageNotMapped' } }], phase: 'Pending' },
    { started: [true, false], finished: [false, false], states: [running, {}], phase: 'Pending' },
    { started: [true], finished: [false], states: [running], phase: 'Running' },
    { started: [true], finished: [false], states: [{ waiting: { reason: 'CrashLoopBackOff' } }], phase: 'Running' },
    { started: [true, true], finished: [true, false], states: [exited(0), running], phase: 'Running' },
    { started: [true, true], finished: [true, true], states: [exited(0), exited(0)], phase: 'Succeeded' },
    { started: [true, true], finished: [true, true], states: [exited(0), exited(2)], phase: 'Failed' },
  ])('$phase for started $started finished $finished', ({ started, finished, states, phase }) => {
    const containers = states.map((state, i) => container(`c${i}`, false, state));
    expect(podPhase({ containers, started, finished })).toBe(phase);
  });
});

describe('buildPodStatus', () => {
  const base = {
    podIP: '127.1.0.4',
    startTime: '2026-01-01T00:00:00Z',
    started: [true, true],
    finished: [false, false],
    readySince: '2026-01-01T00:00:05Z',
    containersReadySince: '2026-01-01T00:00:05Z',
    scheduledAt: '2026-01-01T00:00:00Z',
  };

  it('is Ready only when every container is ready, naming the unready ones', () => {
    const status = buildPodStatus({
      ...base,
      containers: [container('a', true, running), container('b', false, running)],
    });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toEqual({
      type: 'Ready',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: '2026-01-01T00:00:05Z',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [b]',
    });
    const ready = buildPodStatus({
      ...base,
      containers: [container('a', true, running), container('b', true, running)],
    });
    expect(ready).toMatchObject({
      phase: 'Running',
      podIP: '127.1.0.4',
      podIPs: [{ ip: '127.1.0.4' }],
      hostIP: '127.0.0.1',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Initialized', status: 'True' },
        { type: 'ContainersReady', status: 'True' },
        { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z' },
      ],
    });
  });
});
