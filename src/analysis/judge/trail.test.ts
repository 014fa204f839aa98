import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateJudge, initJudgeState, updateJudge } from './judge.js';
import { resolveJudgeConfig } from './config.js';
import { judgeResultOf } from './result.js';
import type { JudgeResult } from './result.js';
import {
  appendToTrail,
  createTrailCodec,
  decodeTrail,
  DEFAULT_TRAIL_LIMITS,
  encodeTrail,
  thinTrail,
  trailDriverOf,
  trailPeakIndex,
  trailPointOf,
} from './trail.js';
import type { EvidenceTrail, TrailLimits, TrailPoint } from './trail.js';

const T0 = Date.parse('2026-05-06T07:08:09.000Z');

function foldPoints(points: readonly TrailPoint[], limits: TrailLimits): EvidenceTrail {
  return points.reduce<EvidenceTrail>((trail, p) => appendToTrail(trail, p, limits), []);
}

const pointsAt = (rows: readonly (readonly [number, number])[]): TrailPoint[] =>
  rows.map(([at, eValue]) => ({ at, eValue }));

/** The real judge after one batch: a canary with more errors, or (with latency) a slower canary without errors. */
function realResult(latency: boolean): JudgeResult {
  const config = resolveJudgeConfig({ latency: { enabled: latency } });
  const state = initJudgeState(config);
  const ms = (from: number) => Array.from({ length: 200 }, (_, i) => from + (i % 40));
  const update = updateJudge(
    state,
    latency
      ? {
          canary: { requests: 200, errors: 0, latenciesMs: ms(150) },
          stable: { requests: 200, errors: 0, latenciesMs: ms(40) },
        }
      : { canary: { requests: 40, errors: 4 }, stable: { requests: 40, errors: 0 } },
    config,
  );
  return judgeResultOf(update);
}

describe('trailPointOf', () => {
  it('keeps the time and the e-value to 4 significant digits; errors drive it when only errors count', () => {
    const result = realResult(false);
    expect(result.latencyEValue).toBeNull();
    const point = trailPointOf(result, T0 + 0.7);
    expect(point).toEqual({ at: T0, eValue: Number(result.eValue.toPrecision(4)) });
    expect(trailDriverOf(point)).toBe('errors');
  });

  it('marks a point whose evidence the latency test drove', () => {
    const result = realResult(true);
    expect(result.latencyEValue).toBeGreaterThan(result.errorsEValue);
    const point = trailPointOf(result, T0);
    expect(point).toEqual({ at: T0, eValue: Number(result.eValue.toPrecision(4)), driver: 'latency' });
    expect(trailDriverOf(point)).toBe('latency');
    // Errors leading while latency is compared: no mark.
    expect(trailPointOf({ ...result, errorsEValue: 9, latencyEValue: 2 }, T0).driver).toBeUndefined();
  });

  it('a baseline result is evidence 1, and the largest finite e-value stays finite', () => {
    const config = resolveJudgeConfig({});
    const baseline = judgeResultOf(evaluateJudge(initJudgeState(config), config));
    expect(trailPointOf(baseline, T0).eValue).toBe(1);
    const huge = trailPointOf({ ...baseline, eValue: Number.MAX_VALUE }, T0);
    expect(huge.eValue).toBe(Number.MAX_VALUE);
    expect(decodeTrail(encodeTrail([huge]))).toEqual([huge]);
  });
});

describe('appendToTrail', () => {
  const limits: TrailLimits = { maxPoints: 5, recentPoints: 2, batch: 1 };

  it.each<[string, [number, number][], [number, number][]]>([
    [
      'keeps every point while there is room',
      [
        [0, 1],
        [1, 2],
        [2, 3],
      ],
      [
        [0, 1],
        [1, 2],
        [2, 3],
      ],
    ],
    [
      'replaces the last point when a new one has the same time',
      [
        [0, 1],
        [1, 2],
        [1, 5],
      ],
      [
        [0, 1],
        [1, 5],
      ],
    ],
    [
      'leaves out a point older than the last one',
      [
        [0, 1],
        [5, 2],
        [3, 9],
      ],
      [
        [0, 1],
        [5, 2],
      ],
    ],
    [
      'leaves out a point with a non-finite e-value',
      [
        [0, 1],
        [1, Number.NaN],
        [2, Number.POSITIVE_INFINITY],
      ],
      [[0, 1]],
    ],
    [
      'leaves out a point with a non-finite time',
      [
        [0, 1],
        [Number.NaN, 3],
      ],
      [[0, 1]],
    ],
    [
      // t1 goes first (smallest gap, earliest on a tie), then t3, then t5: older points thin out evenly
      'thins older points towards an even spread, keeping the first and the newest',
      [
        [0, 1],
        [1, 2],
        [2, 9],
        [3, 3],
        [4, 4],
        [5, 5],
        [6, 6],
        [7, 1],
      ],
      [
        [0, 1],
        [2, 9],
        [4, 4],
        [6, 6],
        [7, 1],
      ],
    ],
    [
      // t11 leaves the smallest gap, but it is the peak: t12 goes instead
      'never thins the peak away',
      [
        [0, 1],
        [10, 1],
        [11, 9],
        [12, 1],
        [20, 1],
        [30, 1],
      ],
      [
        [0, 1],
        [10, 1],
        [11, 9],
        [20, 1],
        [30, 1],
      ],
    ],
    [
      'keeps the earliest of equal peaks',
      [
        [0, 1],
        [10, 7],
        [11, 7],
        [12, 7],
        [20, 1],
        [21, 1],
      ],
      [
        [0, 1],
        [10, 7],
        [12, 7],
        [20, 1],
        [21, 1],
      ],
    ],
  ])('%s', (_, input, expected) => {
    expect(foldPoints(pointsAt(input), limits)).toEqual(pointsAt(expected));
  });

  it('holds the default bound over a long run: first, peak and the newest 60 at full resolution', () => {
    expect(DEFAULT_TRAIL_LIMITS).toEqual({ maxPoints: 240, recentPoints: 60, batch: 24 });
    const points = Array.from({ length: 2000 }, (_, i) => ({
      at: T0 + 2000 * i,
      eValue: i === 700 ? 50 : 1 + (i % 7),
    }));
    const trail = foldPoints(points, DEFAULT_TRAIL_LIMITS);
    expect(trail.length).toBeLessThanOrEqual(240);
    expect(trail.length).toBeGreaterThanOrEqual(240 - 24 + 1);
    expect(trail[0]).toBe(points[0]);
    expect(trail[trailPeakIndex(trail)]).toBe(points[700]);
    expect(trail.slice(-60)).toEqual(points.slice(-60));
    // The older part is spread evenly over the whole run, not bunched at one end (leaving out the points that
    // left the newest 60 since the last thinning, still at full resolution).
    const older = trail.slice(0, -60 - 24);
    const gaps = older.slice(1).map((p, i) => p.at - (older[i]?.at ?? 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(3 * Math.min(...gaps));
  });

  it('drops a batch of points at once when full, then takes new points without thinning until full again', () => {
    // 7 points overflow 6: drop t1, t3, t4 (smallest gaps, earliest on a tie) down to 6 - 3 + 1 = 4 points
    const limits3: TrailLimits = { maxPoints: 6, recentPoints: 2, batch: 3 };
    const points = pointsAt(Array.from({ length: 9 }, (_, i) => [i, 1] as [number, number]));
    expect(foldPoints(points.slice(0, 7), limits3).map((p) => p.at)).toEqual([0, 2, 5, 6]);
    expect(foldPoints(points, limits3).map((p) => p.at)).toEqual([0, 2, 5, 6, 7, 8]);
  });

  it.each<[string, TrailLimits]>([
    ['recentPoints below 1', { maxPoints: 10, recentPoints: 0, batch: 1 }],
    ['no room for the first point and the peak', { maxPoints: 5, recentPoints: 4, batch: 1 }],
    ['a batch that leaves no room', { maxPoints: 10, recentPoints: 4, batch: 6 }],
    ['a batch of 0', { maxPoints: 10, recentPoints: 4, batch: 0 }],
    ['a fraction', { maxPoints: 10.5, recentPoints: 2, batch: 1 }],
  ])('rejects limits with %s', (_, bad) => {
    expect(() => appendToTrail([], { at: 0, eValue: 1 }, bad)).toThrow(/recentPoints/);
    expect(() => thinTrail([], bad)).toThrow(/maxPoints/);
  });
});

describe('thinTrail', () => {
  it('returns a trail that fits as it is, and cuts a longer one (e.g. from larger limits) down to the bound', () => {
    const trail = pointsAt(Array.from({ length: 30 }, (_, i) => [i * 1000, i === 3 ? 99 : 1] as [number, number]));
    expect(thinTrail(trail.slice(0, 5), { maxPoints: 5, recentPoints: 2, batch: 1 })).toEqual(trail.slice(0, 5));
    const thin = thinTrail(trail, { maxPoints: 8, recentPoints: 3, batch: 1 });
    expect(thin).toHaveLength(8);
    expect(thin[0]).toBe(trail[0]);
    expect(thin).toContain(trail[3]);
    expect(thin.slice(-3)).toEqual(trail.slice(-3));
  });
});

describe('encodeTrail / decodeTrail', () => {
  const trail: TrailPoint[] = [
    { at: T0, eValue: 1 },
    { at: T0 + 2000, eValue: 2.5, driver: 'latency' },
    { at: T0 + 4000, eValue: 0.0123 },
  ];

  it('round-trips, in a compact form', () => {
    const text = encodeTrail(trail);
    expect(text).toBe(`{"v":1,"t0":${T0},"points":[[0,1],[2000,2.5,1],[4000,0.0123]]}`);
    expect(JSON.parse(text)).toEqual({
      v: 1,
      t0: T0,
      points: [
        [0, 1],
        [2000, 2.5, 1],
        [4000, 0.0123],
      ],
    });
    expect(decodeTrail(text)).toEqual(trail);
    expect(decodeTrail(encodeTrail([]))).toEqual([]);
  });

  it.each([
    ['not JSON', '{"v":1,'],
    ['not an object', '[1,2]'],
    ['null', 'null'],
    ['another version', '{"v":2,"t0":0,"points":[]}'],
    ['no points', '{"v":1,"t0":0}'],
    ['no t0', '{"v":1,"points":[[0,1]]}'],
    ['a row of four numbers', '{"v":1,"t0":0,"points":[[1,2,1,1]]}'],
    ['a row marked other than 1', '{"v":1,"t0":0,"points":[[1,2,2]]}'],
    ['a row with a string', '{"v":1,"t0":0,"points":[[1,"2"]]}'],
    ['a row that is not a list', '{"v":1,"t0":0,"points":[{"at":1,"eValue":2}]}'],
    ['points out of time order', '{"v":1,"t0":0,"points":[[5,1],[4,1]]}'],
    ['two points at one time', '{"v":1,"t0":0,"points":[[5,1],[5,2]]}'],
    ['a time beyond any number', '{"v":1,"t0":1e308,"points":[[1e308,1]]}'],
  ])('reads %s as no trail', (_, text) => {
    expect(decodeTrail(text)).toBeUndefined();
  });
});

describe('createTrailCodec', () => {
  it('answers exactly as encodeTrail and decodeTrail while a trail grows, thins, and is replaced', () => {
    const codec = createTrailCodec(4);
    const limits: TrailLimits = { maxPoints: 12, recentPoints: 4, batch: 3 };
    let text = codec.encode([]);
    for (let i = 0; i < 100; i++) {
      const before = codec.decode(text) ?? [];
      expect(before).toEqual(decodeTrail(text));
      const at = T0 + 1000 * (i % 10 === 9 ? i - 1 : i); // every tenth point replaces the one before
      const driver = i % 3 === 0 ? { driver: 'latency' as const } : {};
      const trail = appendToTrail(before, { at, eValue: (i * 37) % 11, ...driver }, limits);
      text = codec.encode(trail);
      expect(text).toBe(encodeTrail(trail));
    }
  });

  it('reads texts it did not make, and other runs’ trails in between, correctly', () => {
    const codec = createTrailCodec(2);
    const a = pointsAt([
      [1, 1],
      [2, 3],
    ]);
    const b = pointsAt([[5, 2]]);
    const textA = encodeTrail(a);
    expect(codec.decode(textA)).toEqual(a);
    expect(codec.encode(b)).toBe(encodeTrail(b));
    expect(codec.decode(textA.split('').join(''))).toEqual(a); // equal text, another string
    expect(codec.decode('nonsense')).toBeUndefined();
    // A hand-made trail with two points at one time is encoded exactly too (afresh).
    const twins = pointsAt([
      [1, 1],
      [2, 2],
      [2, 3],
      [4, 4],
    ]);
    expect(codec.encode(twins)).toBe(encodeTrail(twins));
    const fewer = [twins[0], twins[2], twins[3]].filter((p) => p !== undefined);
    expect(codec.encode(fewer)).toBe(encodeTrail(fewer));
    const grown = appendToTrail(codec.decode(textA) ?? [], { at: 9, eValue: 4 });
    expect(codec.encode(grown)).toBe(encodeTrail(grown));
  });
});

describe('evidence trail properties', () => {
  const step = fc.record({
    dt: fc.oneof(fc.constant(0), fc.integer({ min: -3, max: -1 }), fc.integer({ min: 1, max: 5000 })),
    eValue: fc.oneof(fc.constantFrom(0, 1, 7), fc.double({ min: 0, max: 1e9, noNaN: true })),
    latency: fc.boolean(),
  });
  const limits = fc
    .record({
      recentPoints: fc.integer({ min: 1, max: 8 }),
      spare: fc.integer({ min: 2, max: 12 }),
      batch: fc.integer({ min: 1, max: 11 }),
    })
    .map(({ recentPoints, spare, batch }) => ({
      recentPoints,
      maxPoints: recentPoints + spare,
      batch: Math.min(batch, spare - 1),
    }));

  it('the bound holds, order is kept, and the first point, the newest points and the peak survive', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), limits, (steps, lim) => {
        const codec = createTrailCodec(3);
        let text = codec.encode([]);
        let trail: EvidenceTrail = [];
        let full: TrailPoint[] = []; // the same appends without thinning
        let at = T0;
        for (const s of steps) {
          at += s.dt;
          const point: TrailPoint = {
            at,
            eValue: s.eValue,
            ...(s.latency ? { driver: 'latency' as const } : {}),
          };
          const last = full.at(-1);
          if (last === undefined || at > last.at) full = [...full, point];
          else if (at === last.at) full = [...full.slice(0, -1), point];
          trail = appendToTrail(codec.decode(text) ?? [], point, lim);
          text = codec.encode(trail);
          expect(text).toBe(encodeTrail(trail));
        }
        expect(trail.length).toBeLessThanOrEqual(lim.maxPoints);
        if (full.length <= lim.maxPoints) expect(trail.length).toBe(full.length);
        else expect(trail.length).toBeGreaterThanOrEqual(lim.maxPoints - lim.batch + 1);
        // a subsequence of all points, in strictly increasing time
        let k = 0;
        for (const p of trail) {
          while (k < full.length && full[k] !== p) k++;
          expect(k).toBeLessThan(full.length);
          k++;
        }
        for (let i = 1; i < trail.length; i++) expect(trail[i]?.at).toBeGreaterThan(trail[i - 1]?.at ?? 0);
        if (full.length === 0) return;
        expect(trail[0]).toBe(full[0]);
        expect(trail.slice(-lim.recentPoints)).toEqual(full.slice(-lim.recentPoints));
        expect(trail).toContain(full[trailPeakIndex(full)]);
        expect(decodeTrail(text)).toEqual(trail);
      }),
      { numRuns: 300 },
    );
  });
});
