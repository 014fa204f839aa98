import type { MemberNode, Node, NodeOf, NodeType } from './ast.js';
import { BUILTINS, truncToInt } from './builtins.js';
import { lookupValue, type TypeEnv, type Values } from './env.js';
import { fail } from './errors.js';
import { binary, formatKey, interfaceConversion, MEMORY_BUDGET, unary } from './operators.js';
import { arrayTypeName, goTypeName, isArray, isMap, mapGet, newMap, tagArray, type Value } from './values.js';

/**
 * A tree-walking evaluator with expr-lang's run-time semantics. It trusts nothing from the checker: every
 * operation re-checks its operands' dynamic types, so values of unknown static type fail the way expr's VM does.
 */
export function evaluate(node: Node, env: TypeEnv, values: Values): Value {
  return new Evaluator(env, values).eval(node);
}

interface Frame {
  readonly elem: Value;
  readonly index: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toIndex(v: Value, offset: number): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number(truncToInt(v));
  return fail('runtime', `invalid operation: int(${goTypeName(v)})`, offset);
}

function fetch(object: Value, key: Value, offset: number): Value {
  if (isArray(object) || typeof object === 'string') {
    const length = isArray(object) ? object.length : encoder.encode(object).length;
    let index = toIndex(key, offset);
    if (index < 0) index += length;
    if (index < 0 || index >= length) {
      return fail('runtime', `index out of range: ${index} (array length is ${length})`, offset);
    }
    if (isArray(object)) return object[index] ?? null;
    return BigInt(encoder.encode(object)[index] ?? 0);
  }
  if (isMap(object)) {
    if (key === null) return mapGet(object, '') ?? null;
    if (typeof key !== 'string') {
      return fail(
        'runtime',
        `reflect.Value.MapIndex: value of type ${goTypeName(key)} is not assignable to type string`,
        offset,
      );
    }
    return mapGet(object, key) ?? null;
  }
  return fail('runtime', `cannot fetch ${formatKey(key)} from ${goTypeName(object)}`, offset);
}

function sliceBounds(length: number, from: number, to: number): [number, number] {
  let a = from < 0 ? Math.max(length + from, 0) : from;
  let b = to < 0 ? Math.max(length + to, 0) : Math.min(to, length);
  if (a > b) a = b;
  b = Math.max(b, a);
  return [a, b];
}

function asBool(v: Value, offset: number): boolean {
  return typeof v === 'boolean' ? v : interfaceConversion(v, 'bool', offset);
}

class Evaluator {
  private readonly frames: Frame[] = [];
  private readonly lets: { name: string; value: Value }[] = [];

  constructor(
    private readonly env: TypeEnv,
    private readonly values: Values,
  ) {}

  eval(node: Node): Value {
    const handler = this.handlers[node.type] as (n: Node) => Value;
    return handler(node);
  }

  /** One rule per node type. */
  private readonly handlers: { readonly [K in NodeType]: (node: NodeOf<K>) => Value } = {
    nil: () => null,
    bool: (node) => node.value,
    int: (node) => node.value,
    float: (node) => node.value,
    string: (node) => node.value,
    ident: (node) => this.identifier(node.name, node.pos),
    pointer: (node) => this.pointer(node.name, node.pos),
    unary: (node) => unary(node.op, this.eval(node.operand), node.pos),
    binary: (node) => this.binary(node),
    array: (node) => node.items.map((item) => this.eval(item)),
    map: (node) => this.mapLiteral(node.entries),
    member: (node) => this.member(node),
    slice: (node) => this.slice(node),
    call: (node) => this.call(node.name, node.args, node.pos),
    method: (node) =>
      fail('runtime', `type ${goTypeName(this.eval(node.object))} has no method ${node.name}`, node.pos),
    predicate: (node) => this.predicate(node.name, node.collection, node.body, node.pos),
    conditional: (node) => (asBool(this.eval(node.cond), node.cond.pos) ? this.eval(node.then) : this.eval(node.else)),
    let: (node) => {
      this.lets.push({ name: node.name, value: this.eval(node.value) });
      const result = this.eval(node.body);
      this.lets.pop();
      return result;
    },
  };

  private identifier(name: string, offset: number): Value {
    for (let i = this.lets.length - 1; i >= 0; i--) {
      const binding = this.lets[i];
      if (binding?.name === name) return binding.value;
    }
    const value = lookupValue(this.values, name);
    if (value !== undefined) return value;
    if (this.env.variables.has(name)) return null;
    return fail('runtime', `unknown name ${name}`, offset);
  }

  private pointer(name: string, offset: number): Value {
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) return fail('syntax', 'cannot use pointer accessor outside predicate', offset);
    if (name === '') return frame.elem;
    if (name === 'index') return BigInt(frame.index);
    return fail('unsupported', `the pointer #${name} is not supported`, offset);
  }

  private binary(node: NodeOf<'binary'>): Value {
    const left = this.eval(node.left);
    switch (node.op) {
      case '&&':
      case 'and':
        return asBool(left, node.left.pos) ? this.eval(node.right) : false;
      case '||':
      case 'or':
        return asBool(left, node.left.pos) ? true : this.eval(node.right);
      case '??':
        return left === null ? this.eval(node.right) : left;
      default:
        return binary(node.op, left, this.eval(node.right), node.pos);
    }
  }

  private mapLiteral(entries: readonly { readonly key: Node; readonly value: Node }[]): Value {
    const pairs: [string, Value][] = [];
    for (const entry of entries) {
      const key = this.eval(entry.key);
      if (typeof key !== 'string') return interfaceConversion(key, 'string', entry.key.pos);
      pairs.push([key, this.eval(entry.value)]);
    }
    return newMap(pairs);
  }

  private member(node: MemberNode): Value {
    const object = this.eval(node.object);
    if (object === null) {
      if (node.optional) return null;
      const key = this.eval(node.property);
      return fail('runtime', `cannot fetch ${formatKey(key)} from <nil>`, node.pos);
    }
    return fetch(object, this.eval(node.property), node.pos);
  }

  private slice(node: NodeOf<'slice'>): Value {
    const object = this.eval(node.object);
    const from = node.from === null ? 0 : toIndex(this.eval(node.from), node.from.pos);
    if (isArray(object)) {
      const to = node.to === null ? object.length : toIndex(this.eval(node.to), node.to.pos);
      const [a, b] = sliceBounds(object.length, from, to);
      return tagArray(object.slice(a, b), arrayTypeName(object));
    }
    if (typeof object === 'string') {
      const bytes = encoder.encode(object);
      const to = node.to === null ? bytes.length : toIndex(this.eval(node.to), node.to.pos);
      const [a, b] = sliceBounds(bytes.length, from, to);
      return decoder.decode(bytes.slice(a, b));
    }
    return fail('runtime', `cannot slice ${goTypeName(object)}`, node.pos);
  }

  private call(name: string, argNodes: readonly Node[], offset: number): Value {
    const args = argNodes.map((a) => this.eval(a));
    const fn = this.env.functions.get(name);
    if (fn !== undefined) {
      if (args.length !== fn.params.length) return fail('runtime', `wrong number of arguments to ${name}`, offset);
      const converted = args.map((arg, i) => {
        const param = fn.params[i];
        if (param?.kind !== 'float' || typeof arg === 'number') return arg;
        const argNode = argNodes[i];
        if (typeof arg === 'bigint' && argNode !== undefined && isIntLiteral(argNode)) return Number(arg);
        const what = arg === null ? 'zero Value' : goTypeName(arg);
        return fail('runtime', `reflect: Call using ${what} as type float64`, argNode?.pos ?? offset);
      });
      return fn.call(converted, offset, this.values);
    }
    const builtin = BUILTINS.get(name);
    if (builtin !== undefined) return builtin.run(args, offset);
    return fail('runtime', `unknown name ${name}`, offset);
  }

  private predicate(name: string, collectionNode: Node, body: Node | null, offset: number): Value {
    const collection = this.eval(collectionNode);
    if (!isArray(collection)) {
      return fail('runtime', `builtin ${name} takes only array (got ${goTypeName(collection)})`, collectionNode.pos);
    }
    if (body === null) return this.withoutPredicate(name, collection, offset);
    const run = (elem: Value, index: number): Value => {
      this.frames.push({ elem, index });
      try {
        return this.eval(body);
      } finally {
        this.frames.pop();
      }
    };
    const test = (elem: Value, index: number): boolean => asBool(run(elem, index), body.pos);
    return runPredicate(name, collection, { run, test }, offset);
  }

  private withoutPredicate(name: string, collection: readonly Value[], offset: number): Value {
    if (name === 'count') return BigInt(collection.filter((x) => asBool(x, offset)).length);
    return sumOf(collection, offset);
  }
}

interface Closure {
  run(elem: Value, index: number): Value;
  test(elem: Value, index: number): boolean;
}

function runPredicate(name: string, items: readonly Value[], fn: Closure, offset: number): Value {
  switch (name) {
    case 'all':
      return items.every((x, i) => fn.test(x, i));
    case 'any':
      return items.some((x, i) => fn.test(x, i));
    case 'none':
      return !items.some((x, i) => fn.test(x, i));
    case 'one':
      return items.filter((x, i) => fn.test(x, i)).length === 1;
    case 'filter':
      return items.filter((x, i) => fn.test(x, i));
    case 'map':
      return items.map((x, i) => fn.run(x, i));
    case 'count':
      return BigInt(items.filter((x, i) => fn.test(x, i)).length);
    case 'sum':
      return sumOf(
        items.map((x, i) => fn.run(x, i)),
        offset,
      );
    default:
      return findIn(name, items, fn);
  }
}

function findIn(name: string, items: readonly Value[], fn: Closure): Value {
  const last = name === 'findLast' || name === 'findLastIndex';
  const wantIndex = name === 'findIndex' || name === 'findLastIndex';
  for (let k = 0; k < items.length; k++) {
    const i = last ? items.length - 1 - k : k;
    const item = items[i] ?? null;
    if (fn.test(item, i)) return wantIndex ? BigInt(i) : item;
  }
  return wantIndex ? -1n : null;
}

function sumOf(values: readonly Value[], offset: number): Value {
  if (values.length > MEMORY_BUDGET) return fail('runtime', 'memory budget exceeded', offset);
  let intSum = 0n;
  let floatSum = 0;
  let isFloat = false;
  for (const v of values) {
    if (typeof v === 'bigint') intSum += v;
    else if (typeof v === 'number') {
      floatSum += v;
      isFloat = true;
    } else return fail('runtime', `invalid argument for sum (type ${goTypeName(v)})`, offset);
  }
  return isFloat ? floatSum + Number(intSum) : BigInt.asIntN(64, intSum);
}

function isIntLiteral(node: Node): boolean {
  if (node.type === 'int') return true;
  return node.type === 'unary' && (node.op === '-' || node.op === '+') && isIntLiteral(node.operand);
}
