import { describe, expect, it } from 'vitest';
import { describeJudgeResult, formatEvidence, parseJudgeResult } from './describe.js';
import { resolveJudgeConfig } from './config.js';
import { initJudgeState, updateJudge } from './judge.js';
import { judgeResultOf, type JudgeResult } from './result.js';

function result(fields: Partial<JudgeResult> = {}): JudgeResult {
  return {
    verdict: 'fail',
    eValue: 1234.4,
    threshold: 20,
    pValue: 0.0008,
    errorsEValue: 1234.4,
    latencyEValue: null,
    canary: { requests: 212, errors: 102, errorRate: 102 / 212, meanLatencyMs: null },
    stable: { requests: 208, errors: 1, errorRate: 1 / 208, meanLatencyMs: null },
    batches: 7,
    cause: 'errors',
    explanation: '',
    ...fields,
  };
}

describe('describeJudgeResult', () => {
  it.each<[string, Partial<JudgeResult>, string]>([
    [
      'a failed canary',
      {},
      'canary error rate 48.1% vs stable 0.5% over 212 vs 208 requests; evidence 1,234 ≥ 20 (1/α): the canary is worse',
    ],
    [
      'a slower canary',
      {
        cause: 'latency',
        eValue: 31.2,
        canary: { requests: 40, errors: 0, errorRate: 0, meanLatencyMs: 151.4 },
        stable: { requests: 44, errors: 0, errorRate: 0, meanLatencyMs: 50.2 },
      },
      'canary error rate 0.0% vs stable 0.0% over 40 vs 44 requests; mean latency 151 ms vs 50 ms; ' +
        'evidence 31.2 ≥ 20 (1/α): the canary is slower',
    ],
    [
      'a passing canary',
      { verdict: 'pass', cause: null, eValue: 0.42 },
      'canary error rate 48.1% vs stable 0.5% over 212 vs 208 requests; evidence 0.42 < 20 (1/α): ' +
        'no sign that the canary is worse so far',
    ],
    [
      'no traffic',
      {
        verdict: 'continue',
        cause: null,
        eValue: 1,
        canary: { requests: 0, errors: 0, errorRate: null, meanLatencyMs: null },
        stable: { requests: 0, errors: 0, errorRate: null, meanLatencyMs: null },
      },
      'no traffic seen yet on either arm; evidence 1 < 20 (1/α): not enough traffic to say yet',
    ],
  ])('%s', (_name, fields, text) => {
    expect(describeJudgeResult(result(fields))).toBe(text);
  });

  it('describes what the judge itself produced', () => {
    const config = resolveJudgeConfig({ latency: { enabled: false } });
    const update = updateJudge(
      initJudgeState(config),
      { canary: { requests: 40, errors: 20 }, stable: { requests: 40, errors: 0 } },
      config,
    );
    const text = describeJudgeResult(judgeResultOf(update));
    expect(text).toMatch(
      /^canary error rate 50\.0% vs stable 0\.0% over 40 vs 40 requests; evidence .* ≥ 20 \(1\/α\): the canary is worse$/,
    );
  });
});

describe('formatEvidence', () => {
  it.each([
    [0.123, '0.12'],
    [1, '1'],
    [19.96, '20'],
    [1234.4, '1,234'],
    [3.2e12, '3.2e+12'],
  ])('%d -> %s', (x, text) => {
    expect(formatEvidence(x)).toBe(text);
  });
});

describe('parseJudgeResult', () => {
  it('reads back a stored value', () => {
    expect(parseJudgeResult(JSON.stringify(result()))).toEqual(result());
  });

  it.each([undefined, '', 'not json', '0.5', '{"verdict":"maybe","eValue":1,"threshold":20}', '{"verdict":"pass"}'])(
    '%j is not a judge result',
    (value) => {
      expect(parseJudgeResult(value)).toBeUndefined();
    },
  );
});
