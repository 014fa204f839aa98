import { describe, expect, it } from 'vitest';
import { evalCondition, ExprError, fromJson, isNilOrEmpty, tagArray, type Value } from '../expr/index.js';
import { evaluateJsonResult, evaluateResult, type MetricConditions } from './evaluate.js';

const vector = (...xs: number[]): Value => tagArray(xs, '[]float64');

/** expr.md §2.4: Argo's `utils/evaluate/evaluate_test.go`, as a compatibility record. */
describe('EvaluateResult truth table (expr.md §2.4 #1-8)', () => {
  it.each<[number, MetricConditions, string]>([
    [1, { successCondition: 'true', failureCondition: 'false' }, 'Successful'],
    [2, { successCondition: 'true', failureCondition: 'true' }, 'Failed'],
    [3, { successCondition: 'false', failureCondition: 'false' }, 'Inconclusive'],
    [4, { successCondition: '', failureCondition: 'false' }, 'Successful'],
    [5, { successCondition: 'false', failureCondition: '' }, 'Failed'],
    [6, { successCondition: '', failureCondition: '' }, 'Successful'],
    [7, { successCondition: 'a == true', failureCondition: 'true' }, 'Error'],
    [8, { successCondition: 'true', failureCondition: 'a == true' }, 'Error'],
  ])('#%i %o -> %s', (_n, metric, phase) => {
    expect(evaluateResult(true, metric).phase).toBe(phase);
  });

  it.each<[MetricConditions, string]>([
    [{}, 'Successful'],
    [{ successCondition: 'result > 1' }, 'Successful'],
    [{ successCondition: 'result > 10' }, 'Failed'],
    [{ failureCondition: 'result > 10' }, 'Successful'],
    [{ failureCondition: 'result > 1' }, 'Failed'],
    [{ successCondition: 'result > 1', failureCondition: 'result > 1' }, 'Failed'],
    [{ successCondition: 'result > 1', failureCondition: 'result > 10' }, 'Successful'],
    [{ successCondition: 'result > 10', failureCondition: 'result > 10' }, 'Inconclusive'],
  ])('with result 5: %o -> %s', (metric, phase) => {
    expect(evaluateResult(5, metric).phase).toBe(phase);
  });

  it('evaluates nothing when no condition is set, even for a result every condition would reject', () => {
    expect(evaluateResult(null, {})).toEqual({ phase: 'Successful' });
  });

  it('stops at a success-condition error before looking at the failure condition', () => {
    const a = evaluateResult(true, { successCondition: 'nope', failureCondition: 'alsoNope' });
    expect(a.message).toBe('could not evaluate successCondition "nope": unknown name nope');
  });
});

describe('EvalCondition (expr.md §2.4 #9-22)', () => {
  it.each<[number, Value, string, boolean | string]>([
    [9, true, 'result == true', true],
    [10, true, 'result == false', false],
    [11, true, '1', 'expected bool, but got int'],
    [12, true, 'invalidVariable', 'unknown name invalidVariable'],
    [
      13,
      fromJson({ service_apdex: { label: null, values: { values: [2.0, 2.0] } } }),
      'all(result.service_apdex.values.values, {# > 1})',
      true,
    ],
    [14, vector(2, 2), '2 in result', true],
    [15, 5, 'result > 1', true],
    [16, true, "result.Name() == 'hi'", 'type bool has no method Name'],
    [17, '1.1', 'asInt(result) == 1.1', 'strconv.ParseInt: parsing "1.1": invalid syntax'],
    [18, '1', 'asInt(result) == 1', true],
    [18, 1n, 'asInt(result) == 1', true],
    [18, 1.123, 'asInt(result) == 1', true],
    [19, 'NotANum', 'asFloat(result) == 1.1', 'strconv.ParseFloat: parsing "NotANum": invalid syntax'],
    [20, '1.1', 'asFloat(result) == "1.1"', 'invalid operation: == (mismatched types float64 and string)'],
    [21, '1.1', 'asFloat(result) == 1.1', true],
    [21, '1.1', 'asFloat(result) >= 1.1', true],
    [21, '1.1', 'asFloat(result) <= 1.1', true],
    [22, 1.1, 'asFloat(result) == 1.1', true],
    [22, 1n, 'asFloat(result) == 1', true],
    [22, 1n, 'asFloat(result) >= 1', true],
  ])('#%i result=%o: %s -> %o', (_n, result, condition, expected) => {
    const outcome = evalCondition(result, condition);
    if (typeof expected === 'boolean') expect(outcome).toBe(expected);
    else {
      expect(outcome).toBeInstanceOf(ExprError);
      expect((outcome as ExprError).message).toBe(expected);
    }
  });
});

describe('Argo helper functions (expr.md §2.4 #23-25, #30)', () => {
  it.each<[string, boolean | string]>([
    ['asInt("1") == 1', true],
    ['asInt("notint") == 1', 'strconv.ParseInt: parsing "notint": invalid syntax'],
    ['asInt("1.1") == 1', 'strconv.ParseInt: parsing "1.1": invalid syntax'],
    ['asFloat("1") == 1', true],
    ['asFloat("1.1") == 1.1', true],
    ['asFloat("notfloat") == 1', 'strconv.ParseFloat: parsing "notfloat": invalid syntax'],
    ['isInf(1.0 / 0)', true],
    ['isInf(-1.0 / 0)', true],
    ['isInf(0)', false],
    ['asInt(true) == 1', 'asInt() not supported on bool true'],
    ['asFloat(nil) == 1', 'asFloat() not supported on <nil> <nil>'],
    ['asFloat("1e3") == 1000', true],
    ['asFloat("+Inf") > 1', true],
    ['isNaN(asFloat("NaN"))', true],
    ['asFloat(" 1") == 1', 'strconv.ParseFloat: parsing " 1": invalid syntax'],
    ['asFloat("1.1abc") == 1', 'strconv.ParseFloat: parsing "1.1abc": invalid syntax'],
  ])('%s -> %o', (condition, expected) => {
    const outcome = evalCondition(true, condition);
    if (typeof expected === 'boolean') expect(outcome).toBe(expected);
    else expect((outcome as ExprError).message).toBe(expected);
  });

  it.each<[Value, string, boolean]>([
    [null, 'default(result, 0) == 0', true],
    [null, 'default(result, 1) == 1', true],
    [null, 'default(result, 2) == 2', true],
    [1.0, 'default(result, 0) == 1.0', true],
    // The quirk: default and isNil look at the whole result, not at their argument.
    [fromJson({ a: 5 }), 'default(result.missing, 7) == result', true],
    [fromJson({ a: 5 }), 'isNil(result.missing)', false],
    [null, 'isNil(1)', true],
    [1.0, 'isNil(result)', false],
    [fromJson(['hi', 'hello']), 'isNil(result)', false],
    [false, 'isNil(result)', false],
    [1n, 'isNil(result)', false],
  ])('result=%o: %s -> %o', (result, condition, expected) => {
    expect(evalCondition(result, condition)).toBe(expected);
  });

  it.each<[Value, boolean]>([
    [null, true],
    [vector(), true],
    [fromJson([]), true],
    [vector(1), false],
    [42, false],
    ['hello', false],
  ])('isNilOrEmpty(%o) is %o', (value, expected) => {
    expect(isNilOrEmpty(value)).toBe(expected);
  });
});

describe('error messages (expr.md §2.4 #26-29)', () => {
  const noData = 'metric result is nil or empty: no data returned from the metric provider';

  it.each<[number, Value, MetricConditions, string]>([
    [
      26,
      null,
      { successCondition: 'result[0] >= 0.95' },
      `could not evaluate successCondition "result[0] >= 0.95": ${noData}`,
    ],
    [
      27,
      vector(),
      { successCondition: 'result[0] >= 0.95' },
      `could not evaluate successCondition "result[0] >= 0.95": ${noData}`,
    ],
    [28, true, { successCondition: 'a == true' }, 'could not evaluate successCondition "a == true": unknown name a'],
    [
      29,
      true,
      { successCondition: 'true', failureCondition: 'invalidVar == true' },
      'could not evaluate failureCondition "invalidVar == true": unknown name invalidVar',
    ],
  ])('#%i', (_n, result, metric, message) => {
    const assessment = evaluateResult(result, metric);
    expect(assessment.phase).toBe('Error');
    expect(assessment.message).toBe(message);
  });

  it('reports the real error when the result has data', () => {
    const a = evaluateResult(vector(1, 2), { successCondition: 'result[5] > 0' });
    expect(a.message).toBe(
      'could not evaluate successCondition "result[5] > 0": index out of range: 5 (array length is 2)',
    );
    expect(a.error?.column).toBe(7);
  });

  it('quotes the condition as Go %q does', () => {
    const a = evaluateResult(1, { failureCondition: 'result == "x\\ty"' });
    expect(a.message).toBe(
      'could not evaluate failureCondition "result == \\"x\\\\ty\\"": invalid operation: == (mismatched types float64 and string)',
    );
  });
});

describe('provider cases (expr.md §2.4, below the table)', () => {
  type Case = [string, unknown, MetricConditions, string];
  it.each<Case>([
    ['prometheus scalar', 10, { successCondition: 'result == 10', failureCondition: 'result != 10' }, 'Successful'],
    [
      'prometheus vector',
      [10, 11],
      { successCondition: '10 in result', failureCondition: 'len(result) != 2' },
      'Successful',
    ],
    [
      'prometheus matrix',
      [11, 12, 13, 14],
      { successCondition: 'all(result, # > 10)', failureCondition: 'all(result, # < 10)' },
      'Successful',
    ],
    [
      'prometheus NaN, both',
      'NaN',
      { successCondition: 'result >= 0.9', failureCondition: 'result < 0.9' },
      'Inconclusive',
    ],
    ['prometheus NaN, isNaN', 'NaN', { successCondition: 'result >= 0.9 || isNaN(result)' }, 'Successful'],
    ['prometheus NaN, success only', 'NaN', { successCondition: 'result >= 0.9' }, 'Failed'],
    ['prometheus +Inf', '+Inf', { successCondition: 'result >= 0.9' }, 'Successful'],
    ['prometheus +Inf, isInf', '+Inf', { failureCondition: 'isInf(result)' }, 'Failed'],
    ['prometheus vector, isNaN', [1], { successCondition: 'isNaN(result)' }, 'Error'],
    ['prometheus empty vector', [], { successCondition: 'len(result) == 0 || result[0] >= 0.99' }, 'Successful'],
    [
      'prometheus empty vector, wrong order',
      [],
      { successCondition: 'result[0] >= 0.90 || len(result) == 0' },
      'Error',
    ],
    ['prometheus empty vector, max', [], { successCondition: 'max(result) < 0.05' }, 'Error'],
    ['prometheus vector, default', [0.01], { successCondition: 'default(result, 0) < 0.05' }, 'Error'],
    ['graphite-like vector, in', [10], { successCondition: '10.000000 in result' }, 'Successful'],
    ['graphite-like vector, not in', [10], { successCondition: '10.000000 not in result' }, 'Failed'],
    ['datadog grouped, max', [0.01, 0.02], { successCondition: 'max(result) < 0.05' }, 'Successful'],
    ['datadog grouped, all', [0.01, 0.2], { successCondition: 'all(result, # < 0.05)' }, 'Failed'],
    ['invalid syntax', [10], { successCondition: 'result[0] 10.000000' }, 'Error'],
  ])('%s', (_name, json, metric, phase) => {
    const kind = _name.startsWith('datadog') ? 'datadog' : 'prometheus';
    expect(evaluateJsonResult(json, metric, kind).phase).toBe(phase);
  });

  it.each<Case>([
    [
      'web object',
      { a: 1, b: true, c: [1, 2, 3, 4], d: null },
      { successCondition: 'result.a > 0 && result.b && all(result.c, {# < 5}) && result.d == nil' },
      'Successful',
    ],
    [
      'web nested',
      { num: 1.2, bool: true, mapfield: { foo: 'bar' } },
      { successCondition: 'result.num > 1.1 && result.bool && result.mapfield.foo == "bar"' },
      'Successful',
    ],
    ['web non-JSON body', 'test: notJson', { successCondition: "result == 'test: notJson'" }, 'Successful'],
    ['web missing key is nil', { a: 1 }, { successCondition: 'result.zzz == nil' }, 'Successful'],
    ['web string is not a number', { x: '1' }, { successCondition: 'result.x == 1' }, 'Failed'],
    ['web string compared with <', { x: '1' }, { successCondition: 'result.x < 1' }, 'Error'],
  ])('%s', (_name, json, metric, phase) => {
    expect(evaluateJsonResult(json, metric, 'web').phase).toBe(phase);
  });

  it('newrelic map with a dotted key', () => {
    const metric = { successCondition: "result.count == 10 and result['average.duration'] < 15.0" };
    expect(evaluateJsonResult({ count: 10, 'average.duration': 12.5 }, metric, 'newrelic').phase).toBe('Successful');
  });

  it.each<[MetricConditions, string]>([
    [{ successCondition: 'default(result, 0) < 0.05' }, 'Successful'],
    [{ successCondition: 'isNil(result) || result < 0.05' }, 'Error'],
    [{ successCondition: 'result == nil || result < 0.05' }, 'Error'],
    [{ successCondition: 'result == nil' }, 'Successful'],
  ])('datadog empty (nil) result: %o -> %s', (metric, phase) => {
    expect(evaluateJsonResult(null, metric, 'datadog').phase).toBe(phase);
  });

  it('a JSON value the provider cannot produce is an Error without an expression error', () => {
    const a = evaluateJsonResult('abc', { successCondition: 'true' }, 'prometheus');
    expect(a).toEqual({
      phase: 'Error',
      message: 'a prometheus result must be a number or an array of numbers, got "abc"',
    });
  });

  it('normalises a plain array for the given provider kind', () => {
    expect(evaluateResult([1, 2], { successCondition: 'isNaN(result)' }, 'prometheus').phase).toBe('Error');
    expect(evaluateResult([1, 2], { successCondition: 'isNaN(result)' }, 'web').phase).toBe('Error');
    expect(evaluateResult([1, 2], { successCondition: '[1.0, 2.0] == result' }, 'prometheus').phase).toBe('Successful');
  });
});
