/**
 * Request metrics of the router, per Service, revision and Ingress: counts by status class and latency
 * histograms, cumulative since start (Prometheus text and JSON), plus a ring of per-second slices so that a
 * window question ("the last 30 s of Service default/sample-app") is answered straight from the router.
 *
 * The clock is injected (`now`, epoch milliseconds) so tests can drive time; slices roll lazily when a request or
 * a query sees a later second, so an idle router does no work.
 */

export interface SeriesLabels {
  readonly namespace: string;
  readonly service: string;
  readonly revision: string;
  readonly ingress: string;
}

/** A handle the proxy caches per endpoint so the hot path never builds label keys. */
export interface Series {
  readonly labels: SeriesLabels;
  /** Counts by status class: index 0 for 1xx ... 4 for 5xx. */
  readonly byClass: Float64Array;
  /** Cumulative-by-bucket counts for `EXPOSITION_BUCKETS` (non-cumulative storage; summed at exposition). */
  readonly buckets: Float64Array;
  sum: number;
  count: number;
  readonly serviceKey: string;
}

/** Upper bounds (seconds) of the exposed latency histogram buckets. */
export const EXPOSITION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

// Fine log buckets for window quantiles: bounds FINE_MIN * 2^(i/8), about 9% wide, from 20 µs to ~90 s.
const FINE_MIN = 20e-6;
const FINE_PER_OCTAVE = 8;
const FINE_COUNT = 8 * 22 + 2;

export interface WindowStats {
  readonly requests: number;
  readonly errors: number;
  /** errors / requests; 0 when there were no requests. */
  readonly errorRate: number;
  /** Latency quantiles in seconds; null when there were no requests. */
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
}

/** The answer to `GET /_kanary/stats?service=NS/NAME&window=30s`. */
export interface ServiceStats {
  readonly service: string;
  readonly windowSeconds: number;
  /** Epoch milliseconds: the start of the oldest second included, and the moment of the query. */
  readonly from: number;
  readonly to: number;
  readonly total: WindowStats;
  /** One entry per revision seen in the window ("" for requests answered without a pod, e.g. 503). */
  readonly revisions: Readonly<Record<string, WindowStats>>;
}

/** The answer to `GET /_kanary/metrics.json`: a cumulative snapshot; difference two to get rates. */
export interface MetricsSnapshot {
  /** Epoch milliseconds when the snapshot was taken. */
  readonly timestamp: number;
  /** Epoch milliseconds when counting started (a restart resets counters, as Prometheus counters do). */
  readonly startedAt: number;
  readonly series: readonly {
    readonly namespace: string;
    readonly service: string;
    readonly revision: string;
    readonly ingress: string;
    readonly requests: Readonly<Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>>;
    readonly total: number;
    readonly errors: number;
    readonly latency: {
      readonly count: number;
      readonly sum: number;
      /** [upper bound in seconds, cumulative count]; the last bound is Infinity, written as "+Inf". */
      readonly buckets: readonly (readonly [number | '+Inf', number])[];
    };
  }[];
}

interface Slice {
  second: number;
  byService: Map<string, Map<string, SliceAcc>>;
}

interface SliceAcc {
  requests: number;
  errors: number;
  fine: Uint32Array;
}

const CLASS_NAMES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

export class RouterMetrics {
  private readonly series = new Map<string, Series>();
  private readonly ring: Slice[] = [];
  private current: Slice;
  readonly startedAt: number;

  constructor(
    private readonly now: () => number = Date.now,
    /** How many past seconds the window ring keeps (the longest answerable window). */
    readonly ringSeconds = 900,
  ) {
    this.startedAt = now();
    this.current = { second: Math.floor(this.startedAt / 1000), byService: new Map() };
  }

  /** The series for a label set, created on first use. Callers cache the handle. */
  seriesFor(labels: SeriesLabels): Series {
    const key = `${labels.namespace}\u0000${labels.service}\u0000${labels.revision}\u0000${labels.ingress}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = {
        labels: { ...labels },
        byClass: new Float64Array(5),
        buckets: new Float64Array(EXPOSITION_BUCKETS.length + 1),
        sum: 0,
        count: 0,
        serviceKey: `${labels.namespace}/${labels.service}`,
      };
      this.series.set(key, s);
    }
    return s;
  }

  /** Records one finished request. */
  record(series: Series, status: number, seconds: number): void {
    const cls = Math.min(Math.max(Math.floor(status / 100) - 1, 0), 4);
    series.byClass[cls] = (series.byClass[cls] ?? 0) + 1;
    let b = 0;
    while (b < EXPOSITION_BUCKETS.length && seconds > (EXPOSITION_BUCKETS[b] ?? Infinity)) b++;
    series.buckets[b] = (series.buckets[b] ?? 0) + 1;
    series.sum += seconds;
    series.count++;

    const slice = this.roll();
    let revs = slice.byService.get(series.serviceKey);
    if (revs === undefined) {
      revs = new Map();
      slice.byService.set(series.serviceKey, revs);
    }
    let acc = revs.get(series.labels.revision);
    if (acc === undefined) {
      acc = { requests: 0, errors: 0, fine: new Uint32Array(FINE_COUNT) };
      revs.set(series.labels.revision, acc);
    }
    acc.requests++;
    if (cls === 4) acc.errors++;
    const fi = fineIndex(seconds);
    acc.fine[fi] = (acc.fine[fi] ?? 0) + 1;
  }

  /** Window statistics of one Service ("namespace/name") over the last `windowSeconds` (current second included). */
  stats(service: string, windowSeconds: number): ServiceStats {
    const current = this.roll();
    const to = this.now();
    const seconds = Math.max(1, Math.min(Math.floor(windowSeconds), this.ringSeconds));
    const oldest = current.second - seconds + 1;
    const perRev = new Map<string, SliceAcc>();
    const total: SliceAcc = { requests: 0, errors: 0, fine: new Uint32Array(FINE_COUNT) };
    for (const slice of [...this.ring, current]) {
      if (slice.second < oldest) continue;
      for (const [rev, acc] of slice.byService.get(service) ?? []) {
        let agg = perRev.get(rev);
        if (agg === undefined) {
          agg = { requests: 0, errors: 0, fine: new Uint32Array(FINE_COUNT) };
          perRev.set(rev, agg);
        }
        addInto(agg, acc);
        addInto(total, acc);
      }
    }
    const revisions: Record<string, WindowStats> = {};
    for (const [rev, acc] of [...perRev.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      revisions[rev] = summarise(acc);
    }
    return { service, windowSeconds: seconds, from: oldest * 1000, to, total: summarise(total), revisions };
  }

  snapshot(): MetricsSnapshot {
    const series = [...this.sortedSeries()].map((s) => {
      let cumulative = 0;
      const buckets: [number | '+Inf', number][] = [];
      for (let i = 0; i <= EXPOSITION_BUCKETS.length; i++) {
        cumulative += s.buckets[i] ?? 0;
        buckets.push([EXPOSITION_BUCKETS[i] ?? '+Inf', cumulative]);
      }
      const requests = Object.fromEntries(CLASS_NAMES.map((c, i) => [c, s.byClass[i] ?? 0])) as Record<
        (typeof CLASS_NAMES)[number],
        number
      >;
      return {
        ...s.labels,
        requests,
        total: s.count,
        errors: requests['5xx'],
        latency: { count: s.count, sum: s.sum, buckets },
      };
    });
    return { timestamp: this.now(), startedAt: this.startedAt, series };
  }

  /** Prometheus text exposition (format 0.0.4). */
  exposition(extraLines: readonly string[] = []): string {
    const out: string[] = [
      '# HELP kanary_router_requests_total Requests answered by the Kanary router, by Service, revision, Ingress and status class.',
      '# TYPE kanary_router_requests_total counter',
    ];
    const all = this.sortedSeries();
    for (const s of all) {
      const l = labelText(s.labels);
      for (let i = 0; i < 5; i++) {
        const n = s.byClass[i] ?? 0;
        if (n > 0) out.push(`kanary_router_requests_total{${l},code_class="${CLASS_NAMES[i] ?? ''}"} ${n}`);
      }
    }
    out.push(
      '# HELP kanary_router_request_duration_seconds Time from request received to response finished, seen by the router.',
      '# TYPE kanary_router_request_duration_seconds histogram',
    );
    for (const s of all) {
      const l = labelText(s.labels);
      let cumulative = 0;
      for (let i = 0; i <= EXPOSITION_BUCKETS.length; i++) {
        cumulative += s.buckets[i] ?? 0;
        const le = i < EXPOSITION_BUCKETS.length ? String(EXPOSITION_BUCKETS[i]) : '+Inf';
        out.push(`kanary_router_request_duration_seconds_bucket{${l},le="${le}"} ${cumulative}`);
      }
      out.push(`kanary_router_request_duration_seconds_sum{${l}} ${s.sum}`);
      out.push(`kanary_router_request_duration_seconds_count{${l}} ${s.count}`);
    }
    out.push(...extraLines);
    return `${out.join('\n')}\n`;
  }

  private sortedSeries(): Series[] {
    return [...this.series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  }

  /** Moves the current slice into the ring when the clock has passed its second; returns the current slice. */
  private roll(): Slice {
    const second = Math.floor(this.now() / 1000);
    if (second === this.current.second) return this.current;
    if (second > this.current.second) {
      if (this.current.byService.size > 0) this.ring.push(this.current);
      const keepFrom = second - this.ringSeconds;
      let drop = 0;
      while (drop < this.ring.length && (this.ring[drop]?.second ?? 0) < keepFrom) drop++;
      if (drop > 0) this.ring.splice(0, drop);
      this.current = { second, byService: new Map() };
    }
    return this.current;
  }
}

/** Formats a label set for exposition, escaping as the text format requires. */
export function labelText(labels: SeriesLabels): string {
  return (
    `namespace="${escapeLabel(labels.namespace)}",service="${escapeLabel(labels.service)}",` +
    `revision="${escapeLabel(labels.revision)}",ingress="${escapeLabel(labels.ingress)}"`
  );
}

export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Parses a window such as "30s", "5m", "1h" or a plain number of seconds; undefined when malformed. */
export function parseWindow(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor = unit === 'ms' ? 0.001 : unit === 's' ? 1 : unit === 'm' ? 60 : 3600;
  const seconds = n * factor;
  return seconds > 0 ? Math.ceil(seconds) : undefined;
}

function fineIndex(seconds: number): number {
  if (!(seconds > FINE_MIN)) return 0;
  const i = Math.ceil(Math.log2(seconds / FINE_MIN) * FINE_PER_OCTAVE);
  return Math.min(i, FINE_COUNT - 1);
}

function fineUpper(i: number): number {
  return FINE_MIN * 2 ** (i / FINE_PER_OCTAVE);
}

function addInto(into: SliceAcc, from: SliceAcc): void {
  into.requests += from.requests;
  into.errors += from.errors;
  for (let i = 0; i < FINE_COUNT; i++) into.fine[i] = (into.fine[i] ?? 0) + (from.fine[i] ?? 0);
}

function summarise(acc: SliceAcc): WindowStats {
  return {
    requests: acc.requests,
    errors: acc.errors,
    errorRate: acc.requests === 0 ? 0 : acc.errors / acc.requests,
    p50: quantile(acc, 0.5),
    p90: quantile(acc, 0.9),
    p99: quantile(acc, 0.99),
  };
}

/** Quantile with linear interpolation inside the bucket, as Prometheus' histogram_quantile does. */
function quantile(acc: SliceAcc, q: number): number | null {
  if (acc.requests === 0) return null;
  const rank = q * acc.requests;
  let seen = 0;
  for (let i = 0; i < FINE_COUNT; i++) {
    const n = acc.fine[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : fineUpper(i - 1);
      const upper = fineUpper(i);
      return lower + (upper - lower) * ((rank - seen) / n);
    }
    seen += n;
  }
  return fineUpper(FINE_COUNT - 1);
}
