import { describe, expect, it } from 'vitest';
import {
  argReferences,
  checkCondition,
  compile,
  ExprError,
  fromJson,
  goFloatString,
  goFormat,
  goTypeName,
  run,
  substituteArgs,
  tagArray,
  typeEnvForResult,
  type Value,
} from './index.js';

/** Evaluates `source` with `result` in Argo's environment and shows the outcome as `type(value)` or `error: ...`. */
function show(source: string, result: Value = null): string {
  const program = compile(source, typeEnvForResult(result));
  if (program instanceof ExprError) return `error: ${program.message}`;
  const value = run(program, { result });
  if (value instanceof ExprError) return `error: ${value.message}`;
  return `${goTypeName(value)}(${goFormat(value)})`;
}

const vector = (...xs: number[]): Value => tagArray(xs, '[]float64');

describe('precedence and operators', () => {
  it.each([
    ['true || false && false', 'bool(true)'],
    ['(true || false) && false', 'bool(false)'],
    ['false && true || true', 'bool(true)'],
    ['true or false and false', 'bool(true)'],
    ['not true == false', 'bool(true)'],
    ['not (1 == 2)', 'bool(true)'],
    ['!true || true', 'bool(true)'],
    ['!1 < 2', 'error: invalid operation: ! (mismatched type int)'],
    ['-2 ** 2', 'float64(-4)'],
    ['2 ** -1', 'float64(0.5)'],
    ['2 ** 3 ** 2', 'float64(512)'],
    ['2 ^ 10', 'float64(1024)'],
    ['1 + 2 * 3', 'int(7)'],
    ['(1 + 2) * 3', 'int(9)'],
    ['10 - 2 - 3', 'int(5)'],
    ['7 / 2', 'float64(3.5)'],
    ['6 / 3', 'float64(2)'],
    ['7 % 3', 'int(1)'],
    ['-7 % 3', 'int(-1)'],
    ['7.0 % 2', 'error: invalid operation: % (mismatched types float64 and int)'],
    ['1 % 0', 'error: integer divide by zero'],
    ['1 / 0', 'float64(+Inf)'],
    ['-1 / 0', 'float64(-Inf)'],
    ['0 / 0 == 0 / 0', 'bool(false)'],
    ['1 + 1.5', 'float64(2.5)'],
    ['1 == 1.0', 'bool(true)'],
    ['9223372036854775807 + 1', 'int(-9223372036854775808)'],
    ['1 < 2 < 3', 'bool(true)'],
    ['3 > 2 > 1', 'bool(true)'],
    ['1 < 3 < 2', 'bool(false)'],
    ['(1 < 2) < 3', 'error: invalid operation: < (mismatched types bool and int)'],
    ['1 == 1 == true', 'bool(true)'],
    ['true ? 1 : 2', 'int(1)'],
    ['false ? 1 : true ? 2 : 3', 'int(2)'],
    ['1 ? 1 : 2', 'error: non-bool expression (type int) used as condition'],
    ['nil ?? 3', 'int(3)'],
    ['2 ?? 3', 'int(2)'],
    ['1 + nil ?? 2', 'int(3)'],
    ['nil ?? 1 + 2', 'error: Operator (+) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.'],
    ['"a" + "b"', 'string(ab)'],
    ['"abc" contains "b"', 'bool(true)'],
    ['"abc" startsWith "a" and "abc" endsWith "c"', 'bool(true)'],
    ['"abc" not contains "z"', 'bool(true)'],
    ['"abc" matches "^a.c$"', 'bool(true)'],
    ['"abc" not matches "z"', 'bool(true)'],
    ['"(?i)ABC" matches "a"', 'bool(false)'],
    ['"ABC" matches "(?i)a"', 'bool(true)'],
    ['"a" matches "(?<=a)"', 'error: error parsing regexp: invalid or unsupported Perl syntax: `(?<=`'],
    ['"a" < "b"', 'bool(true)'],
    ['"é" > "z"', 'bool(true)'],
    ['2 in 1..3', 'bool(true)'],
    ['1..3', '[]int([1 2 3])'],
    ['3..1', '[]int([])'],
    ['2 not in [1, 3]', 'bool(true)'],
    ['"a" in {a: 1}', 'bool(true)'],
    ['"b" in {a: 1}', 'bool(false)'],
    ['"a" in "abc"', 'error: invalid operation: in (mismatched types string and string)'],
    ['let x = 2; x * x', 'int(4)'],
    ['// comment\n1 /* inline */ + 1', 'int(2)'],
  ])('%s -> %s', (source, expected) => {
    expect(show(source)).toBe(expected);
  });
});

describe('no coercion: equality and comparison across types', () => {
  it.each<[string, Value, string]>([
    ['"1" == 1', null, 'error: invalid operation: == (mismatched types string and int)'],
    ['result == 1', '1', 'error: invalid operation: == (mismatched types string and int)'],
    ['result.x == 1', fromJson({ x: '1' }), 'bool(false)'],
    ['result.x == "1"', fromJson({ x: '1' }), 'bool(true)'],
    ['result.x != 1', fromJson({ x: '1' }), 'bool(true)'],
    ['result.x < 1', fromJson({ x: '1' }), 'error: invalid operation: string < int'],
    ['result.x + 1', fromJson({ x: '1' }), 'error: invalid operation: string + int'],
    ['result.x && true', fromJson({ x: 1 }), 'error: interface conversion: interface {} is float64, not bool'],
    ['result.x || true', fromJson({ x: null }), 'error: interface conversion: interface {} is nil, not bool'],
    ['true && result.x', fromJson({ x: 1 }), 'float64(1)'],
    ['!result.x', fromJson({ x: 'yes' }), 'error: interface conversion: interface {} is string, not bool'],
    ['result < 0.05', null, 'error: invalid operation: < (mismatched types nil and float64)'],
    ['result == nil', null, 'bool(true)'],
    ['result.a == nil', fromJson({}), 'bool(true)'],
    ['result.a.b', fromJson({}), 'error: cannot fetch b from <nil>'],
    ['result.a?.b', fromJson({}), '<nil>(<nil>)'],
    ['result.a?.b ?? 0', fromJson({}), 'int(0)'],
    ['result == "1"', 1, 'error: invalid operation: == (mismatched types float64 and string)'],
    ['[1.0] == result', vector(1), 'bool(true)'],
    ['[1, 2] == [1, 2]', null, 'bool(true)'],
    ['{a: 1} == {a: 1}', null, 'bool(true)'],
    ['{a: 1} == {a: 1.0}', null, 'bool(false)'],
    ['1 in result', vector(1), 'bool(true)'],
    ['"1" in result', vector(1), 'error: cannot use string as type float64 in array'],
    ['1 in {a: 1}', null, 'error: cannot use int as type string in map key'],
    ['1 in result', fromJson([1]), 'bool(true)'],
    ['nil == nil', null, 'bool(true)'],
  ])('%s with %o -> %s', (source, result, expected) => {
    expect(show(source, result)).toBe(expected);
  });
});

describe('indexing, members and slices', () => {
  it.each<[string, Value, string]>([
    ['result[0]', vector(1, 2, 3), 'float64(1)'],
    ['result[-1]', vector(1, 2, 3), 'float64(3)'],
    ['result[-3]', vector(1, 2, 3), 'float64(1)'],
    ['result[3]', vector(1, 2, 3), 'error: index out of range: 3 (array length is 3)'],
    ['result[-4]', vector(1, 2, 3), 'error: index out of range: -1 (array length is 3)'],
    ['result[0]', vector(), 'error: index out of range: 0 (array length is 0)'],
    ['result[1:]', vector(1, 2, 3), '[]float64([2 3])'],
    ['result[:-1]', vector(1, 2, 3), '[]float64([1 2])'],
    ['result[5:9]', vector(1, 2, 3), '[]float64([])'],
    ['result.x', vector(1), 'error: array elements can only be selected using an integer (got string)'],
    ['result[0] == "1"', vector(1), 'error: invalid operation: == (mismatched types float64 and string)'],
    ['result[0]', 1.5, 'error: type float64[int] is undefined'],
    ['result.x', null, 'error: type nil has no field x'],
    ['result["a.b"]', fromJson({ 'a.b': 2 }), 'float64(2)'],
    ['result.items[1].name', fromJson({ items: [{ name: 'a' }, { name: 'b' }] }), 'string(b)'],
    ['result.items[2]', fromJson({ items: [1] }), 'error: index out of range: 2 (array length is 1)'],
    ['result.n[0]', fromJson({ n: 5 }), 'error: cannot fetch 0 from float64'],
    ['result.s[1:3]', fromJson({ s: 'hello' }), 'string(el)'],
    ['result.not', fromJson({ not: true }), 'bool(true)'],
    ['len(result)', vector(1, 2), 'int(2)'],
    ['len("héllo")', null, 'int(5)'],
    ['len("日本")', null, 'int(2)'],
    ['len(result)', fromJson({ a: 1, b: 2 }), 'int(2)'],
    ['len(result)', 1, 'error: invalid argument for len (type float64)'],
    ['len(result)', null, 'error: invalid argument for len (type nil)'],
    ['len(result.x)', fromJson({ x: 1 }), 'error: invalid argument for len (type float64)'],
  ])('%s with %o -> %s', (source, result, expected) => {
    expect(show(source, result)).toBe(expected);
  });
});

describe('predicates and builtins', () => {
  const slos = fromJson({
    slos: [
      { name: 'a', overall_status: [{ state: 'ok' }] },
      { name: 'b', overall_status: [{ state: 'ok' }, { state: 'breached' }] },
    ],
  });
  it.each<[string, Value, string]>([
    ['all(result, # < 1000)', vector(1, 2), 'bool(true)'],
    ['all(result, {# > 1})', vector(1, 2), 'bool(false)'],
    ['all(result, # > 1)', vector(), 'bool(true)'],
    ['any(result, # > 1)', vector(), 'bool(false)'],
    ['none(result, # > 1)', vector(), 'bool(true)'],
    ['one(result, # > 1)', vector(), 'bool(false)'],
    ['one(result, # > 1)', vector(1, 2), 'bool(true)'],
    ['one(result, # > 0)', vector(1, 2), 'bool(false)'],
    ['filter(result, # > 1)', vector(1, 2, 3), '[]interface {}([2 3])'],
    ['map(result, # * 2)', vector(1, 2), '[]interface {}([2 4])'],
    ['map(result, #index)', vector(5, 6), '[]interface {}([0 1])'],
    ['count(result, # > 1)', vector(1, 2, 3), 'int(2)'],
    ['count([true, false, true])', null, 'int(2)'],
    ['sum(result)', vector(1, 2.5), 'float64(3.5)'],
    ['sum([1, 2])', null, 'int(3)'],
    ['sum([])', null, 'int(0)'],
    ['sum(result, # * 2)', vector(1, 2), 'float64(6)'],
    ['find(result, # > 1)', vector(1, 2, 3), 'float64(2)'],
    ['findIndex(result, # > 5)', vector(1, 2, 3), 'int(-1)'],
    ['findLast(result, # > 1)', vector(1, 2, 3), 'float64(3)'],
    ['any(result.slos, {any(.overall_status, {.state == "breached"})})', slos, 'bool(true)'],
    ['all(result.slos, .name != "")', slos, 'bool(true)'],
    ['all(result, # + 1)', vector(1), 'error: predicate should return boolean (got float64)'],
    ['all(result, #)', fromJson([1]), 'error: interface conversion: interface {} is float64, not bool'],
    ['all(result, # > 1)', 1, 'error: builtin all takes only array (got float64)'],
    ['all(result.x, # > 1)', fromJson({ x: 1 }), 'error: builtin all takes only array (got float64)'],
    ['max(result)', vector(1, 3, 2), 'float64(3)'],
    ['min(result)', vector(1, 3, 2), 'float64(1)'],
    ['max(1, 2.5, 2)', null, 'float64(2.5)'],
    ['max(result)', vector(), '<nil>(<nil>)'],
    ['max(result) < 0.05', vector(), 'error: invalid operation: <nil> < float64'],
    ['mean(result)', vector(1, 2), 'float64(1.5)'],
    ['mean(result)', vector(), 'float64(0)'],
    ['median(result)', vector(3, 1, 2), 'float64(2)'],
    ['abs(-2)', null, 'int(2)'],
    ['abs(-2.5)', null, 'float64(2.5)'],
    ['int(2.9)', null, 'int(2)'],
    ['int("42")', null, 'int(42)'],
    ['int("4.2")', null, 'error: strconv.Atoi: parsing "4.2": invalid syntax'],
    ['float("4.5")', null, 'float64(4.5)'],
    ['round(2.5)', null, 'float64(3)'],
    ['round(-2.5)', null, 'float64(-3)'],
    ['floor(2.5)', null, 'float64(2)'],
    ['ceil(2.1)', null, 'float64(3)'],
    ['isNaN(result)', vector(1), 'error: cannot use []float64 as argument (type float64) to call isNaN'],
    ['isNaN(result)', null, 'error: cannot use nil as argument (type float64) to call isNaN'],
    ['isNaN(result)', NaN, 'bool(true)'],
    ['isNaN(1)', null, 'bool(false)'],
    ['isNaN(len(result))', vector(), 'error: cannot use int as argument (type float64) to call isNaN'],
    ['isNaN(result.x)', fromJson({ x: 'a' }), 'error: reflect: Call using string as type float64'],
    ['isNaN()', null, 'error: not enough arguments to call isNaN'],
    ['isNaN(1, 2)', null, 'error: too many arguments to call isNaN'],
    ['asFloat(result) == "1.1"', '1.1', 'error: invalid operation: == (mismatched types float64 and string)'],
    ['asInt(result) + 1', 2.7, 'int(3)'],
    ['default(result, 0) < 0.05', vector(0.01), 'error: invalid operation: []float64 < float64'],
    ['default(result[0], 0)', vector(0.01), '[]float64([0.01])'],
    ['default(result[0], 0)', vector(), 'error: index out of range: 0 (array length is 0)'],
  ])('%s with %o -> %s', (source, result, expected) => {
    expect(show(source, result)).toBe(expected);
  });
});

describe('literals', () => {
  it.each([
    ['1_000', 'int(1000)'],
    ['0x2A', 'int(42)'],
    ['0o52', 'int(42)'],
    ['0b101010', 'int(42)'],
    ['.5', 'float64(0.5)'],
    ['1e3', 'float64(1000)'],
    ['1.5e-3', 'float64(0.0015)'],
    ['90.000000', 'float64(90)'],
    ['1e6', 'float64(1e+06)'],
    ['123456.0', 'float64(123456)'],
    ['"a\\tb"', 'string(a\tb)'],
    ["'it\\'s'", "string(it's)"],
    ['"\\u00e9\\x41\\101"', 'string(éAA)'],
    ['`raw\\n`', 'string(raw\\n)'],
    ['[1, "a", nil,]', '[]interface {}([1 a <nil>])'],
    ['{a: 1, "b": 2, 3: 4, ("c"): 5}', 'map[string]interface {}(map[3:4 a:1 b:2 c:5])'],
    ['9223372036854775807', 'int(9223372036854775807)'],
    [
      '9223372036854775808',
      'error: invalid integer literal: strconv.ParseInt: parsing "9223372036854775808": value out of range',
    ],
    ['1e400', 'error: invalid float literal: strconv.ParseFloat: parsing "1e400": value out of range'],
    ['12abc', 'error: bad number syntax: "12a"'],
    ['"abc', 'error: literal not terminated'],
    ['"\\q"', 'error: invalid char escape'],
    ['@', "error: unrecognized character: U+0040 '@'"],
  ])('%s -> %s', (source, expected) => {
    expect(show(source)).toBe(expected);
  });
});

describe('unsupported constructs fail clearly', () => {
  it.each([
    ['result | len()', 'the pipe operator | is not supported'],
    ['if true { 1 } else { 2 }', 'if/else statements are not supported in a condition; use c ? a : b'],
    ['$env', '$env is not supported in a condition'],
    ['b"abc" == nil', 'bytes literals (b"...") are not supported'],
    ['now() > 0', 'builtin now is not supported'],
    ['upper("a") == "A"', 'builtin upper is not supported'],
    ['reduce([1], #acc + #)', 'builtin reduce is not supported'],
    ['true ?: false', 'the Elvis operator ?: is not supported; use ??'],
    ['1; 2', 'sequences with ; are not supported in a condition'],
    ['asInt', 'using the function asInt as a value is not supported; call it: asInt(...)'],
    ['('.repeat(300) + '1' + ')'.repeat(300), 'expression nested more than 200 levels deep is not supported'],
  ])('%s', (source, message) => {
    const program = compile(source, typeEnvForResult(true));
    expect(program).toBeInstanceOf(ExprError);
    expect((program as ExprError).message).toBe(message);
    expect((program as ExprError).kind).toBe('unsupported');
  });
});

describe('positions', () => {
  it.each<[string, Value, number, number, number]>([
    ['result[0] 10.000000', null, 10, 1, 11],
    ['result >= 0.95 &&\n  resutl < 2', 1, 20, 2, 3],
    ['result[5] > 0', vector(1), 6, 1, 7],
    ['  "a" + 1', null, 6, 1, 7],
    ['1 +', null, 3, 1, 4],
  ])('%j', (source, result, offset, line, column) => {
    const program = compile(source, typeEnvForResult(result));
    const error = program instanceof ExprError ? program : run(program, { result });
    expect(error).toBeInstanceOf(ExprError);
    expect(error).toMatchObject({ offset, line, column });
  });
});

describe('the final value must be a bool', () => {
  it.each<[string, Value, string]>([
    ['1', true, 'expected bool, but got int'],
    ['1.5', true, 'expected bool, but got float64'],
    ['"x"', true, 'expected bool, but got string'],
    ['nil', true, 'expected bool, but got <nil>'],
    ['result', vector(1), 'expected bool, but got []float64'],
    ['result', fromJson({}), 'expected bool, but got map[string]interface {}'],
  ])('%s', async (source, result, message) => {
    const { evalCondition } = await import('./index.js');
    const outcome = evalCondition(result, source);
    expect(outcome).toBeInstanceOf(ExprError);
    expect((outcome as ExprError).message).toBe(message);
  });
});

describe('{{args.x}} substitution', () => {
  it('substitutes textually, trimming spaces inside the braces', () => {
    expect(substituteArgs('result[0] >= {{args.t}} && x == "{{ args.s }}"', { t: '0.95', s: 'ok' })).toBe(
      'result[0] >= 0.95 && x == "ok"',
    );
  });
  it('leaves placeholders without a value untouched and lists references', () => {
    expect(substituteArgs('{{args.a}} {{args.b}}', { a: '1' })).toBe('1 {{args.b}}');
    expect(argReferences('{{args.a}} {{ args.b }} {{args.a}}')).toEqual(['a', 'b']);
  });
  it('does not read inherited properties', () => {
    expect(substituteArgs('{{args.constructor}}', {})).toBe('{{args.constructor}}');
  });
});

describe('checkCondition (for kanary lint)', () => {
  it.each<[string, Parameters<typeof checkCondition>[1], string | null]>([
    ['result[0] >= 0.95', 'prometheus', null],
    ['result >= 0.95', 'prometheus', null],
    ['result[0] >= 0.95', 'prometheus-scalar', 'type float64[int] is undefined'],
    ['isNaN(result)', 'prometheus-vector', 'cannot use []float64 as argument (type float64) to call isNaN'],
    ['result[0] >= "x"', 'prometheus', 'invalid operation: >= (mismatched types float64 and string)'],
    ['results[0] >= 0.95', 'prometheus', 'unknown name results'],
    ['result[0] >= {{args.threshold}}', 'prometheus', null],
    ['result.x == "{{args.s}}"', 'web', null],
    ['result.a.b.c > 1', 'web', null],
    ['result[0] 10', 'web', 'unexpected token Number("10")'],
    ['default(result, 0) < 0.05', 'datadog', null],
    ["result['average.duration'] < 15.0", 'newrelic', null],
  ])('%s (%s)', (source, context, message) => {
    const diagnostics = checkCondition(source, context);
    if (message === null) expect(diagnostics).toEqual([]);
    else expect(diagnostics.map((d) => d.message)).toEqual([message]);
  });

  it('reports positions within the original text, placeholders included', () => {
    const [d] = checkCondition('result[0] >= {{args.t}} && nope', 'prometheus');
    expect(d).toMatchObject({ message: 'unknown name nope', offset: 27, line: 1, column: 28 });
  });
});

describe('goFloatString (Go %v)', () => {
  it.each([
    [0.1, '0.1'],
    [1, '1'],
    [123456, '123456'],
    [1234567, '1.234567e+06'],
    [1e21, '1e+21'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%d -> %s', (f, text) => {
    expect(goFloatString(f)).toBe(text);
  });
});

describe('maps never expose JavaScript object internals', () => {
  const result = fromJson(JSON.parse('{"__proto__": 1, "a": {}}') as unknown);
  it.each([
    ['result.__proto__ == 1', true],
    ['result.constructor == nil', true],
    ['result.a.toString == nil', true],
    ['"toString" in result', false],
    ['len(result) == 2', true],
    ['{__proto__: 1}.__proto__ == 1', true],
  ])('%s', (source, expected) => {
    expect(show(source, result)).toBe(`bool(${expected})`);
  });
});
