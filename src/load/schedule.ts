import { KanaryError } from '../common/index.js';
import { parseDuration } from './duration.js';

/**
 * An open-model arrival profile, as k6's ramping-arrival-rate executor defines it: the rate starts at
 * `startRate` iterations per second and moves linearly to each stage's `target` over the stage's duration.
 */
export interface LoadStage {
  readonly durationMs: number;
  /** Iterations per second reached at the end of the stage. */
  readonly target: number;
}

export interface LoadProfile {
  readonly startRate: number;
  readonly stages: readonly LoadStage[];
}

/** The seed's profile (k6/script.js): 1 → 20 it/s over 40 s, then → 0 over 20 s. */
export const SEED_PROFILE: LoadProfile = {
  startRate: 1,
  stages: [
    { durationMs: 40_000, target: 20 },
    { durationMs: 20_000, target: 0 },
  ],
};

/** A constant arrival rate (k6's constant-arrival-rate): `rate` it/s for `durationMs`. */
export function constantProfile(rate: number, durationMs: number): LoadProfile {
  return validateProfile({ startRate: rate, stages: [{ durationMs, target: rate }] });
}

/** Parses a `--stage DURATION:TARGET` value, e.g. "40s:20". */
export function parseStage(text: string): LoadStage {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) {
    throw new KanaryError('BAD_USAGE', `--stage "${text}" is not DURATION:TARGET; write it like 40s:20`);
  }
  const durationMs = parseDuration(text.slice(0, colon), `--stage "${text}" duration`);
  const target = Number(text.slice(colon + 1));
  if (text.slice(colon + 1).trim() === '' || !Number.isFinite(target) || target < 0) {
    throw new KanaryError(
      'BAD_USAGE',
      `--stage "${text}" target is not a rate; give iterations per second as a number ≥ 0, like 40s:20`,
    );
  }
  return { durationMs, target };
}

export function validateProfile(profile: LoadProfile): LoadProfile {
  if (!Number.isFinite(profile.startRate) || profile.startRate < 0) {
    throw new KanaryError('BAD_USAGE', `start rate ${profile.startRate} is not a rate; give a number ≥ 0`);
  }
  if (profile.stages.length === 0) {
    throw new KanaryError('BAD_USAGE', 'the load profile has no stages; give at least one --stage or --duration');
  }
  for (const [i, stage] of profile.stages.entries()) {
    if (!Number.isFinite(stage.durationMs) || stage.durationMs <= 0) {
      throw new KanaryError('BAD_USAGE', `stage ${i + 1} lasts ${stage.durationMs} ms; give it a duration > 0`);
    }
    if (!Number.isFinite(stage.target) || stage.target < 0) {
      throw new KanaryError('BAD_USAGE', `stage ${i + 1} target ${stage.target} is not a rate; give a number ≥ 0`);
    }
  }
  return profile;
}

export function profileDurationMs(profile: LoadProfile): number {
  return profile.stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/** The arrival rate (it/s) at `atMs` from the start; 0 after the end. */
export function rateAt(profile: LoadProfile, atMs: number): number {
  let from = profile.startRate;
  let offset = 0;
  for (const stage of profile.stages) {
    if (atMs < offset + stage.durationMs) {
      return from + ((stage.target - from) * (atMs - offset)) / stage.durationMs;
    }
    offset += stage.durationMs;
    from = stage.target;
  }
  return 0;
}

/** The number of iterations the profile asks for: the area under the rate curve, in whole iterations started. */
export function expectedIterations(profile: LoadProfile): number {
  let count = 0;
  for (const _ of arrivalTimes(profile)) count++;
  return count;
}

/**
 * The start times (ms from the test start) of every iteration: iteration i starts when the integral of the rate
 * reaches i, so the first one starts at 0 and the count is the ceiling of the area under the rate curve
 * (the seed's profile: 1→20 over 40 s is 420, 20→0 over 20 s is 200, so 620 starts).
 */
export function* arrivalTimes(profile: LoadProfile): Generator<number, void, undefined> {
  let next = 0; // index of the next iteration, i.e. the cumulative count it waits for
  let done = 0; // cumulative iterations at the start of the current stage
  let offset = 0;
  let from = profile.startRate;
  for (const stage of profile.stages) {
    const seconds = stage.durationMs / 1_000;
    const area = ((from + stage.target) / 2) * seconds;
    while (next < done + area - 1e-9) {
      yield offset + 1_000 * timeToReach(next - done, from, stage.target, seconds);
      next++;
    }
    done += area;
    offset += stage.durationMs;
    from = stage.target;
  }
}

/**
 * Seconds into a stage at which `x` iterations have accumulated, for a rate moving linearly from `a` to `b`
 * over `d` seconds: the positive root of a·t + (b−a)·t²/(2d) = x, in the form that stays exact when b = a.
 */
function timeToReach(x: number, a: number, b: number, d: number): number {
  if (x <= 0) return 0;
  return (2 * x) / (a + Math.sqrt(a * a + (2 * (b - a) * x) / d));
}
