/**
 * The judge's settings, their defaults and their validation. Defaults are chosen for an operator who wants a
 * canary aborted when it is clearly worse than stable, and left alone when it is about as good (docs/judge.md).
 */
import { KanaryError } from '../../common/index.js';

export interface LatencyConfig {
  /** Compare latencies at all (needs latency samples in the batches). */
  readonly enabled: boolean;
  /** Absolute slowdown tolerated, ms. */
  readonly toleranceMs: number;
  /** Relative slowdown tolerated: 0.1 means a canary 10% slower is still fine. */
  readonly toleranceRelative: number;
  /** Samples per arm in one Mann–Whitney group (one bet of the latency e-process). */
  readonly groupSize: number;
}

export interface JudgeConfig {
  /** Bound on the probability that a canary which is not worse is ever failed, however often the judge looks. */
  readonly alpha: number;
  /** The canary may have up to (1 + relativeMargin) × stable's error rate. */
  readonly relativeMargin: number;
  /** ... or an error rate up to absoluteMargin, whatever stable does (0 disables this allowance). */
  readonly absoluteMargin: number;
  /** Requests each arm must have served before the judge says `pass` (failing never waits for these). */
  readonly minRequests: { readonly canary: number; readonly stable: number };
  readonly latency: LatencyConfig;
}

export interface JudgeConfigInput {
  readonly alpha?: number;
  readonly relativeMargin?: number;
  readonly absoluteMargin?: number;
  readonly minRequests?: { readonly canary?: number; readonly stable?: number };
  readonly latency?: Partial<LatencyConfig>;
}

export const DEFAULT_JUDGE_CONFIG: JudgeConfig = {
  alpha: 0.05,
  relativeMargin: 0.2,
  absoluteMargin: 0.001,
  minRequests: { canary: 100, stable: 100 },
  latency: { enabled: true, toleranceMs: 10, toleranceRelative: 0.1, groupSize: 5 },
};

type Check = (value: number) => boolean;

function requireNumber(field: string, value: number, ok: Check, rule: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new KanaryError(
      'INVALID_SPEC',
      `judge config: field "${field}" is ${String(value)}, but it must be ${rule}; fix the judge settings of the analysis`,
    );
  }
  return value;
}

const between01 = (v: number): boolean => v > 0 && v < 1;
const nonNegative = (v: number): boolean => v >= 0;

/** Fills defaults and validates; throws KanaryError INVALID_SPEC naming the field and the rule it breaks. */
export function resolveJudgeConfig(input: JudgeConfigInput = {}): JudgeConfig {
  const d = DEFAULT_JUDGE_CONFIG;
  const latency = { ...d.latency, ...input.latency };
  return {
    alpha: requireNumber('alpha', input.alpha ?? d.alpha, between01, 'strictly between 0 and 1 (e.g. 0.05)'),
    relativeMargin: requireNumber('relativeMargin', input.relativeMargin ?? d.relativeMargin, nonNegative, '≥ 0'),
    absoluteMargin: requireNumber(
      'absoluteMargin',
      input.absoluteMargin ?? d.absoluteMargin,
      (v) => v >= 0 && v < 1,
      'in [0, 1) (an error rate, e.g. 0.001)',
    ),
    minRequests: {
      canary: requireNumber(
        'minRequests.canary',
        input.minRequests?.canary ?? d.minRequests.canary,
        nonNegative,
        '≥ 0',
      ),
      stable: requireNumber(
        'minRequests.stable',
        input.minRequests?.stable ?? d.minRequests.stable,
        nonNegative,
        '≥ 0',
      ),
    },
    latency: {
      enabled: latency.enabled,
      toleranceMs: requireNumber('latency.toleranceMs', latency.toleranceMs, nonNegative, '≥ 0 milliseconds'),
      toleranceRelative: requireNumber('latency.toleranceRelative', latency.toleranceRelative, nonNegative, '≥ 0'),
      groupSize: requireNumber(
        'latency.groupSize',
        latency.groupSize,
        (v) => Number.isInteger(v) && v >= 1,
        'a whole number ≥ 1',
      ),
    },
  };
}
