import { describe, expect, it } from 'vitest';
import { batchFromReadings, type ArmReading, type JudgeReading } from './readings.js';

const BOUNDS = [10, 100];

function arm(requests: number, errors: number, cumulative?: number[], sumMs?: number): ArmReading {
  if (cumulative === undefined) return { requests, errors };
  return {
    requests,
    errors,
    latency: { upperBoundsMs: BOUNDS, cumulative, ...(sumMs === undefined ? {} : { sumMs }) },
  };
}

function reading(canary: ArmReading, stable: ArmReading): JudgeReading {
  return { canary, stable };
}

describe('batchFromReadings', () => {
  it('counts are increments between readings; histograms become per-bucket increments', () => {
    const before = reading(arm(10, 1, [2, 8, 10], 300), arm(20, 0, [5, 15, 20], 500));
    const after = reading(arm(16, 3, [3, 12, 16], 420), arm(30, 1, [9, 24, 30], 700));
    expect(batchFromReadings(before, after)).toEqual({
      canary: { requests: 6, errors: 2, latencyHistogram: { upperBoundsMs: BOUNDS, counts: [1, 3, 2], sumMs: 120 } },
      stable: { requests: 10, errors: 1, latencyHistogram: { upperBoundsMs: BOUNDS, counts: [4, 5, 1], sumMs: 200 } },
    });
  });

  it('without a previous reading the counters count from 0', () => {
    const now = reading(arm(4, 1, [1, 3, 4]), arm(2, 0, [2, 2, 2]));
    const batch = batchFromReadings(null, now);
    expect(batch.canary).toEqual({
      requests: 4,
      errors: 1,
      latencyHistogram: { upperBoundsMs: BOUNDS, counts: [1, 2, 1] },
    });
    expect(batch.stable.latencyHistogram?.counts).toEqual([2, 0, 0]);
  });

  it('a histogram that went down restarted from 0: its current counts are the increment', () => {
    const before = reading(arm(50, 0, [20, 40, 50]), arm(5, 0, [1, 2, 5]));
    const after = reading(arm(3, 0, [1, 2, 3]), arm(6, 0, [1, 3, 6]));
    const batch = batchFromReadings(before, after);
    expect(batch.canary).toMatchObject({ requests: 3, latencyHistogram: { counts: [1, 1, 1] } });
    expect(batch.stable.latencyHistogram?.counts).toEqual([0, 1, 0]);
  });

  it('an arm without a histogram gets an empty one with the same bounds', () => {
    const batch = batchFromReadings(reading(arm(0, 0), arm(0, 0)), reading(arm(3, 0, [1, 2, 3]), arm(2, 0)));
    expect(batch.stable.latencyHistogram).toEqual({ upperBoundsMs: BOUNDS, counts: [0, 0, 0] });
  });

  it('arms with different bounds, or none at all, give counts only', () => {
    const other: ArmReading = { requests: 1, errors: 0, latency: { upperBoundsMs: [5], cumulative: [1, 1] } };
    const mixed = batchFromReadings(null, reading(arm(2, 0, [1, 2, 2]), other));
    expect(mixed).toEqual({ canary: { requests: 2, errors: 0 }, stable: { requests: 1, errors: 0 } });
    expect(batchFromReadings(null, reading(arm(2, 1), arm(1, 0)))).toEqual({
      canary: { requests: 2, errors: 1 },
      stable: { requests: 1, errors: 0 },
    });
  });
});
