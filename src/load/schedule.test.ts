import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SEED_PROFILE,
  arrivalTimes,
  constantProfile,
  expectedIterations,
  parseStage,
  profileDurationMs,
  rateAt,
  validateProfile,
  type LoadProfile,
} from './schedule.js';

/** Area under the rate curve in iterations: the trapezoid of every stage. */
function area(profile: LoadProfile): number {
  let from = profile.startRate;
  let sum = 0;
  for (const s of profile.stages) {
    sum += ((from + s.target) / 2) * (s.durationMs / 1_000);
    from = s.target;
  }
  return sum;
}

describe('arrival schedule', () => {
  it.each<[string, LoadProfile]>([
    ['seed 1→20/40s, →0/20s', SEED_PROFILE],
    ['constant 50 it/s for 2s', constantProfile(50, 2_000)],
    ['constant 0.5 it/s for 3s', constantProfile(0.5, 3_000)],
    ['ramp 0→10 over 10s', { startRate: 0, stages: [{ durationMs: 10_000, target: 10 }] }],
    [
      'up, hold, down',
      {
        startRate: 2,
        stages: [
          { durationMs: 5_000, target: 8 },
          { durationMs: 5_000, target: 8 },
          { durationMs: 3_000, target: 1 },
        ],
      },
    ],
    [
      'idle stage between ramps',
      {
        startRate: 0,
        stages: [
          { durationMs: 1_000, target: 0 },
          { durationMs: 2_000, target: 6 },
        ],
      },
    ],
  ])('%s starts ceil(area) iterations, the first at 0, in order, within the profile', (_name, profile) => {
    const times = [...arrivalTimes(profile)];
    expect(times.length).toBe(Math.ceil(area(profile) - 1e-9));
    expect(expectedIterations(profile)).toBe(times.length);
    if (profile.startRate > 0) expect(times[0]).toBe(0);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(times.at(-1)!).toBeLessThan(profileDurationMs(profile));
  });

  it('gives the seed profile 620 iterations over 60 s (420 in the ramp up, 200 in the ramp down)', () => {
    const times = [...arrivalTimes(SEED_PROFILE)];
    expect(times.length).toBe(620);
    expect(times.filter((t) => t < 40_000).length).toBe(420);
    expect(profileDurationMs(SEED_PROFILE)).toBe(60_000);
  });

  it('follows the linear rate: arrivals in each second of the seed profile match the rate integral ±1', () => {
    const times = [...arrivalTimes(SEED_PROFILE)];
    for (let s = 0; s < 60; s++) {
      const inSecond = times.filter((t) => t >= s * 1_000 && t < (s + 1) * 1_000).length;
      const expected = (rateAt(SEED_PROFILE, s * 1_000) + rateAt(SEED_PROFILE, (s + 1) * 1_000 - 1e-6)) / 2;
      expect(Math.abs(inSecond - expected)).toBeLessThanOrEqual(1);
    }
  });

  it('spaces a constant rate evenly', () => {
    const times = [...arrivalTimes(constantProfile(4, 1_000))];
    expect(times).toEqual([0, 250, 500, 750]);
  });

  it('yields ceil(area) arrivals for any profile (property)', () => {
    const stage = fc.record({
      durationMs: fc.integer({ min: 100, max: 20_000 }),
      target: fc.integer({ min: 0, max: 50 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.array(stage, { minLength: 1, maxLength: 4 }),
        (startRate, stages) => {
          const profile = { startRate, stages };
          const times = [...arrivalTimes(profile)];
          expect(times.length).toBe(Math.max(0, Math.ceil(area(profile) - 1e-9)));
          expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
        },
      ),
    );
  });
});

describe('rateAt', () => {
  it.each([
    [0, 1],
    [20_000, 10.5],
    [40_000, 20],
    [50_000, 10],
    [59_999.999, 0.000001],
    [60_000, 0],
    [90_000, 0],
  ])('seed profile at %d ms is %d it/s', (at, rate) => {
    expect(rateAt(SEED_PROFILE, at)).toBeCloseTo(rate, 5);
  });
});

describe('parseStage', () => {
  it.each([
    ['40s:20', { durationMs: 40_000, target: 20 }],
    ['1m30s:0', { durationMs: 90_000, target: 0 }],
    ['500ms:2.5', { durationMs: 500, target: 2.5 }],
  ])('%s', (text, stage) => {
    expect(parseStage(text)).toEqual(stage);
  });

  it.each(['40s', ':20', '40s:', '40s:-1', '40s:x', 'forty:20'])('refuses %j', (text) => {
    expect(() => parseStage(text)).toThrow(/--stage/);
  });
});

describe('validateProfile', () => {
  it.each<[string, LoadProfile]>([
    ['no stages', { startRate: 1, stages: [] }],
    ['negative start', { startRate: -1, stages: [{ durationMs: 1_000, target: 1 }] }],
    ['zero-length stage', { startRate: 1, stages: [{ durationMs: 0, target: 1 }] }],
    ['NaN target', { startRate: 1, stages: [{ durationMs: 1_000, target: Number.NaN }] }],
  ])('refuses %s', (_name, profile) => {
    expect(() => validateProfile(profile)).toThrow();
  });
});
