/**
 * Traffic split per canary weight, from the load generator's per-second counts of responses naming each track.
 * A second is counted for a weight only when the weight was the same all through it (and a little before, for the
 * router to apply it), so seconds straddling a step change are left out rather than blurred. Pure.
 */

export interface WeightSplit {
  /** The canary weight in percent the router was told. */
  readonly weight: number;
  readonly stable: number;
  readonly canary: number;
}

export interface SecondSample {
  /** Weight in force when the second began and when it ended; a second is kept only when both agree. */
  readonly weightAtStart: number;
  readonly weightAtEnd: number;
  /** When the weight last changed, in ms before the second began (negative: it changed during the second). */
  readonly changedMsBeforeStart: number;
  readonly stable: number;
  readonly canary: number;
}

/** How long after a weight change the router is assumed to apply it; seconds closer to the change are dropped. */
export const SETTLE_MS = 300;

export class SplitTally {
  readonly #byWeight = new Map<number, { stable: number; canary: number }>();
  readonly #order: number[] = [];

  add(sample: SecondSample): boolean {
    if (sample.weightAtStart !== sample.weightAtEnd || sample.changedMsBeforeStart < SETTLE_MS) return false;
    let entry = this.#byWeight.get(sample.weightAtEnd);
    if (entry === undefined) {
      entry = { stable: 0, canary: 0 };
      this.#byWeight.set(sample.weightAtEnd, entry);
      this.#order.push(sample.weightAtEnd);
    }
    entry.stable += sample.stable;
    entry.canary += sample.canary;
    return true;
  }

  /** Per weight, in the order the weights were first seen. */
  splits(): WeightSplit[] {
    return this.#order.map((weight) => ({ weight, ...(this.#byWeight.get(weight) ?? { stable: 0, canary: 0 }) }));
  }
}

/**
 * Whether `canary` successes out of `n` are consistent with a canary probability of `weight`/100: within `z`
 * standard deviations of the binomial mean, plus a continuity allowance of one request. At weight 0 or 100 any
 * request on the wrong side is inconsistent.
 */
export function withinBinomialBound(split: WeightSplit, z = 3.5): { ok: boolean; share: number; bound: number } {
  const n = split.stable + split.canary;
  const p = split.weight / 100;
  const share = n === 0 ? 0 : split.canary / n;
  if (n === 0) return { ok: false, share, bound: 0 };
  const bound = z * Math.sqrt((p * (1 - p)) / n) + 1 / n;
  return { ok: Math.abs(share - p) <= bound, share, bound };
}
