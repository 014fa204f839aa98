/**
 * The evidence trail: the judge's e-value over time, one point per measurement, kept small enough to travel in
 * every measurement's metadata (`judgeTrail`). A run keeps only its last few measurements, so the trail is what
 * lets a chart opened late draw the whole story.
 *
 * Contract: pure, deterministic and bounded. A trail never holds more than `maxPoints`; a point that would
 * overflow it makes room by dropping `batch` older points at once (a batch rather than one point per measurement
 * keeps the average cost of a measurement low), one after the other, each time the one whose removal leaves the
 * smallest gap in time, so older points stay evenly spread. Never dropped: the first point, the `recentPoints`
 * newest points (full resolution), and the peak (the earliest point with the largest e-value: where the evidence
 * crossed, or came closest to, the threshold). Points stay in time order.
 *
 * The dashboard bundles it (through src/info), like the rest of the judge's pure core.
 */
import { KanaryError } from '../../common/index.js';
import type { JudgeResult } from './result.js';

/** One measurement's evidence. */
export interface TrailPoint {
  /** When the measurement finished, in ms since the epoch (its `finishedAt`). */
  readonly at: number;
  /** The evidence the verdict is based on (4 significant digits). */
  readonly eValue: number;
  /** Set when latency is compared and its test had more evidence than the errors test; else errors drove it. */
  readonly driver?: 'latency';
}

export type EvidenceTrail = readonly TrailPoint[];

/** The key of a judge measurement's metadata that holds its trail (`encodeTrail`'s JSON). */
export const TRAIL_METADATA_KEY = 'judgeTrail';

export interface TrailLimits {
  /** The most points a trail holds. */
  readonly maxPoints: number;
  /** The newest points kept at full resolution. */
  readonly recentPoints: number;
  /**
   * How many points an overflowing trail drops at once (1: exactly one per new point). A thinned trail holds
   * `maxPoints - batch + 1` points, which must leave room for the first point, the peak and the recent ones.
   */
  readonly batch: number;
}

/**
 * At most 240 points (about 4 kB): 2 minutes of 2 s measurements at full resolution, the rest of the run in the
 * other 157 to 180 (a full trail drops 24 points at once: every 24th measurement thins it).
 */
export const DEFAULT_TRAIL_LIMITS: TrailLimits = { maxPoints: 240, recentPoints: 60, batch: 24 };

const FORMAT_VERSION = 1;

/** 4 significant digits: plenty for a log-scale chart, in 5 or 6 characters instead of up to 18. */
function round(x: number): number {
  const r = Number(x.toPrecision(4));
  return Number.isFinite(r) ? r : x; // 1.7976931348623157e308 would round up to Infinity
}

/** The trail point of a judge measurement's result, finished at `at` (ms since the epoch). */
export function trailPointOf(result: JudgeResult, at: number): TrailPoint {
  const point = { at: Math.trunc(at), eValue: round(result.eValue) };
  return result.latencyEValue !== null && result.latencyEValue > result.errorsEValue
    ? { ...point, driver: 'latency' }
    : point;
}

/** Which test drove a point's evidence. */
export function trailDriverOf(point: TrailPoint): 'errors' | 'latency' {
  return point.driver ?? 'errors';
}

/** Index of the earliest point with the largest e-value; -1 for an empty trail. */
export function trailPeakIndex(trail: EvidenceTrail): number {
  let peak = -1;
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < trail.length; i++) {
    const e = trail[i]?.eValue ?? Number.NEGATIVE_INFINITY;
    if (e > best) {
      best = e;
      peak = i;
    }
  }
  return peak;
}

function checkLimits(limits: TrailLimits): void {
  const { maxPoints, recentPoints, batch } = limits;
  const whole = [maxPoints, recentPoints, batch].every(Number.isInteger);
  if (!whole || recentPoints < 1 || batch < 1 || maxPoints - batch + 1 < recentPoints + 2) {
    throw new KanaryError(
      'INTERNAL',
      `evidence trail limits ${JSON.stringify(limits)}: recentPoints and batch must be integers ≥ 1 and maxPoints ` +
        'an integer ≥ recentPoints + batch + 1 (room for the first point, the peak and the recent ones)',
    );
  }
}

/**
 * The point whose removal leaves the smallest gap in time between its neighbours (the earliest on a tie), among
 * those that may go: not the first, not the peak, not one of the `recentPoints` newest.
 */
function thinningVictim(points: readonly TrailPoint[], recentPoints: number, peak: number): number {
  const lastCandidate = points.length - recentPoints - 1;
  let victim = -1;
  let smallest = Number.POSITIVE_INFINITY;
  for (let i = 1; i <= lastCandidate; i++) {
    if (i === peak) continue;
    const gap = (points[i + 1] as TrailPoint).at - (points[i - 1] as TrailPoint).at;
    if (gap < smallest) {
      smallest = gap;
      victim = i;
    }
  }
  return victim;
}

/** When `points` overflows `limits`, drops points from it (in place) until `batch - 1` more would fit. */
function thinInPlace(points: TrailPoint[], limits: TrailLimits): void {
  if (points.length <= limits.maxPoints) return;
  let peak = trailPeakIndex(points); // the peak stays the peak: only other points go
  while (points.length > limits.maxPoints - limits.batch + 1) {
    // checkLimits leaves a candidate: length ≥ recentPoints + 3 > the recent ones + the first + the peak.
    const victim = thinningVictim(points, limits.recentPoints, peak);
    if (victim < 0) return;
    points.splice(victim, 1);
    if (victim < peak) peak--;
  }
}

/** `trail` thinned as an overflowing trail is (itself when it fits). */
export function thinTrail(trail: EvidenceTrail, limits: TrailLimits = DEFAULT_TRAIL_LIMITS): EvidenceTrail {
  checkLimits(limits);
  if (trail.length <= limits.maxPoints) return trail;
  const points = [...trail];
  thinInPlace(points, limits);
  return points;
}

/**
 * `trail` with `point` appended, then thinned to the limits. A point at the same time as the last one replaces
 * it; a point older than the last one (a clock that went back) is left out, so the order always holds. A point
 * whose time or e-value is not a finite number is left out too.
 */
export function appendToTrail(
  trail: EvidenceTrail,
  point: TrailPoint,
  limits: TrailLimits = DEFAULT_TRAIL_LIMITS,
): EvidenceTrail {
  checkLimits(limits);
  if (!Number.isFinite(point.at) || !Number.isFinite(point.eValue)) return trail;
  const last = trail.at(-1);
  if (last !== undefined && point.at < last.at) return trail;
  const points = last !== undefined && point.at === last.at ? trail.slice(0, -1) : [...trail];
  points.push(point);
  thinInPlace(points, limits);
  return points;
}

/** A point's row: its time after the trail's first point, its e-value, and a 1 when latency drove it. */
function rowOf(p: TrailPoint, t0: number): string {
  return p.driver === 'latency' ? `[${p.at - t0},${p.eValue},1]` : `[${p.at - t0},${p.eValue}]`;
}

const TAIL = ']}';

function headOf(trail: EvidenceTrail): string {
  return `{"v":${FORMAT_VERSION},"t0":${trail[0]?.at ?? 0},"points":[`;
}

/**
 * The trail as compact JSON: `{"v":1,"t0":T,"points":[[dt,eValue],[dt,eValue,1],...]}`, where T is the first
 * point's time (ms since the epoch), dt a point's time after it (ms), and a third element 1 marks a point whose
 * evidence the latency test drove.
 */
export function encodeTrail(trail: EvidenceTrail): string {
  return bodyOf(trail) + TAIL;
}

function bodyOf(trail: EvidenceTrail): string {
  const t0 = trail[0]?.at ?? 0;
  return headOf(trail) + trail.map((p) => rowOf(p, t0)).join(',');
}

function pointOfRow(row: unknown, t0: number): TrailPoint | undefined {
  if (!Array.isArray(row) || row.length < 2 || row.length > 3) return undefined;
  const [dt, eValue, latency] = row as unknown[];
  if (typeof dt !== 'number' || typeof eValue !== 'number' || !Number.isFinite(eValue)) return undefined;
  if (latency !== undefined && latency !== 1) return undefined;
  const at = t0 + dt;
  if (!Number.isFinite(at)) return undefined;
  return latency === 1 ? { at, eValue, driver: 'latency' } : { at, eValue };
}

/**
 * A trail read back from `encodeTrail`'s JSON; undefined when the text is not one (malformed, or times not
 * strictly increasing, which a trail built by `appendToTrail` always is).
 */
export function decodeTrail(text: string): EvidenceTrail | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { v, t0, points } = json as { v?: unknown; t0?: unknown; points?: unknown };
  if (v !== FORMAT_VERSION || typeof t0 !== 'number' || !Array.isArray(points)) return undefined;
  const out: TrailPoint[] = [];
  for (const row of points) {
    const point = pointOfRow(row, t0);
    const last = out.at(-1);
    if (point === undefined || (last !== undefined && point.at <= last.at)) return undefined;
    out.push(point);
  }
  return out;
}

export interface TrailCodec {
  /** Exactly `encodeTrail`. */
  encode(trail: EvidenceTrail): string;
  /** Exactly `decodeTrail`. */
  decode(text: string): EvidenceTrail | undefined;
}

/** A text the codec made or read, and its trail. */
interface Encoded {
  readonly text: string;
  /** `text` without its closing TAIL: appending rows to it copies nothing. */
  readonly body: string;
  readonly trail: EvidenceTrail;
}

/** More changes than this between two versions of a trail, and encoding afresh is as quick. */
const MAX_EDITS = 8;

/**
 * How `trail` differs from `base`, an earlier version of it: the base points it no longer has, and its points
 * after the last one it shares. Undefined when it is no such edit (a new point in the middle, many changes, or a
 * base with two points at one time).
 * Shared points are the same objects, and both trails are in time order, so one walk finds them.
 */
function editsFrom(
  base: EvidenceTrail,
  trail: EvidenceTrail,
): { removed: TrailPoint[]; added: EvidenceTrail } | undefined {
  const removed: TrailPoint[] = [];
  let i = 0;
  let j = 0;
  let before = Number.NEGATIVE_INFINITY;
  while (i < base.length && j < trail.length) {
    const b = base[i] as TrailPoint;
    const t = trail[j] as TrailPoint;
    if (b.at <= before) return undefined; // two points at one time: a row could not be found by its time
    before = b.at;
    if (b === t) {
      i++;
      j++;
    } else if (b.at <= t.at) {
      removed.push(b); // dropped, or replaced by a point at the same time
      i++;
    } else {
      return undefined;
    }
    if (removed.length > MAX_EDITS) return undefined;
  }
  while (i < base.length) removed.push(base[i++] as TrailPoint);
  const added = trail.slice(j);
  return removed.length + added.length > MAX_EDITS ? undefined : { removed, added };
}

/**
 * `base.body` turned into the body of `trail`'s text by cutting out the rows of the points it lost and adding
 * those of its new points: no other point is formatted again. A row is found by its time, unique in the base
 * (checked on the way). Both start with the same point, so they share `t0`.
 */
function bodyFrom(base: Encoded, trail: EvidenceTrail): string | undefined {
  const edits = editsFrom(base.trail, trail);
  const t0 = trail[0]?.at;
  if (edits === undefined || t0 === undefined || base.trail[0] !== trail[0]) return undefined;
  let text = base.body;
  for (const p of edits.removed) {
    const start = text.indexOf(`[${p.at - t0},`);
    if (start < 0) return undefined;
    const end = text.indexOf(']', start) + 1;
    // Take the comma before the row, or after it when it is the first row.
    text =
      text[start - 1] === ','
        ? text.slice(0, start - 1) + text.slice(end)
        : text.slice(0, start) + text.slice(end + (text[end] === ',' ? 1 : 0));
  }
  // Whether a row precedes: counted, not read from the text (reading the end of a rope would copy all of it).
  let rows = base.trail.length - edits.removed.length;
  let body = text;
  for (const p of edits.added) body += (rows++ > 0 ? ',' : '') + rowOf(p, t0);
  return body;
}

/**
 * `encodeTrail` and `decodeTrail` with a memory of the last `capacity` texts: a provider that reads back the
 * trail it wrote a second ago neither parses it nor formats its 240 points again (the new text is the old one
 * without the row of the point thinned out, plus the new point's row). The answers are exactly those of the
 * plain functions; only the cost differs. Points must not be mutated. The memory belongs to whoever creates it.
 */
export function createTrailCodec(capacity = 32): TrailCodec {
  // Newest last. Looked up with `===` (no hashing of 4 kB keys): equal texts compare quickly, and texts of
  // different trails differ within their first few characters.
  const recent: Encoded[] = [];
  const remember = (entry: Encoded): void => {
    recent.push(entry);
    if (recent.length > capacity) recent.shift();
  };
  return {
    encode(trail) {
      // The first point is never thinned out, so an earlier version of this trail starts with the same object.
      const first = trail[0];
      const base = first === undefined ? undefined : recent.findLast((e) => e.trail[0] === first);
      const body = (base === undefined ? undefined : bodyFrom(base, trail)) ?? bodyOf(trail);
      const text = body + TAIL;
      remember({ text, body, trail });
      return text;
    },
    decode(text) {
      const known = recent.findLast((e) => e.text === text);
      if (known !== undefined) return known.trail;
      const trail = decodeTrail(text);
      if (trail !== undefined) remember({ text, body: text.slice(0, -TAIL.length), trail });
      return trail;
    },
  };
}
