import { mulberry32, simulateSecond } from '../../src/analysis/judge/index.js';
import type { ArmReading, JudgeReading, Random, TrafficScenario } from '../../src/analysis/judge/index.js';

/**
 * The simulated world one benchmark run measures: seeded traffic (the judge core's simulator, one draw per
 * simulated second) accumulated into the running counters the router exposes, plus Prometheus-style scrapes of
 * the seed app's lazily created `success="true"|"false"` counters of the canary.
 */

/** The router's latency histogram bounds (`kanary_router_request_duration_seconds`), in milliseconds. */
export const ROUTER_BUCKETS_MS: readonly number[] = [
  0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
];

class ArmCounters {
  requests = 0;
  errors = 0;
  sumMs = 0;
  readonly buckets = new Array<number>(ROUTER_BUCKETS_MS.length + 1).fill(0);

  add(requests: number, errors: number, latenciesMs: readonly number[]): void {
    this.requests += requests;
    this.errors += errors;
    for (const ms of latenciesMs) {
      let b = 0;
      while (b < ROUTER_BUCKETS_MS.length && ms > (ROUTER_BUCKETS_MS[b] ?? Infinity)) b++;
      this.buckets[b] = (this.buckets[b] ?? 0) + 1;
      this.sumMs += ms;
    }
  }

  reading(): ArmReading {
    let running = 0;
    const cumulative = this.buckets.map((c) => (running += c));
    return {
      requests: this.requests,
      errors: this.errors,
      latency: { upperBoundsMs: ROUTER_BUCKETS_MS, cumulative, sumMs: this.sumMs },
    };
  }
}

/** One scrape of the canary's seed-app counters; a series is absent until its first increment (lazy children). */
export interface Scrape {
  readonly atMs: number;
  readonly success: number | undefined;
  readonly failure: number | undefined;
}

export interface WorldOptions {
  readonly scenario: TrafficScenario;
  readonly seed: number;
  /** Prometheus scrape interval and the offset of the first scrape after t = 0 (ms). */
  readonly scrapeIntervalMs: number;
  readonly scrapeOffsetMs: number;
}

export class TrafficWorld {
  readonly canary = new ArmCounters();
  readonly stable = new ArmCounters();
  readonly scrapes: Scrape[] = [];
  /** Seconds simulated so far: the counters include every request of seconds [0, simulated). */
  simulated = 0;
  readonly #random: Random;
  #nextScrapeMs: number;

  constructor(private readonly options: WorldOptions) {
    this.#random = mulberry32(options.seed);
    this.#nextScrapeMs = options.scrapeOffsetMs;
  }

  /** Simulates traffic up to `atMs` after t = 0, taking the scrapes that fall in between. */
  advanceTo(atMs: number): void {
    for (;;) {
      const scrapeDue = this.#nextScrapeMs <= atMs;
      const until = Math.floor((scrapeDue ? this.#nextScrapeMs : atMs) / 1000);
      while (this.simulated < until) this.#simulateOne();
      if (!scrapeDue) return;
      this.#scrape(this.#nextScrapeMs);
      this.#nextScrapeMs += this.options.scrapeIntervalMs;
    }
  }

  /** What the router's snapshot says now (running totals since t = 0). */
  reading(): JudgeReading {
    return { canary: this.canary.reading(), stable: this.stable.reading(), epoch: 'simulation' };
  }

  #simulateOne(): void {
    const { batch } = simulateSecond(this.options.scenario, this.simulated, this.#random);
    const c = batch.canary;
    const s = batch.stable;
    this.canary.add(c.requests, c.errors, c.latenciesMs ?? []);
    this.stable.add(s.requests, s.errors, s.latenciesMs ?? []);
    this.simulated++;
  }

  #scrape(atMs: number): void {
    const successes = this.canary.requests - this.canary.errors;
    this.scrapes.push({
      atMs,
      success: successes > 0 ? successes : undefined,
      failure: this.canary.errors > 0 ? this.canary.errors : undefined,
    });
  }
}
