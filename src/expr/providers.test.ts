import { describe, expect, it } from 'vitest';
import { parseGoFloat, parseGoInt } from './goparse.js';
import {
  checkCondition,
  compile,
  ExprError,
  goTypeName,
  normalizeResult,
  resultFromJson,
  run,
  typeEnvFor,
  typeName,
  typeOfValue,
  type ConditionContext,
  type ProviderKind,
} from './index.js';

describe('resultFromJson: the Go value each provider hands to the evaluator', () => {
  it.each<[ProviderKind, unknown, string]>([
    ['prometheus', 0.5, 'float64'],
    ['prometheus', [0.5, 1], '[]float64'],
    ['prometheus', [], '[]float64'],
    ['prometheus', ['NaN', '+Inf', '0.25'], '[]float64'],
    ['datadog', null, '<nil>'],
    ['datadog', 3, 'float64'],
    ['datadog', [1, 2], '[]float64'],
    ['web', { a: [1] }, 'map[string]interface {}'],
    ['web', [1, 2], '[]interface {}'],
    ['web', 'body', 'string'],
    ['web', null, '<nil>'],
    ['newrelic', { count: 1 }, 'map[string]interface {}'],
    ['newrelic', [{ count: 1 }, { count: 2 }], '[]map[string]interface {}'],
    ['router', { successRate: 0.99 }, 'map[string]interface {}'],
  ])('%s %j -> %s', (kind, json, goType) => {
    const converted = resultFromJson(json, kind);
    expect(converted.ok).toBe(true);
    if (converted.ok) expect(goTypeName(converted.value)).toBe(goType);
  });

  it.each<[ProviderKind, unknown]>([
    ['prometheus', null],
    ['prometheus', 'abc'],
    ['prometheus', [1, 'x']],
    ['prometheus', { a: 1 }],
    ['datadog', true],
    ['newrelic', 3],
    ['newrelic', [1]],
  ])('%s rejects %j', (kind, json) => {
    expect(resultFromJson(json, kind).ok).toBe(false);
  });

  it('keeps NaN and infinities from Prometheus sample strings', () => {
    const converted = resultFromJson(['NaN', '-Inf'], 'prometheus');
    expect(converted).toEqual({ ok: true, value: [NaN, -Infinity] });
  });

  it('normalizeResult shapes plain numbers for prometheus and datadog only', () => {
    expect(goTypeName(normalizeResult([1, 2n], 'prometheus'))).toBe('[]float64');
    expect(goTypeName(normalizeResult(3n, 'datadog'))).toBe('float64');
    expect(goTypeName(normalizeResult([1, 2], 'web'))).toBe('[]interface {}');
  });
});

describe('typeEnvFor: the static type of result per provider', () => {
  it.each<[ConditionContext, string]>([
    ['prometheus', '[]float64'],
    ['prometheus-vector', '[]float64'],
    ['prometheus-scalar', 'float64'],
    ['datadog', 'float64'],
    ['newrelic', 'map[string]interface {}'],
    ['web', 'interface {}'],
    ['job', 'interface {}'],
    ['router', 'interface {}'],
    ['judge', 'interface {}'],
  ])('%s -> %s', (context, type) => {
    const t = typeEnvFor(context).variables.get('result');
    expect(t && typeName(t)).toBe(type);
  });

  it('compiles once and runs with several results', () => {
    const program = compile('result[0] >= 0.95', typeEnvFor('prometheus'));
    if (program instanceof ExprError) throw program;
    expect(run(program, { result: [0.97] })).toBe(true);
    expect(run(program, { result: [0.5] })).toBe(false);
    expect(run(program, { result: [] })).toBeInstanceOf(ExprError);
  });

  it('typeOfValue follows the Go type of a value', () => {
    expect(typeName(typeOfValue(null))).toBe('nil');
    expect(typeName(typeOfValue(1n))).toBe('int');
  });
});

describe("Go's strconv parsers", () => {
  it.each<[string, number | string]>([
    ['1', 1],
    ['-1.5e3', -1500],
    ['.5', 0.5],
    ['5.', 5],
    ['Inf', Infinity],
    ['-infinity', -Infinity],
    ['0x1p-2', 0.25],
    ['0x1.8p1', 3],
    ['1e400', 'strconv.ParseFloat: parsing "1e400": value out of range'],
    ['', 'strconv.ParseFloat: parsing "": invalid syntax'],
    ['1_000', 'strconv.ParseFloat: parsing "1_000": invalid syntax'],
    ['0x10', 'strconv.ParseFloat: parsing "0x10": invalid syntax'],
  ])('ParseFloat(%j)', (text, expected) => {
    const parsed = parseGoFloat(text);
    if (typeof expected === 'number') expect(parsed).toEqual({ ok: true, value: expected });
    else expect(parsed).toEqual({ ok: false, error: expected });
  });

  it('ParseFloat("NaN") is NaN', () => {
    const parsed = parseGoFloat('NaN');
    expect(parsed.ok && Number.isNaN(parsed.value)).toBe(true);
  });

  it.each<[string, bigint | string]>([
    ['42', 42n],
    ['-7', -7n],
    ['+7', 7n],
    ['9223372036854775807', 9223372036854775807n],
    ['9223372036854775808', 'strconv.ParseInt: parsing "9223372036854775808": value out of range'],
    ['1.0', 'strconv.ParseInt: parsing "1.0": invalid syntax'],
    [' 1', 'strconv.ParseInt: parsing " 1": invalid syntax'],
  ])('ParseInt(%j)', (text, expected) => {
    const parsed = parseGoInt(text);
    if (typeof expected === 'bigint') expect(parsed).toEqual({ ok: true, value: expected });
    else expect(parsed).toEqual({ ok: false, error: expected });
  });
});

describe('conditions as users write them pass the static check for their provider', () => {
  it.each<[ConditionContext, string]>([
    ['prometheus', 'result[0] >= 0.95'],
    ['prometheus', 'result[0] <= 0.01'],
    ['prometheus', 'len(result) == 0 || result[0] >= 0.99'],
    ['prometheus', 'isNaN(result[0]) || result[0] >= 0.95'],
    ['prometheus', 'all(result, {# <= 0.01})'],
    ['prometheus', 'result[0] > 0 && result[0] < 100'],
    ['prometheus', 'max(result) < 0.05'],
    ['prometheus', 'result >= 0.95'],
    ['prometheus', 'result[0] >= {{ args.threshold }}'],
    ['datadog', 'default(result, 0) >= 0.99'],
    ['datadog', 'result < 0.05'],
    ['web', "result == 'true'"],
    ['web', 'result.ok == true'],
    ['web', 'result.data.ok'],
    ['web', 'asInt(result) > 100'],
    ['web', 'asFloat(result.ratio) < 0.5'],
    ['web', 'any(result.items, .status == "fail") == false'],
    ['web', 'result.count >= 1 and result.error_rate < 0.01'],
    ['newrelic', "result.count == 10 and result['average.duration'] < 15.0"],
    ['newrelic', 'result.successRate >= 0.99'],
    ['router', 'result.successRate >= 0.99 && result.p99 < 0.3'],
  ])('%s: %s', (context, source) => {
    expect(checkCondition(source, context)).toEqual([]);
  });
});
