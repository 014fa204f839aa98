/**
 * Small numeric helpers shared by the judge's e-processes. Everything is done in log space so that
 * overwhelming evidence (a canary serving only errors) never overflows and tiny wealth never underflows.
 */

/** log(Σ exp(xs)) computed stably; -Infinity for an empty list. */
export function logSumExp(xs: readonly number[]): number {
  const n = xs.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, xs[i] ?? -Infinity);
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp((xs[i] ?? -Infinity) - max);
  return max + Math.log(sum);
}

/**
 * log of the equal-weight mixture (1/J) Σ exp(xs): the log e-value of a uniform mixture over a grid of
 * alternatives whose log likelihood ratios (or log wealths) are `xs`.
 */
export function logMeanExp(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  return logSumExp(xs) - Math.log(xs.length);
}

/** `count` points evenly spaced from `from` to `to` inclusive (a single point is `from`). */
export function linspace(from: number, to: number, count: number): number[] {
  if (count <= 1) return [from];
  const step = (to - from) / (count - 1);
  return Array.from({ length: count }, (_, i) => from + i * step);
}

/** Largest log value we report as a number; e^700 ≈ 1e304 still fits a double, and JSON has no Infinity. */
export const MAX_REPORTED_LOG = 700;

/** exp(logValue) clamped so it is always a finite, JSON-serialisable number. */
export function expForReport(logValue: number): number {
  return Math.exp(Math.min(logValue, MAX_REPORTED_LOG));
}

/** x·log(y) with the convention 0·log(anything) = 0, so empty arms contribute nothing. */
export function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}
