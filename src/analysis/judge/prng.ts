/**
 * A seeded pseudo-random source and the samplers the traffic simulator needs. Deterministic: the same seed
 * gives the same stream, so simulations and benchmarks are reproducible. Not for anything security-related.
 */

/** A function returning uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: a tiny 32-bit generator with a full 2^32 period; good enough for simulations. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box–Muller (one of the pair; simplicity over speed). */
export function sampleNormal(random: Random): number {
  const u = 1 - random(); // (0, 1]
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Poisson(mean) by Knuth's product method, in chunks of mean ≤ 30 so exp(−mean) never underflows. */
export function samplePoisson(random: Random, mean: number): number {
  let total = 0;
  let left = mean;
  while (left > 0) {
    const chunk = Math.min(left, 30);
    left -= chunk;
    const limit = Math.exp(-chunk);
    let p = random();
    while (p > limit) {
      total += 1;
      p *= random();
    }
  }
  return total;
}

/** Binomial(n, p): geometric skips over the failures, so the cost is O(n·min(p, 1 − p)). */
export function sampleBinomial(random: Random, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - sampleBinomial(random, n, 1 - p);
  const logQ = Math.log(1 - p);
  let successes = 0;
  let position = 0;
  for (;;) {
    // Number of trials up to and including the next success is Geometric(p).
    position += Math.floor(Math.log(1 - random()) / logQ) + 1;
    if (position > n) return successes;
    successes += 1;
  }
}
