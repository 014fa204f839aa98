import { describe, expect, it } from 'vitest';
import type { AnalysisPhase } from '../../api/index.js';
import { assessAnalysisRun, effectiveCount, planMeasurements, resolveQuotedArgs, ttlExpiry } from './index.js';
import { analysisRun, drive, iso, metric, phases, T0 } from './testing.js';

const S: AnalysisPhase = 'Successful';
const F: AnalysisPhase = 'Failed';
const I: AnalysisPhase = 'Inconclusive';
const E: AnalysisPhase = 'Error';

describe('effective count (§3.5)', () => {
  it.each([
    ['neither count nor interval means 1', {}, 1],
    ['count 0 without interval means 1', { count: 0 }, 1],
    ['interval alone means unbounded', { interval: '10s' }, undefined],
    ['count 0 with interval means unbounded', { count: 0, interval: '10s' }, undefined],
    ['count 3 means 3', { count: 3, interval: '10s' }, 3],
    ['count as a numeric string', { count: '4', interval: '10s' }, 4],
  ])('%s', (_title, fields, expected) => {
    expect(effectiveCount(metric('m', fields))).toBe(expected);
  });

  it('a metric with neither count nor interval is measured exactly once', () => {
    const d = drive(analysisRun([metric('m')]), phases(S));
    expect(d.log).toHaveLength(1);
    expect(d.run.status?.phase).toBe('Successful');
    expect(d.run.status?.metricResults?.[0]).toMatchObject({ count: 1, successful: 1, phase: 'Successful' });
  });

  it('a metric with interval alone keeps measuring until the run is terminated, then is Successful', () => {
    const d = drive(analysisRun([metric('m', { interval: '10s' })]), phases(S), { terminateAt: T0 + 95_000 });
    expect(d.log.length).toBeGreaterThanOrEqual(9);
    expect(d.run.status).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
  });

  it('count stops measuring once reached, and errors do not count', () => {
    const d = drive(analysisRun([metric('m', { count: 3, interval: '10s', consecutiveErrorLimit: 10 })]), phases(E, S));
    expect(d.log.map((l) => l.phase)).toEqual([E, S, S, S]);
    expect(d.run.status?.metricResults?.[0]).toMatchObject({ count: 3, error: 1, successful: 3 });
  });
});

describe('when measurements are taken (§3.5)', () => {
  it('interval: the next measurement comes strictly after finishedAt + interval', () => {
    const d = drive(analysisRun([metric('m', { count: 3, interval: '30s' })]), phases(S));
    expect(d.log.map((l) => l.at - T0)).toEqual([0, 30_001, 60_002]);
  });

  it('initialDelay: the first measurement waits for startedAt + initialDelay', () => {
    const run = analysisRun([metric('m', { initialDelay: '1m' })]);
    expect(planMeasurements(run, T0)).toHaveLength(0);
    const first = assessAnalysisRun(run, T0);
    expect(first.status.phase).toBe('Running');
    expect(first.wakeAt).toBe(T0 + 60_000);
    const d = drive(run, phases(S));
    expect(d.log.map((l) => l.at - T0)).toEqual([60_000]);
  });

  it('the retry after an Error is 10 s, whatever interval says', () => {
    const d = drive(analysisRun([metric('m', { count: 2, interval: '5m' })]), phases(E, S, S));
    expect(d.log.map((l) => l.at - T0)).toEqual([0, 10_001, 310_002]);
  });

  it('the retry after an Error of a single-measurement metric is 10 s', () => {
    const d = drive(analysisRun([metric('m')]), phases(E, E, S));
    expect(d.log.map((l) => l.at - T0)).toEqual([0, 10_001, 20_002]);
    expect(d.run.status?.phase).toBe('Successful');
  });

  it('an asynchronous measurement is resumed at its resumeAt and finished then', () => {
    const d = drive(analysisRun([metric('m')]), (task, _n, now) =>
      task.action === 'run' ? { phase: 'Running', resumeAt: iso(now + 7_000) } : { phase: 'Successful' },
    );
    expect(d.log.map((l) => [l.at - T0, l.action])).toEqual([
      [0, 'run'],
      [7_000, 'resume'],
    ]);
    const m = d.run.status?.metricResults?.[0]?.measurements?.[0];
    expect(m).toMatchObject({ phase: 'Successful', startedAt: iso(T0), finishedAt: iso(T0 + 7_000) });
    expect(m?.resumeAt).toBeUndefined();
  });
});

describe('counters (§3.6)', () => {
  it.each([
    [
      'Successful: successful++, count++, consecutiveSuccess++, consecutiveError reset',
      [E, S],
      { successful: 1, count: 1, consecutiveSuccess: 1, consecutiveError: 0, error: 1 },
    ],
    [
      'Failed: failed++, count++, both consecutive counters reset',
      [S, F],
      { failed: 1, count: 2, consecutiveSuccess: 0, consecutiveError: 0 },
    ],
    [
      'Inconclusive: inconclusive++, count++, both consecutive counters reset',
      [S, I],
      { inconclusive: 1, count: 2, consecutiveSuccess: 0, consecutiveError: 0 },
    ],
    [
      'Error: error++, consecutiveError++, consecutiveSuccess reset, count unchanged',
      [S, E, E],
      { error: 2, count: 1, consecutiveSuccess: 0, consecutiveError: 2 },
    ],
  ])('%s', (_title, sequence, expected) => {
    const m = metric('m', { interval: '10s', failureLimit: 5, inconclusiveLimit: 5 });
    const d = drive(analysisRun([m]), phases(...(sequence as AnalysisPhase[])), { maxPasses: sequence.length });
    expect(d.run.status?.metricResults?.[0]).toMatchObject(expected);
  });
});

describe('limits with strict > (§3.6)', () => {
  it.each([
    [
      'failureLimit 0 fails on the first failure',
      { failureLimit: 0 },
      [F],
      1,
      'Failed',
      'failed (1) > failureLimit (0)',
    ],
    [
      'failureLimit 2 fails on the third failure',
      { failureLimit: 2 },
      [F],
      3,
      'Failed',
      'failed (3) > failureLimit (2)',
    ],
    [
      'failures at or below failureLimit do not stop success',
      { failureLimit: 2, count: 4 },
      [F, F, S],
      4,
      'Successful',
      undefined,
    ],
    [
      'inconclusiveLimit 0 is Inconclusive on the first',
      { inconclusiveLimit: 0 },
      [I],
      1,
      'Inconclusive',
      'inconclusive (1) > inconclusiveLimit (0)',
    ],
    [
      'inconclusiveLimit 1 is Inconclusive on the second',
      { inconclusiveLimit: 1 },
      [I],
      2,
      'Inconclusive',
      'inconclusive (2) > inconclusiveLimit (1)',
    ],
    [
      'consecutiveErrorLimit defaults to 4: Error on the fifth in a row',
      {},
      [E],
      5,
      'Error',
      'consecutiveErrors (5) > consecutiveErrorLimit (4)',
    ],
    [
      'consecutiveErrorLimit 0 errors on the first',
      { consecutiveErrorLimit: 0 },
      [E],
      1,
      'Error',
      'consecutiveErrors (1) > consecutiveErrorLimit (0)',
    ],
    ['a success resets consecutive errors', { count: 7 }, [E, E, E, E, S, E, E, E, E, S], 10, 'Running', undefined],
  ])('%s', (...row) => {
    const [, fields, sequence, measurements, phase, reason] = row;
    const m = metric('m', { interval: '10s', ...fields });
    const d = drive(analysisRun([m]), phases(...(sequence as AnalysisPhase[])), { maxPasses: measurements });
    expect(d.log).toHaveLength(measurements);
    expect(d.run.status?.phase).toBe(phase);
    if (reason !== undefined) expect(d.run.status?.message).toBe(`Metric "m" assessed ${phase} due to ${reason}`);
  });

  it('the last match wins: Error beats Inconclusive beats Failed', () => {
    const m = metric('m', { interval: '10s', failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 0 });
    const result = { name: 'm', phase: 'Running' as const, failed: 1, inconclusive: 1, consecutiveError: 1, count: 2 };
    const run = analysisRun([m]);
    run.status = {
      phase: 'Running',
      startedAt: iso(T0),
      metricResults: [{ ...result, measurements: [{ phase: 'Error', finishedAt: iso(T0), message: 'boom' }] }],
    };
    const a = assessAnalysisRun(run, T0);
    expect(a.status.phase).toBe('Error');
    expect(a.status.message).toBe(
      'Metric "m" assessed Error due to consecutiveErrors (1) > consecutiveErrorLimit (0): "Error Message: boom"',
    );
    run.status.metricResults = [
      { ...result, consecutiveError: 0, measurements: [{ phase: 'Inconclusive', finishedAt: iso(T0) }] },
    ];
    expect(assessAnalysisRun(run, T0).status.phase).toBe('Inconclusive');
  });

  it('failureLimit -1 turns the failure check off (with consecutiveSuccessLimit)', () => {
    const m = metric('m', { interval: '10s', count: 5, failureLimit: -1, consecutiveSuccessLimit: 2 });
    const d = drive(analysisRun([m]), phases(F, F, F, S, S));
    expect(d.run.status?.phase).toBe('Successful');
    expect(d.log).toHaveLength(5);
  });
});

describe('consecutiveSuccessLimit (§3.6)', () => {
  it.each([
    [
      'reaching it is Successful at once',
      { count: 10, failureLimit: 1, consecutiveSuccessLimit: 2 },
      [F, S, S],
      'Successful',
      3,
    ],
    [
      'count used up with failureLimit and consecutiveSuccessLimit both active is Inconclusive',
      { count: 4, failureLimit: 2, consecutiveSuccessLimit: 2 },
      [F, S, F, S],
      'Inconclusive',
      4,
    ],
    [
      'count used up with only consecutiveSuccessLimit active is Failed',
      { count: 3, failureLimit: -1, consecutiveSuccessLimit: 2 },
      [S, F, S],
      'Failed',
      3,
    ],
  ])('%s', (_title, fields, sequence, phase, measurements) => {
    const d = drive(
      analysisRun([metric('m', { interval: '10s', ...fields })]),
      phases(...(sequence as AnalysisPhase[])),
    );
    expect(d.run.status?.phase).toBe(phase);
    expect(d.log).toHaveLength(measurements);
  });
});

describe('run phase from metric phases (§3.7)', () => {
  it.each([
    ['worst phase: Successful and Inconclusive give Inconclusive', [S, I], 'Inconclusive'],
    ['worst phase: Inconclusive and Error give Error', [I, E], 'Error'],
    ['worst phase: Error and Failed give Failed', [E, F, S], 'Failed'],
    ['all Successful give Successful', [S, S], 'Successful'],
  ])('%s', (_title, verdicts, expected) => {
    const metrics = verdicts.map((_, i) => metric(`m${i}`, { consecutiveErrorLimit: 0 }));
    const d = drive(analysisRun(metrics), (task) => ({ phase: verdicts[Number(task.metricName.slice(1))] ?? S }));
    expect(d.run.status?.phase).toBe(expected);
    expect(d.run.status?.runSummary?.count).toBe(verdicts.length);
    expect(d.run.status?.completedAt).toBeDefined();
  });

  it('fail fast: one Failed metric ends the run; an unbounded metric then counts as Successful', () => {
    const run = analysisRun([metric('bad', { interval: '10s', count: 10 }), metric('forever', { interval: '10s' })]);
    const d = drive(run, (task, n) => ({ phase: task.metricName === 'bad' && n === 2 ? F : S }));
    expect(d.run.status?.phase).toBe('Failed');
    expect(d.run.status?.message).toBe('Metric "bad" assessed Failed due to failed (1) > failureLimit (0)');
    expect(d.run.status?.metricResults?.find((r) => r.name === 'forever')?.phase).toBe('Successful');
    expect(d.run.status?.runSummary).toMatchObject({ count: 2, successful: 1, failed: 1 });
    expect(d.log.filter((l) => l.metricName === 'bad')).toHaveLength(3);
  });

  it('fail fast terminates an in-flight asynchronous measurement', () => {
    const run = analysisRun([metric('bad'), metric('job')]);
    const d = drive(run, (task, _n, now) => {
      if (task.metricName === 'bad') return { phase: F };
      return task.action === 'terminate' ? { phase: I } : { phase: 'Running', resumeAt: iso(now + 60_000) };
    });
    expect(d.log.map((l) => [l.metricName, l.action])).toEqual([
      ['bad', 'run'],
      ['job', 'run'],
      ['job', 'terminate'],
    ]);
    expect(d.run.status?.phase).toBe('Failed');
    expect(d.run.status?.metricResults?.find((r) => r.name === 'job')?.measurements?.[0]?.message).toBe(
      'Metric Terminated',
    );
  });

  it('the message carries the last measurement message as "Error Message"', () => {
    const d = drive(analysisRun([metric('m', { consecutiveErrorLimit: 0 })]), () => ({
      phase: E,
      message: 'connection refused',
    }));
    expect(d.run.status?.message).toBe(
      'Metric "m" assessed Error due to consecutiveErrors (1) > consecutiveErrorLimit (0): "Error Message: connection refused"',
    );
  });
});

describe('dryRun (§3.7)', () => {
  it('a failing dry-run metric never affects the phase and is tallied in dryRunSummary', () => {
    const run = analysisRun([metric('real'), metric('trial')], { dryRun: [{ metricName: 'trial' }] });
    const d = drive(run, (task) => ({ phase: task.metricName === 'trial' ? F : S }));
    expect(d.run.status?.phase).toBe('Successful');
    expect(d.run.status?.runSummary).toMatchObject({ count: 1, successful: 1, failed: 0 });
    expect(d.run.status?.dryRunSummary).toMatchObject({ count: 1, failed: 1 });
    const trial = d.run.status?.metricResults?.find((r) => r.name === 'trial');
    expect(trial).toMatchObject({
      dryRun: true,
      phase: 'Failed',
      message: 'Metric assessed Failed due to failed (1) > failureLimit (0)',
    });
  });

  it('a dry-run metric does not make the run fail fast', () => {
    const run = analysisRun([metric('real', { count: 3, interval: '10s' }), metric('trial')], {
      dryRun: [{ metricName: 'tri.*' }],
    });
    const d = drive(run, (task) => ({ phase: task.metricName === 'trial' ? F : S }));
    expect(d.log.filter((l) => l.metricName === 'real')).toHaveLength(3);
    expect(d.run.status?.phase).toBe('Successful');
  });
});

describe('dryRun everywhere', () => {
  it('a run whose metrics are all dry runs completes Successful', () => {
    const d = drive(analysisRun([metric('a'), metric('b')], { dryRun: [{ metricName: '*' }] }), phases(F));
    expect(d.run.status?.phase).toBe('Successful');
    expect(d.run.status?.dryRunSummary).toMatchObject({ count: 2, failed: 2 });
  });
});

describe('measurementRetention (§3.4)', () => {
  it.each([
    ['keeps the last 10 measurements by default', undefined, 10],
    ['keeps measurementRetention[].limit for a matching metric', [{ metricName: 'm', limit: 3 }], 3],
    ['matches measurementRetention by regular expression', [{ metricName: 'o.*', limit: 2 }], 10],
  ])('%s', (_title, retention, kept) => {
    const run = analysisRun(
      [metric('m', { count: 15, interval: '1s' })],
      retention ? { measurementRetention: retention } : {},
    );
    const d = drive(run, phases(S));
    const result = d.run.status?.metricResults?.[0];
    expect(result?.count).toBe(15);
    expect(result?.measurements).toHaveLength(kept);
    expect(result?.measurements?.[kept - 1]?.value).toBe('14');
  });
});

describe('terminate (§3.8)', () => {
  it('a run terminated before any measurement is Successful with "Run Terminated"', () => {
    const run = analysisRun([metric('m', { initialDelay: '5m' })], { terminate: true });
    const a = assessAnalysisRun(run, T0);
    expect(a.status).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
    expect(planMeasurements(run, T0 + 600_000)).toHaveLength(0);
  });

  it('terminating keeps a breach already seen: Failed stays Failed', () => {
    const run = analysisRun([metric('a', { interval: '10s', failureLimit: 1 }), metric('b', { interval: '10s' })]);
    const d = drive(run, (task) => ({ phase: task.metricName === 'a' ? F : S }), { terminateAt: T0 + 5_000 });
    expect(d.run.status).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
    const d2 = drive(
      analysisRun([metric('a', { interval: '10s', inconclusiveLimit: 0 }), metric('b', { interval: '10s' })]),
      (task) => ({ phase: task.metricName === 'a' ? I : S }),
      { terminateAt: T0 + 5_000 },
    );
    expect(d2.run.status?.phase).toBe('Inconclusive');
  });

  it('an in-flight measurement is terminated; Successful or Inconclusive get "Metric Terminated"', () => {
    const run = analysisRun([metric('job')]);
    const d = drive(
      run,
      (task, _n, now) =>
        task.action === 'terminate' ? { phase: I } : { phase: 'Running', resumeAt: iso(now + 60_000) },
      { terminateAt: T0 + 1_000 },
    );
    expect(d.log.map((l) => l.action)).toEqual(['run', 'terminate']);
    const result = d.run.status?.metricResults?.[0];
    expect(result?.measurements?.[0]).toMatchObject({ phase: 'Inconclusive', message: 'Metric Terminated' });
    expect(d.run.status?.phase).toBe('Inconclusive');
  });
});

describe('args and templating (§3.3)', () => {
  it('{{args.x}} is substituted in every field, spaces inside the braces trimmed, values escaped for the JSON round trip', () => {
    const m = metric('m', {
      successCondition: 'result == "{{ args.word }}"',
      count: '{{args.count}}',
      interval: '{{args.every}}',
      provider: { web: { url: 'http://127.0.0.1:9/{{args.path}}' } },
    });
    const run = analysisRun([m], {
      args: [
        { name: 'word', value: 'say "hi"' },
        { name: 'count', value: '2' },
        { name: 'every', value: '5s' },
        { name: 'path', value: 'x' },
      ],
    });
    const [task] = planMeasurements(run, T0);
    expect(task?.metric.successCondition).toBe('result == "say "hi""');
    expect(task?.metric.provider.web?.url).toBe('http://127.0.0.1:9/x');
    const d = drive(run, phases(S));
    expect(d.log.map((l) => l.at - T0)).toEqual([0, 5_001]);
  });

  it('an unknown placeholder puts the run in Error: "Unable to resolve metric arguments"', () => {
    const run = analysisRun([metric('m', { successCondition: 'result > {{args.missing}}' })]);
    expect(planMeasurements(run, T0)).toEqual([]);
    expect(assessAnalysisRun(run, T0).status).toMatchObject({
      phase: 'Error',
      message: 'Unable to resolve metric arguments: failed to resolve {{args.missing}}',
    });
  });

  it.each([
    ['an arg without value', [{ name: 'x' }], 'Unable to resolve metric arguments: args.x was not resolved'],
    [
      'a secret arg whose secret was not found',
      [{ name: 'x', valueFrom: { secretKeyRef: { name: 'db', key: 'k' } } }],
      'Unable to resolve metric arguments: secret "db" not found',
    ],
  ])('%s is an Error', (_title, args, message) => {
    expect(assessAnalysisRun(analysisRun([metric('m')], { args }), T0).status).toMatchObject({
      phase: 'Error',
      message,
    });
  });

  it('an invalid spec after resolution is an Error: "Analysis spec invalid"', () => {
    const run = analysisRun([metric('m', { count: '{{args.n}}' })], { args: [{ name: 'n', value: '3' }] });
    expect(assessAnalysisRun(run, T0).status.message).toMatch(
      /^Analysis spec invalid: .*interval must be specified when count > 1/,
    );
  });

  it('valueFrom.secretKeyRef: the provider gets the secret, every stored message shows *****', () => {
    const run = analysisRun([metric('m', { provider: { web: { url: 'http://127.0.0.1:9/?token={{args.token}}' } } })], {
      args: [{ name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'token' } } }],
    });
    const secrets = { token: 's3cr3t' };
    const [task] = planMeasurements(run, T0, { secrets });
    expect(task?.metric.provider.web?.url).toBe('http://127.0.0.1:9/?token=s3cr3t');
    const a = assessAnalysisRun(
      run,
      T0,
      [
        {
          metricName: 'm',
          action: 'run',
          measurement: {
            phase: 'Error',
            message: 'GET http://127.0.0.1:9/?token=s3cr3t failed',
            metadata: { url: 's3cr3t' },
          },
          metricMetadata: { q: 'token=s3cr3t' },
        },
      ],
      { secrets },
    );
    const text = JSON.stringify(a.status);
    expect(text).not.toContain('s3cr3t');
    expect(a.status.metricResults?.[0]?.measurements?.[0]?.message).toBe('GET http://127.0.0.1:9/?token=***** failed');
    expect(a.status.metricResults?.[0]?.metadata).toEqual({ q: 'token=*****' });
  });

  it('resolveQuotedArgs names the first placeholder it cannot resolve', () => {
    expect(resolveQuotedArgs('{{args.a}} {{ templates.x }}', new Map([['a', '1']]))).toEqual({
      ok: false,
      error: 'failed to resolve {{templates.x}}',
    });
  });
});

describe('run lifecycle', () => {
  it('a new run goes straight to Running with startedAt, and a completed run is left alone', () => {
    const run = analysisRun([metric('m', { interval: '10s' })]);
    const a = assessAnalysisRun(run, T0);
    expect(a.status).toMatchObject({ phase: 'Running', startedAt: iso(T0) });
    expect(a.wakeAt).toBe(T0);
    const done = { ...run, status: { phase: 'Failed' as const, message: 'x' } };
    expect(assessAnalysisRun(done, T0 + 1)).toEqual({ status: done.status, wakeAt: undefined, transitions: [] });
    expect(planMeasurements(done, T0 + 1)).toEqual([]);
  });
});

describe('ttlStrategy (§3.4)', () => {
  const done = (phase: AnalysisPhase, ttl: NonNullable<ReturnType<typeof analysisRun>['spec']['ttlStrategy']>) => ({
    ...analysisRun([metric('m')], { ttlStrategy: ttl }),
    status: { phase, completedAt: iso(T0) },
  });
  it.each([
    ['secondsAfterCompletion applies to any completed run', 'Error', { secondsAfterCompletion: 60 }, T0 + 60_000],
    [
      'secondsAfterSuccess applies to a Successful run',
      'Successful',
      { secondsAfterCompletion: 60, secondsAfterSuccess: 5 },
      T0 + 5_000,
    ],
    [
      'secondsAfterFailure applies to a Failed run',
      'Failed',
      { secondsAfterCompletion: 60, secondsAfterFailure: 1 },
      T0 + 1_000,
    ],
    ['secondsAfterSuccess does not apply to a Failed run', 'Failed', { secondsAfterSuccess: 5 }, undefined],
  ] as const)('%s', (_title, phase, ttl, expected) => {
    expect(ttlExpiry(done(phase, ttl))).toBe(expected);
  });

  it('a running run never expires', () => {
    expect(
      ttlExpiry({
        ...analysisRun([metric('m')], { ttlStrategy: { secondsAfterCompletion: 0 } }),
        status: { phase: 'Running' },
      }),
    ).toBeUndefined();
  });
});
