import type { Scrape } from './world.js';

/**
 * Prometheus' `rate(x[range])` at an instant, from the scraped samples of one series, as Prometheus computes it
 * (promql/functions.go, extrapolatedRate, Prometheus 3 range semantics: samples in (t − range, t]):
 * the increase between the first and last sample in the window, extrapolated towards the window's edges: to
 * an edge when the gap is under 1.1 × the average sample spacing, else by half a spacing; at the start never
 * further than where the counter would have been 0. Fewer than two samples: no result. Counter resets cannot
 * happen here (the simulated counters only grow), so the reset correction is left out.
 */
export function extrapolatedRate(
  samples: readonly { t: number; v: number }[],
  atMs: number,
  rangeMs: number,
): number | undefined {
  const start = atMs - rangeMs;
  const inWindow = samples.filter((s) => s.t > start && s.t <= atMs);
  const first = inWindow[0];
  const last = inWindow[inWindow.length - 1];
  if (first === undefined || last === undefined || inWindow.length < 2) return undefined;
  let increase = last.v - first.v;
  const sampled = (last.t - first.t) / 1000;
  const average = sampled / (inWindow.length - 1);
  let toStart = (first.t - start) / 1000;
  const toEnd = (atMs - last.t) / 1000;
  if (increase > 0 && first.v >= 0) {
    const toZero = sampled * (first.v / increase);
    if (toZero < toStart) toStart = toZero;
  }
  const threshold = average * 1.1;
  let interval = sampled;
  interval += toStart < threshold ? toStart : average / 2;
  interval += toEnd < threshold ? toEnd : average / 2;
  increase *= interval / sampled;
  return increase / (rangeMs / 1000);
}

/**
 * The seed's success-share query (seed-demo §3.1.4) at instant `atMs`:
 *   sum(rate(requests{service="canary", success="true"}[1m])) by (service)
 *     / sum(rate(requests{service="canary"}[1m])) by (service)
 *     unless sum(rate(requests{service="canary"}[1m])) by (service) == 0
 * An empty vector when the success series has no rate (it does not exist yet: a canary that served only errors),
 * when no series has a rate, or when the total rate is 0.
 */
export function seedSuccessShare(scrapes: readonly Scrape[], atMs: number, rangeMs = 60_000): number[] {
  const series = (pick: (s: Scrape) => number | undefined) =>
    scrapes.flatMap((s) => {
      const v = pick(s);
      return v === undefined ? [] : [{ t: s.atMs, v }];
    });
  const success = extrapolatedRate(
    series((s) => s.success),
    atMs,
    rangeMs,
  );
  const failure = extrapolatedRate(
    series((s) => s.failure),
    atMs,
    rangeMs,
  );
  const rates = [success, failure].filter((r): r is number => r !== undefined);
  if (success === undefined || rates.length === 0) return [];
  const total = rates.reduce((a, b) => a + b, 0);
  return total === 0 ? [] : [success / total];
}
