import { describe, expect, it } from 'vitest';
import type { CanaryStep } from '../api/index.js';
import { canaryReplicasAt, currentSetWeight, lastSetWeightBefore, pauseDurationMs, stepString } from './steps.js';

const seed: CanaryStep[] = [
  { setWeight: 25 },
  { pause: {} },
  { setWeight: 50 },
  { pause: { duration: '5m' } },
  { setWeight: 75 },
  { pause: { duration: 300 } },
];

describe('step arithmetic', () => {
  it.each([
    [0, 25, 0],
    [1, 25, 25],
    [2, 50, 25],
    [3, 50, 50],
    [5, 75, 75],
    [6, 100, 75],
  ])('at index %i the set weight is %i and the held weight %i', (index, set, held) => {
    expect(currentSetWeight(seed, index, 100)).toBe(set);
    expect(lastSetWeightBefore(seed, index)).toBe(held);
  });

  it.each([
    [1, 25, 1],
    [4, 25, 1],
    [4, 50, 2],
    [10, 25, 3],
    [10, 33, 4],
    [3, 100, 3],
  ])('replicas %i at weight %i give %i canary pods (ceil)', (replicas, weight, want) => {
    expect(canaryReplicasAt([{ setWeight: weight }], 0, replicas, 100)).toBe(want);
  });

  it('applies setCanaryScale until matchTrafficWeight', () => {
    const steps: CanaryStep[] = [
      { setCanaryScale: { replicas: 2 } },
      { setWeight: 80 },
      { setCanaryScale: { weight: 10 } },
      { setCanaryScale: { matchTrafficWeight: true } },
    ];
    expect([0, 1, 2, 3].map((i) => canaryReplicasAt(steps, i, 10, 100))).toEqual([2, 2, 1, 8]);
  });

  it.each([
    [{ pause: {} }, undefined],
    [{ pause: { duration: '5m' } }, 300_000],
    [{ pause: { duration: 10 } }, 10_000],
    [{ pause: { duration: '10' } }, 10_000],
  ] as [CanaryStep, number | undefined][])('pause %j lasts %s ms', (step, ms) => {
    expect(pauseDurationMs(step)).toBe(ms);
  });

  it.each([
    [{ setWeight: 20 }, 'setWeight: 20'],
    [{ pause: {} }, 'pause'],
    [{ pause: { duration: '30s' } }, 'pause: 30s'],
    [{ analysis: {} }, 'analysis'],
    [{ setCanaryScale: { weight: 25 } }, 'setCanaryScale{weight: 25}'],
    [{ setCanaryScale: { replicas: 3 } }, 'setCanaryScale{replicas: 3}'],
    [{ setCanaryScale: { matchTrafficWeight: true } }, 'setCanaryScale{matchTrafficWeight: true}'],
  ] as [CanaryStep, string][])('names %j as %s', (step, name) => {
    expect(stepString(step)).toBe(name);
  });
});
