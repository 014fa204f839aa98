import type { MemberNode, Node, NodeOf, NodeType } from './ast.js';
import { BUILTINS, UNSUPPORTED_BUILTINS } from './builtins.js';
import type { TypeEnv } from './env.js';
import { fail } from './errors.js';
import { compileRegex } from './regex.js';
import { isNumberType, isUnknown, sameType, T, typeName, type Type } from './types.js';

/**
 * The compile-time type checker, mirroring expr-lang's `checker/checker.go` for the natures Kanary has. It only
 * rejects what expr rejects before running: operations on known, incompatible types. Anything involving an
 * unknown (`interface {}`) type passes and is checked at run time instead.
 */
export function check(node: Node, env: TypeEnv): Type {
  return new Checker(env).visit(node);
}

type Check = (t: Type) => boolean;
const isBool: Check = (t) => t.kind === 'bool';
const isString: Check = (t) => t.kind === 'string';
const isInt: Check = (t) => t.kind === 'int';

/** expr's MaybeCompatible: one side unknown and the other satisfies one of the checks (or both unknown). */
function maybe(l: Type, r: Type, ...checks: ((t: Type) => boolean)[]): boolean {
  if (isUnknown(l) && isUnknown(r)) return true;
  if (isUnknown(l)) return checks.some((c) => c(r));
  if (isUnknown(r)) return checks.some((c) => c(l));
  return false;
}

function comparable(l: Type, r: Type): boolean {
  if (isUnknown(l) || isUnknown(r) || l.kind === 'nil' || r.kind === 'nil') return true;
  if (isNumberType(l) && isNumberType(r)) return true;
  if (l.kind === 'array' && r.kind === 'array') return true;
  return sameType(l, r);
}

function combined(l: Type, r: Type): Type {
  if (l.kind === 'int' && r.kind === 'int') return sameType(l, r) ? l : T.int;
  return T.float;
}

function isIntLiteral(node: Node): boolean {
  if (node.type === 'int') return true;
  return node.type === 'unary' && (node.op === '-' || node.op === '+') && isIntLiteral(node.operand);
}

const PREDICATE_RETURNS_BOOL = new Set(['all', 'any', 'none', 'one', 'filter', 'count', 'find', 'findIndex']);

class Checker {
  /** Element types of the enclosing predicate closures, innermost last. */
  private readonly closures: Type[] = [];
  private readonly lets: { name: string; type: Type }[] = [];

  constructor(private readonly env: TypeEnv) {}

  visit(node: Node): Type {
    const handler = this.handlers[node.type] as (n: Node) => Type;
    return handler(node);
  }

  /** One rule per node type (a table rather than a switch keeps each rule small). */
  private readonly handlers: { readonly [K in NodeType]: (node: NodeOf<K>) => Type } = {
    nil: () => T.nil,
    bool: () => T.bool,
    int: () => T.int,
    float: () => T.float,
    string: () => T.string,
    array: (node) => {
      node.items.forEach((item) => this.visit(item));
      return T.arrayOf(T.unknown);
    },
    map: (node) => {
      node.entries.forEach((e) => (this.visit(e.key), this.visit(e.value)));
      return T.mapOf(T.unknown);
    },
    ident: (node) => this.identifier(node.name, node.pos),
    pointer: (node) => this.pointer(node.name, node.pos),
    unary: (node) => this.unary(node.op, this.visit(node.operand), node.pos),
    binary: (node) => this.binary(node),
    member: (node) => this.member(node),
    slice: (node) => this.slice(node),
    call: (node) => this.call(node.name, node.args, node.pos),
    method: (node) => this.method(node.object, node.name, node.args, node.pos),
    predicate: (node) => this.predicate(node.name, node.collection, node.body, node.pos),
    conditional: (node) => this.conditional(node.cond, node.then, node.else),
    let: (node) => {
      this.lets.push({ name: node.name, type: this.visit(node.value) });
      const body = this.visit(node.body);
      this.lets.pop();
      return body;
    },
  };

  private identifier(name: string, pos: number): Type {
    for (let i = this.lets.length - 1; i >= 0; i--) {
      const binding = this.lets[i];
      if (binding?.name === name) return binding.type;
    }
    const variable = this.env.variables.get(name);
    if (variable !== undefined) return variable;
    if (this.env.functions.has(name) || BUILTINS.has(name)) {
      return fail('unsupported', `using the function ${name} as a value is not supported; call it: ${name}(...)`, pos);
    }
    return fail('type', `unknown name ${name}`, pos);
  }

  private pointer(name: string, pos: number): Type {
    const elem = this.closures[this.closures.length - 1];
    if (elem === undefined) return fail('syntax', 'cannot use pointer accessor outside predicate', pos);
    if (name === '') return elem;
    if (name === 'index') return T.int;
    return fail('unsupported', `the pointer #${name} is not supported`, pos);
  }

  private unary(op: string, t: Type, pos: number): Type {
    if (op === '!' || op === 'not') {
      if (isBool(t) || isUnknown(t)) return T.bool;
    } else if (isNumberType(t) || isUnknown(t)) {
      return t;
    }
    return fail('type', `invalid operation: ${op} (mismatched type ${typeName(t)})`, pos);
  }

  private binary(node: NodeOf<'binary'>): Type {
    const l = this.visit(node.left);
    const r = this.visit(node.right);
    if (node.op === 'in') this.membershipChecks(l, r, node.pos);
    const result = binaryType(node.op, l, r);
    if (result === null) {
      return fail(
        'type',
        `invalid operation: ${node.op} (mismatched types ${typeName(l)} and ${typeName(r)})`,
        node.pos,
      );
    }
    this.constantChecks(node);
    return result;
  }

  /** expr's specific messages for `in` on a known map or array. */
  private membershipChecks(l: Type, r: Type, pos: number): void {
    if (r.kind === 'map' && !isUnknown(l) && l.kind !== 'string') {
      fail('type', `cannot use ${typeName(l)} as type string in map key`, pos);
    }
    if (r.kind === 'array' && !comparable(l, r.elem)) {
      fail('type', `cannot use ${typeName(l)} as type ${typeName(r.elem)} in array`, pos);
    }
  }

  /** What expr's optimizer rejects at compile time: `x % 0` on constants, bad constant regexps. */
  private constantChecks(node: NodeOf<'binary'>): void {
    if (node.op === '%' && node.right.type === 'int' && node.right.value === 0n && node.left.type === 'int') {
      fail('type', 'integer divide by zero', node.pos);
    }
    if (node.op === 'matches' && node.right.type === 'string') compileRegex(node.right.value, node.right.pos);
  }

  private member(node: MemberNode): Type {
    const base = this.visit(node.object);
    const prop = this.visit(node.property);
    if (isUnknown(base)) return T.unknown;
    const name = node.property.type === 'string' ? node.property.value : null;
    if (base.kind === 'nil') {
      if (node.optional) return T.nil;
      if (name !== null) return fail('type', `type nil has no field ${name}`, node.pos);
    }
    if (base.kind === 'map') {
      if (!isUnknown(prop) && !isString(prop)) {
        fail('type', `cannot use ${typeName(prop)} to get an element from ${typeName(base)}`, node.property.pos);
      }
      return base.value;
    }
    if (base.kind === 'array' || base.kind === 'string') {
      if (!isUnknown(prop) && !isInt(prop)) {
        const what = base.kind === 'array' ? 'array elements' : 'string characters';
        fail('type', `${what} can only be selected using an integer (got ${typeName(prop)})`, node.property.pos);
      }
      return base.kind === 'array' ? base.elem : { kind: 'int', name: 'uint8' };
    }
    return fail('type', `type ${typeName(base)}[${typeName(prop)}] is undefined`, node.pos);
  }

  private slice(node: Extract<Node, { type: 'slice' }>): Type {
    const base = this.visit(node.object);
    for (const bound of [node.from, node.to]) {
      if (bound === null) continue;
      const t = this.visit(bound);
      if (!isUnknown(t) && !isInt(t)) fail('type', `invalid slice index type ${typeName(t)}`, bound.pos);
    }
    if (isUnknown(base) || base.kind === 'array' || base.kind === 'string') return base;
    return fail('type', `cannot slice ${typeName(base)}`, node.pos);
  }

  private call(name: string, args: readonly Node[], pos: number): Type {
    const types = args.map((a) => this.visit(a));
    const fn = this.env.functions.get(name);
    if (fn !== undefined) {
      if (args.length < fn.params.length) fail('type', `not enough arguments to call ${name}`, pos);
      if (args.length > fn.params.length) fail('type', `too many arguments to call ${name}`, pos);
      fn.params.forEach((param, i) => {
        const t = types[i] ?? T.unknown;
        const arg = args[i];
        if (arg === undefined || isUnknown(param) || isUnknown(t) || sameType(param, t)) return;
        if (param.kind === 'float' && isIntLiteral(arg)) return;
        fail('type', `cannot use ${typeName(t)} as argument (type ${typeName(param)}) to call ${name}`, arg.pos);
      });
      return fn.result;
    }
    const builtin = BUILTINS.get(name);
    if (builtin !== undefined) {
      if (args.length < builtin.minArgs) fail('type', `not enough arguments to call ${name}`, pos);
      if (args.length > builtin.maxArgs) fail('type', `too many arguments to call ${name}`, pos);
      return builtin.check(types, pos);
    }
    if (UNSUPPORTED_BUILTINS.has(name)) return fail('unsupported', `builtin ${name} is not supported`, pos);
    return fail('type', `unknown name ${name}`, pos);
  }

  private method(object: Node, name: string, args: readonly Node[], pos: number): Type {
    const base = this.visit(object);
    args.forEach((a) => this.visit(a));
    if (isUnknown(base)) return T.unknown;
    return fail('type', `type ${typeName(base)} has no method ${name}`, pos);
  }

  private predicate(name: string, collection: Node, body: Node | null, pos: number): Type {
    const coll = this.visit(collection);
    let elem: Type;
    if (coll.kind === 'array') elem = coll.elem;
    else if (isUnknown(coll)) elem = T.unknown;
    else return fail('type', `builtin ${name} takes only array (got ${typeName(coll)})`, collection.pos);
    if (body === null) return name === 'count' ? T.int : isNumberType(elem) ? elem : T.unknown;
    this.closures.push(elem);
    const result = this.visit(body);
    this.closures.pop();
    if (PREDICATE_RETURNS_BOOL.has(name) || name === 'findLast' || name === 'findLastIndex') {
      if (!isUnknown(result) && !isBool(result)) {
        fail('type', `predicate should return boolean (got ${typeName(result)})`, body.pos);
      }
    }
    return predicateResult(name, elem, result, pos);
  }

  private conditional(cond: Node, then: Node, otherwise: Node): Type {
    const c = this.visit(cond);
    if (!isUnknown(c) && !isBool(c)) {
      fail('type', `non-bool expression (type ${typeName(c)}) used as condition`, cond.pos);
    }
    const a = this.visit(then);
    const b = this.visit(otherwise);
    return sameType(a, b) ? a : T.unknown;
  }
}

function predicateResult(name: string, elem: Type, body: Type, pos: number): Type {
  switch (name) {
    case 'all':
    case 'any':
    case 'none':
    case 'one':
      return T.bool;
    case 'filter':
      return T.arrayOf(elem);
    case 'map':
      return T.arrayOf(body);
    case 'count':
    case 'findIndex':
    case 'findLastIndex':
      return T.int;
    case 'find':
    case 'findLast':
      return elem;
    case 'sum':
      if (isUnknown(body) || isNumberType(body)) return body;
      return fail('type', `invalid argument for sum (type ${typeName(body)})`, pos);
    default:
      return fail('unsupported', `builtin ${name} is not supported`, pos);
  }
}

/** The result type of a binary operator, or null when expr's checker rejects the operand types. */
export function binaryType(op: string, l: Type, r: Type): Type | null {
  switch (op) {
    case '==':
    case '!=':
      return comparable(l, r) ? T.bool : null;
    case '||':
    case 'or':
    case '&&':
    case 'and':
      return (isBool(l) && isBool(r)) || maybe(l, r, isBool) ? T.bool : null;
    case '<':
    case '>':
    case '<=':
    case '>=':
      return ordered(l, r) ? T.bool : null;
    case '??':
      return coalesceType(l, r);
    default:
      return arithmeticType(op, l, r);
  }
}

function ordered(l: Type, r: Type): boolean {
  if (isNumberType(l) && isNumberType(r)) return true;
  if (isString(l) && isString(r)) return true;
  return maybe(l, r, isNumberType, (t) => t.kind === 'string');
}

function coalesceType(l: Type, r: Type): Type {
  if (l.kind === 'nil') return r;
  if (r.kind === 'nil' || sameType(l, r)) return l;
  return T.unknown;
}

const num = (t: Type): boolean => isNumberType(t);
const str = (t: Type): boolean => t.kind === 'string';
const int = (t: Type): boolean => t.kind === 'int';

type Rule = (l: Type, r: Type) => Type | null;

/** A rule accepting operands that both satisfy `accept` (or may, being unknown), with a fixed result type. */
const uniform =
  (accept: (t: Type) => boolean, result: Type): Rule =>
  (l, r) =>
    (accept(l) && accept(r)) || maybe(l, r, accept) ? result : null;

const ARITHMETIC: Readonly<Record<string, Rule>> = {
  '+': (l, r) => {
    if (num(l) && num(r)) return combined(l, r);
    if (str(l) && str(r)) return T.string;
    return maybe(l, r, num, str) ? T.unknown : null;
  },
  '-': (l, r) => (num(l) && num(r) ? combined(l, r) : maybe(l, r, num) ? T.unknown : null),
  '*': (l, r) => (num(l) && num(r) ? combined(l, r) : maybe(l, r, num) ? T.unknown : null),
  '/': uniform(num, T.float),
  '**': uniform(num, T.float),
  '^': uniform(num, T.float),
  '%': uniform(int, T.int),
  matches: uniform(str, T.bool),
  contains: uniform(str, T.bool),
  startsWith: uniform(str, T.bool),
  endsWith: uniform(str, T.bool),
  '..': uniform(int, T.arrayOf(T.int)),
  in: (l, r) => membershipType(l, r),
};

function arithmeticType(op: string, l: Type, r: Type): Type | null {
  const rule = Object.prototype.hasOwnProperty.call(ARITHMETIC, op) ? ARITHMETIC[op] : undefined;
  return rule === undefined ? null : rule(l, r);
}

function membershipType(l: Type, r: Type): Type | null {
  if (r.kind === 'map' || r.kind === 'array') return T.bool;
  if (isUnknown(l) && r.kind === 'string') return T.bool;
  return isUnknown(r) ? T.bool : null;
}
