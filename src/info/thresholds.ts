import type { Threshold } from './types.js';

/**
 * Thresholds from simple conditions, for drawing: every `result <op> number` or `result[0] <op> number` (either
 * side) in the condition. Anything more complex contributes nothing; the chart then shows values only.
 */
export function thresholdsOf(condition: string | undefined, kind: Threshold['kind']): Threshold[] {
  if (condition === undefined) return [];
  const out: Threshold[] = [];
  const num = String.raw`(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)`;
  const res = String.raw`result(?:\[0\])?`;
  const op = String.raw`(<=|>=|==|!=|<|>)`;
  const left = new RegExp(String.raw`(?<![\w.\]])${res}\s*${op}\s*${num}`, 'g');
  for (const m of condition.matchAll(left)) {
    out.push({ kind, operator: m[1] as Threshold['operator'], value: Number(m[2]) });
  }
  const right = new RegExp(String.raw`${num}\s*${op}\s*${res}(?![\w.[])`, 'g');
  for (const m of condition.matchAll(right)) {
    out.push({ kind, operator: flip(m[2] as Threshold['operator']), value: Number(m[1]) });
  }
  return out;
}

function flip(op: Threshold['operator']): Threshold['operator'] {
  switch (op) {
    case '<':
      return '>';
    case '>':
      return '<';
    case '<=':
      return '>=';
    case '>=':
      return '<=';
    case '==':
    case '!=':
      return op;
  }
}

/** The first number in a measurement value ("0.5", "[0.5, 1]", "{\"x\": 2}"); undefined when there is none. */
export function firstNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(value);
  if (m === null) return undefined;
  const n = Number(m[0]);
  return Number.isFinite(n) ? n : undefined;
}
