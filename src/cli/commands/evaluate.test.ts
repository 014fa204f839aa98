import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KanaryError } from '../../common/index.js';
import { assessFromFlags, formatAssessment, type EvaluateInput } from './evaluate.js';

const KANARY = fileURLToPath(new URL('../../../bin/kanary.js', import.meta.url));

function evaluate(args: string[]) {
  return execa(process.execPath, [KANARY, 'evaluate', ...args], { reject: false, timeout: 30_000 });
}

const base: EvaluateInput = { provider: 'prometheus', args: [] };

describe('assessFromFlags', () => {
  it.each<[Partial<EvaluateInput>, string]>([
    [{ successCondition: 'result[0] >= 0.95', result: '[0.97]' }, 'Successful\n'],
    [{ successCondition: 'result[0] >= 0.95', result: '[0.5]' }, 'Failed\n'],
    [{ successCondition: 'result >= 0.95', failureCondition: 'result < 0.9', result: '"NaN"' }, 'Inconclusive\n'],
    [
      { successCondition: 'result[0] >= 0.95', result: '[]' },
      'Error\ncould not evaluate successCondition "result[0] >= 0.95": metric result is nil or empty: no data returned from the metric provider\n',
    ],
    [{ successCondition: 'result >= {{args.t}}', result: '0.99', args: ['t=0.95'] }, 'Successful\n'],
    [{ successCondition: 'result.ok', result: '{"ok": true}', provider: 'web' }, 'Successful\n'],
    [{ successCondition: "result == 'pong'", resultRaw: 'pong', provider: 'web' }, 'Successful\n'],
    [{ successCondition: 'default(result, 0) < 0.05', result: 'null', provider: 'datadog' }, 'Successful\n'],
    [
      {
        successCondition: 'result.count == 10 and result["average.duration"] < 15.0',
        result: '{"count": 10, "average.duration": 3}',
        provider: 'newrelic',
      },
      'Successful\n',
    ],
  ])('%o', (flags, output) => {
    expect(formatAssessment(assessFromFlags({ ...base, ...flags }))).toBe(output);
  });

  it.each<[Partial<EvaluateInput>, RegExp]>([
    [{ successCondition: 'true', result: '{bad' }, /is not valid JSON/],
    [{ successCondition: 'true' }, /--result JSON is required/],
    [{ result: '1' }, /--success-condition EXPR and\/or --failure-condition EXPR/],
    [{ successCondition: 'true', result: '"abc"' }, /a prometheus result must be a number or an array of numbers/],
    [{ successCondition: 'true', resultRaw: 'x' }, /--result-raw is only for --provider web/],
    [{ successCondition: 'true', result: '1', resultRaw: 'x', provider: 'web' }, /not both/],
    [{ successCondition: 'true', result: '1', args: ['novalue'] }, /name=value/],
    [{ successCondition: 'true', result: '1', provider: 'graphite' }, /is not one of/],
  ])('bad usage: %o', (flags, message) => {
    let error: unknown;
    try {
      assessFromFlags({ ...base, ...flags });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(KanaryError);
    expect((error as KanaryError).code).toBe('BAD_USAGE');
    expect((error as KanaryError).message).toMatch(message);
  });
});

describe('kanary evaluate (real process)', () => {
  it('prints the phase first and exits 0 whatever the phase', async () => {
    const ok = await evaluate(['--success-condition', 'result[0] >= 0.95', '--result', '[0.97]']);
    expect([ok.exitCode, ok.stdout]).toEqual([0, 'Successful']);
    const failed = await evaluate(['--success-condition', 'result >= 0.95', '--result', '-1']);
    expect([failed.exitCode, failed.stdout]).toEqual([0, 'Failed']);
    const error = await evaluate(['--success-condition', 'isNaN(result)', '--result', '[1]']);
    expect(error.exitCode).toBe(0);
    expect(error.stdout.split('\n')).toEqual([
      'Error',
      'could not evaluate successCondition "isNaN(result)": cannot use []float64 as argument (type float64) to call isNaN',
    ]);
  });

  it('exits 2 on bad usage', async () => {
    const badJson = await evaluate(['--success-condition', 'true', '--result', '{bad']);
    expect(badJson.exitCode).toBe(2);
    expect(badJson.stderr).toMatch(/not valid JSON/);
    const missing = await evaluate(['--result', '1']);
    expect(missing.exitCode).toBe(2);
    const badProvider = await evaluate(['--success-condition', 'true', '--result', '1', '--provider', 'nope']);
    expect(badProvider.exitCode).toBe(2);
  });
});
