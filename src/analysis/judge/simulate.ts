/**
 * A seeded traffic simulator: per simulated second, requests arrive as Poisson(rps), each goes to the canary
 * with probability weight/100, fails with its arm's error rate, and takes a latency drawn from its arm's
 * distribution. It produces the judge's batches and is meant to drive the analysis engine in benchmarks.
 * Pure given the injected `random` (use `mulberry32(seed)`): same seed, same traffic.
 */
import type { ArmObservation, JudgeBatch } from './judge.js';
import { histogramOf } from './latency-histogram.js';
import { sampleBinomial, sampleNormal, samplePoisson } from './prng.js';
import type { Random } from './prng.js';

export type LatencyDistribution =
  | { readonly kind: 'constant'; readonly ms: number }
  /** exp(N(ln medianMs, sigma²)) + shiftMs. */
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly sigma: number; readonly shiftMs?: number }
  /** Exponential with the given mean, + shiftMs. */
  | { readonly kind: 'exponential'; readonly meanMs: number; readonly shiftMs?: number };

export interface ArmBehaviour {
  /** Probability that one request fails, in [0, 1]. */
  readonly errorRate: number;
  /** Latency distribution; omit to produce no latency samples for this arm. */
  readonly latency?: LatencyDistribution;
}

/** From `fromSecond` on (until the next entry), `weight` percent of requests go to the canary. */
export interface WeightStep {
  readonly fromSecond: number;
  readonly weight: number;
}

export interface TrafficScenario {
  /** Mean total requests per second, both arms together. */
  readonly rps: number;
  /** Canary weight schedule (percent, 0–100), sorted by fromSecond; before the first entry the weight is 0. */
  readonly weights: readonly WeightStep[];
  readonly canary: ArmBehaviour;
  readonly stable: ArmBehaviour;
}

export interface SimulatedSecond {
  /** 0-based index of the simulated second. */
  readonly second: number;
  /** Canary weight (percent) during this second. */
  readonly weight: number;
  /** What each arm served during this second. */
  readonly batch: JudgeBatch;
}

/** The canary weight (percent) in force at `second`. */
export function weightAt(scenario: TrafficScenario, second: number): number {
  let weight = 0;
  for (const step of scenario.weights) if (step.fromSecond <= second) weight = step.weight;
  return weight;
}

export function sampleLatency(dist: LatencyDistribution, random: Random): number {
  switch (dist.kind) {
    case 'constant':
      return dist.ms;
    case 'lognormal':
      return dist.medianMs * Math.exp(dist.sigma * sampleNormal(random)) + (dist.shiftMs ?? 0);
    case 'exponential':
      return -dist.meanMs * Math.log(1 - random()) + (dist.shiftMs ?? 0);
  }
}

function simulateArm(arm: ArmBehaviour, requests: number, random: Random): JudgeBatch['canary'] {
  const errors = sampleBinomial(random, requests, arm.errorRate);
  const latency = arm.latency;
  if (!latency) return { requests, errors };
  const latenciesMs = Array.from({ length: requests }, () => sampleLatency(latency, random));
  return { requests, errors, latenciesMs };
}

/** Simulates one second of traffic. */
export function simulateSecond(scenario: TrafficScenario, second: number, random: Random): SimulatedSecond {
  const weight = weightAt(scenario, second);
  const total = samplePoisson(random, scenario.rps);
  const canaryRequests = sampleBinomial(random, total, weight / 100);
  const canary = simulateArm(scenario.canary, canaryRequests, random);
  const stable = simulateArm(scenario.stable, total - canaryRequests, random);
  return { second, weight, batch: { canary, stable } };
}

/** Simulates `seconds` consecutive seconds, lazily. */
export function* simulateTraffic(
  scenario: TrafficScenario,
  seconds: number,
  random: Random,
): Generator<SimulatedSecond, void, undefined> {
  for (let second = 0; second < seconds; second++) yield simulateSecond(scenario, second, random);
}

function mergeArm(arms: readonly ArmObservation[]): ArmObservation {
  const requests = arms.reduce((n, a) => n + a.requests, 0);
  const errors = arms.reduce((n, a) => n + a.errors, 0);
  const withLatency = arms.some((a) => a.latenciesMs !== undefined);
  return withLatency
    ? { requests, errors, latenciesMs: arms.flatMap((a) => a.latenciesMs ?? []) }
    : { requests, errors };
}

/**
 * One batch covering several consecutive batches (e.g. the seconds of one scrape interval): counts add up,
 * latency samples are concatenated in order. Histograms are not merged; convert afterwards with `withHistograms`.
 */
export function mergeBatches(batches: readonly JudgeBatch[]): JudgeBatch {
  return { canary: mergeArm(batches.map((b) => b.canary)), stable: mergeArm(batches.map((b) => b.stable)) };
}

/** The batch with each arm's latency samples replaced by a histogram over the given bucket bounds (ms). */
export function withHistograms(batch: JudgeBatch, upperBoundsMs: readonly number[]): JudgeBatch {
  const convert = (arm: ArmObservation): ArmObservation => ({
    requests: arm.requests,
    errors: arm.errors,
    latencyHistogram: histogramOf(arm.latenciesMs ?? [], upperBoundsMs),
  });
  return { canary: convert(batch.canary), stable: convert(batch.stable) };
}
