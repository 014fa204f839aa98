import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCondition, compile, ExprError, fromJson, run, tagArray, typeEnvForResult, type Value } from './index.js';

/**
 * Property tests: whatever the text, the engine answers with a value or an ExprError (never a JavaScript
 * exception, never an internal error), and errors point inside the text.
 */
const RESULTS: readonly Value[] = [
  null,
  0.97,
  NaN,
  tagArray([0.5, 2, 10], '[]float64'),
  tagArray([], '[]float64'),
  fromJson({ a: 1, b: true, c: [1, 2, 3], d: null, s: 'x', m: { k: 'v' } }),
  fromJson([{ name: 'a', v: 1 }, 'text', 3]),
  'plain body',
  true,
];

/** Throws (failing the property) unless the outcome is a value or a well-formed, non-internal ExprError. */
function assertWellBehaved(source: string, result: Value): ExprError | Value {
  const program = compile(source, typeEnvForResult(result));
  const outcome = program instanceof ExprError ? program : run(program, { result });
  if (outcome instanceof ExprError) {
    const placed = outcome.offset >= 0 && outcome.offset <= source.length && outcome.line >= 1 && outcome.column >= 1;
    if (outcome.kind === 'internal' || !placed) {
      throw new Error(`${JSON.stringify(source)} -> ${outcome.kind} error at ${outcome.offset}: ${outcome.message}`);
    }
  }
  return outcome;
}

const FRAGMENTS = [
  'result',
  'result[0]',
  'result.a',
  '.',
  '?.',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  '#',
  '#index',
  ',',
  ':',
  '?',
  '??',
  ';',
  '|',
  '..',
  '+',
  '-',
  '*',
  '/',
  '%',
  '**',
  '^',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '&&',
  '||',
  '!',
  ' and ',
  ' or ',
  ' not ',
  ' in ',
  ' matches ',
  ' contains ',
  'let',
  '=',
  'if',
  'len(',
  'all(',
  'any(',
  'filter(',
  'map(',
  'max(',
  'isNaN(',
  'default(',
  'asInt(',
  '0',
  '1',
  '-1',
  '0.5',
  '1e3',
  '0x1F',
  '9223372036854775807',
  '"a"',
  "'b'",
  '"',
  "'",
  '`',
  '\\',
  'nil',
  'true',
  'false',
  ' ',
  '\n',
  '/*',
  '*/',
  '//',
  'é',
  '日',
  '😀',
  '$env',
  'b"x"',
];

const tokenSoup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 14 }).map((parts) => parts.join(''));
const randomText = fc.oneof(tokenSoup, fc.string({ maxLength: 24 }), fc.string({ unit: 'grapheme', maxLength: 12 }));

describe('random strings', () => {
  it('never throw and always give a value or an expression error', () => {
    let count = 0;
    fc.assert(
      fc.property(randomText, fc.constantFrom(...RESULTS), (source, result) => {
        count++;
        assertWellBehaved(source, result);
        for (const d of checkCondition(source, 'prometheus')) {
          if (d.kind === 'internal') throw new Error(`${JSON.stringify(source)} -> ${d.message}`);
        }
      }),
      { numRuns: 10_000 },
    );
    expect(count).toBeGreaterThanOrEqual(10_000);
  });
});

/** A grammar of well-formed expressions: every generated text must parse (no syntax error). */
function expressions(): fc.Arbitrary<string> {
  const { outer } = fc.letrec<{ outer: string; inner: string }>((tie) => ({
    outer: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf(false), node(tie('outer'), tie('inner'))),
    inner: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf(true), node(tie('inner'), tie('inner'))),
  }));
  return outer;
}

function leaf(insidePredicate: boolean): fc.Arbitrary<string> {
  const base = [
    fc.constantFrom('result', 'nil', 'true', 'false', '"a"', "'b'", '`raw`', '0.5', '.5', '1e3', '1_000', '0x10'),
    fc.integer({ min: -5, max: 12 }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((d) => d.toFixed(3)),
    fc.constantFrom('result[0]', 'result[-1]', 'result.a', 'result.c', 'result["s"]', 'result?.m?.k', 'result.d'),
  ];
  if (insidePredicate) base.push(fc.constantFrom('#', '#index', '.name', '.v', '#.a'));
  return fc.oneof(...base);
}

function node(sub: fc.Arbitrary<string>, inner: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const binaryOps = [
    '+',
    '-',
    '*',
    '/',
    '%',
    '**',
    '^',
    '==',
    '!=',
    '<',
    '<=',
    '>',
    '>=',
    '&&',
    '||',
    'and',
    'or',
    'in',
    'not in',
    'contains',
    'startsWith',
    'endsWith',
    '..',
  ];
  const call = (name: string, arity: number): fc.Arbitrary<string> =>
    fc.array(sub, { minLength: arity, maxLength: arity }).map((args) => `${name}(${args.join(', ')})`);
  const predicate = fc
    .tuple(fc.constantFrom('all', 'any', 'none', 'one', 'filter', 'map', 'count', 'sum', 'find', 'findIndex'), sub)
    .chain(([name, coll]) => inner.map((body) => `${name}(${coll}, {${body}})`));
  return fc.oneof(
    fc.tuple(sub, fc.constantFrom(...binaryOps), sub).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(sub, fc.constantFrom(...binaryOps), sub).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(sub, sub).map(([a, b]) => `((${a}) ?? (${b}))`),
    fc.tuple(fc.constantFrom('!', 'not ', '-', '+'), sub).map(([op, a]) => `${op}${a}`),
    fc.tuple(sub, sub, sub).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
    fc.tuple(sub, sub).map(([a, i]) => `(${a})[${i}]`),
    fc.tuple(sub, fc.constantFrom('a', 'b', 'x', 'not', 'Values')).map(([a, f]) => `(${a}).${f}`),
    fc
      .tuple(sub, fc.constantFrom('', '1', '-1'), fc.constantFrom('', '2', '-1'))
      .map(([a, i, j]) => `(${a})[${i}:${j}]`),
    fc.tuple(sub, fc.constantFrom('"^a"', '"[0-9]+"', '"(?i)X"', '"a|b"')).map(([a, re]) => `${a} matches ${re}`),
    fc.array(sub, { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc.tuple(sub, sub).map(([a, b]) => `{a: ${a}, "b": ${b}}`),
    fc.tuple(sub, sub).map(([v, body]) => `(let x = ${v}; ${body.replace(/\bresult\b/, 'x')})`),
    call('len', 1),
    call('max', 2),
    call('min', 1),
    call('abs', 1),
    call('int', 1),
    call('float', 1),
    call('round', 1),
    call('mean', 1),
    call('asInt', 1),
    call('asFloat', 1),
    call('isNaN', 1),
    call('isInf', 1),
    call('isNil', 1),
    call('default', 2),
    predicate,
  );
}

describe('random well-formed expressions', () => {
  it('parse, and evaluate to a value or an expression error', () => {
    let count = 0;
    const outcomes = { value: 0, error: 0 };
    fc.assert(
      fc.property(expressions(), fc.constantFrom(...RESULTS), (source, result) => {
        count++;
        const outcome = assertWellBehaved(source, result);
        if (outcome instanceof ExprError) {
          if (outcome.kind === 'syntax') throw new Error(`${JSON.stringify(source)} -> ${outcome.message}`);
          outcomes.error++;
        } else {
          outcomes.value++;
        }
      }),
      { numRuns: 10_000 },
    );
    expect(count).toBeGreaterThanOrEqual(10_000);
    // The generator must reach the evaluator, not only the checker.
    expect(outcomes.value).toBeGreaterThan(500);
  });
});
