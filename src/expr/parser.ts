import type { Node } from './ast.js';
import { fail } from './errors.js';
import { tokenize, WORD_OPERATORS, type Token } from './lexer.js';

/**
 * A precedence-climbing parser mirroring expr-lang v1.17's `parser/parser.go`, with its precedence table
 * (`parser/operator/operator.go`): `&&` binds tighter than `||`; unary `not`/`!` sit between comparison and
 * arithmetic; unary `-` is below `**`; `<`-style comparisons chain; `??` cannot be mixed with other operators
 * without parentheses.
 */
const BINARY: Readonly<Record<string, { readonly prec: number; readonly right?: boolean }>> = {
  or: { prec: 10 },
  '||': { prec: 10 },
  and: { prec: 15 },
  '&&': { prec: 15 },
  '==': { prec: 20 },
  '!=': { prec: 20 },
  '<': { prec: 20 },
  '>': { prec: 20 },
  '<=': { prec: 20 },
  '>=': { prec: 20 },
  in: { prec: 20 },
  matches: { prec: 20 },
  contains: { prec: 20 },
  startsWith: { prec: 20 },
  endsWith: { prec: 20 },
  '..': { prec: 25 },
  '+': { prec: 30 },
  '-': { prec: 30 },
  '*': { prec: 60 },
  '/': { prec: 60 },
  '%': { prec: 60 },
  '**': { prec: 100, right: true },
  '^': { prec: 100, right: true },
  '??': { prec: 500 },
};

const UNARY: Readonly<Record<string, number>> = { not: 50, '!': 50, '-': 90, '+': 90 };

const NEGATABLE = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);
const CHAINABLE = new Set(['<', '>', '<=', '>=']);

/** Builtins whose second argument is a predicate closure (`{ # > 1 }` or a bare expression). */
export const PREDICATE_BUILTINS = new Set([
  'all',
  'any',
  'none',
  'one',
  'filter',
  'map',
  'count',
  'sum',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
]);
const UNSUPPORTED_PREDICATE_BUILTINS = new Set(['groupBy', 'sortBy', 'reduce']);
/** Predicate builtins whose predicate may be left out. */
const OPTIONAL_PREDICATE = new Set(['count', 'sum']);

const MAX_DEPTH = 200;

export function parse(source: string): Node {
  const parser = new Parser(tokenize(source));
  return parser.parseProgram();
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'EOF';
    case 'int':
    case 'float':
      return `Number("${token.value}")`;
    case 'string':
    case 'bytes':
      return `String(${JSON.stringify(token.value)})`;
    case 'ident':
      return `Identifier("${token.value}")`;
    case 'pointer':
      return `Operator("#${token.value}")`;
    case 'op':
      return '()[]{}'.includes(token.value) ? `Bracket("${token.value}")` : `Operator("${token.value}")`;
  }
}

class Parser {
  private index = 0;
  /** How many predicate closures enclose the current position (`#` and `.field` are only valid inside one). */
  private closureDepth = 0;
  private nesting = 0;

  /** The lexer always ends the token list with an EOF token. */
  private readonly eof: Token;

  constructor(private readonly tokens: readonly Token[]) {
    const end = tokens.at(-1)?.end ?? 0;
    this.eof = { kind: 'eof', value: '', start: end, end };
  }

  parseProgram(): Node {
    const node = this.parseExpression(0);
    if (this.current.kind !== 'eof') {
      if (this.isOp(';')) fail('unsupported', 'sequences with ; are not supported in a condition', this.current.start);
      this.unexpected();
    }
    return node;
  }

  private get current(): Token {
    return this.tokens[this.index] ?? this.eof;
  }

  private peek(n = 1): Token {
    return this.tokens[this.index + n] ?? this.eof;
  }

  private advance(): Token {
    const token = this.current;
    if (this.index < this.tokens.length - 1) this.index++;
    return token;
  }

  private isOp(value: string, token: Token = this.current): boolean {
    return token.kind === 'op' && token.value === value;
  }

  private expectOp(value: string): Token {
    if (!this.isOp(value)) this.unexpected();
    return this.advance();
  }

  private unexpected(): never {
    const token = this.current;
    return fail('syntax', `unexpected token ${describe(token)}`, token.start);
  }

  private enter(at: number): void {
    this.nesting++;
    if (this.nesting > MAX_DEPTH) {
      fail('unsupported', `expression nested more than ${MAX_DEPTH} levels deep is not supported`, at);
    }
  }

  parseExpression(precedence: number): Node {
    this.enter(this.current.start);
    try {
      if (precedence === 0 && this.isOp('let')) return this.parseLet();
      if (precedence === 0 && this.isOp('if')) {
        fail('unsupported', 'if/else statements are not supported in a condition; use c ? a : b', this.current.start);
      }
      let left = this.parsePrimary();
      left = this.parseBinaryTail(left, precedence);
      if (precedence === 0) left = this.parseConditional(left);
      return left;
    } finally {
      this.nesting--;
    }
  }

  private parseBinaryTail(first: Node, precedence: number): Node {
    let left = first;
    let prevOperator = '';
    let lastComparison: Node | null = null;
    for (;;) {
      let token = this.current;
      if (token.kind !== 'op') break;
      if (token.value === '|' && precedence === 0) {
        fail('unsupported', 'the pipe operator | is not supported', token.start);
      }
      let negate = false;
      if (token.value === 'not') {
        const next = this.peek();
        if (next.kind !== 'op' || !NEGATABLE.has(next.value)) break;
        negate = true;
        token = next;
      }
      const op = BINARY[token.value];
      if (op === undefined || op.prec < precedence) break;
      if (negate) this.advance();
      this.advance();
      if (prevOperator === '??' && token.value !== '??') {
        fail(
          'syntax',
          `Operator (${token.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`,
          token.start,
        );
      }
      const right = this.parseExpression(op.right === true ? op.prec : op.prec + 1);
      const pos = token.start;
      if (CHAINABLE.has(token.value) && lastComparison?.type === 'binary') {
        const link: Node = { type: 'binary', op: token.value, left: lastComparison.right, right, pos };
        left = { type: 'binary', op: '&&', left, right: link, pos };
        lastComparison = link;
      } else {
        left = { type: 'binary', op: token.value, left, right, pos };
        if (negate) left = { type: 'unary', op: 'not', operand: left, pos };
        lastComparison = CHAINABLE.has(token.value) ? left : null;
      }
      prevOperator = token.value;
    }
    return left;
  }

  private parseConditional(cond: Node): Node {
    let node = cond;
    while (this.isOp('?')) {
      const pos = this.advance().start;
      if (this.isOp(':')) fail('unsupported', 'the Elvis operator ?: is not supported; use ??', pos);
      const then = this.parseExpression(0);
      this.expectOp(':');
      const otherwise = this.parseExpression(0);
      node = { type: 'conditional', cond: node, then, else: otherwise, pos };
    }
    return node;
  }

  private parseLet(): Node {
    const pos = this.advance().start;
    const name = this.current;
    if (name.kind !== 'ident') this.unexpected();
    this.advance();
    this.expectOp('=');
    const value = this.parseExpression(0);
    this.expectOp(';');
    const body = this.parseExpression(0);
    return { type: 'let', name: name.value, value, body, pos };
  }

  private parsePrimary(): Node {
    const token = this.current;
    if (token.kind === 'op') {
      const unaryPrec = UNARY[token.value];
      if (unaryPrec !== undefined) {
        this.advance();
        const operand = this.parseExpression(unaryPrec);
        return this.parsePostfix({ type: 'unary', op: token.value, operand, pos: token.start });
      }
      if (token.value === '(') {
        this.advance();
        const inner = this.parseExpression(0);
        this.expectOp(')');
        return this.parsePostfix(inner);
      }
    }
    if (token.kind === 'pointer') return this.parsePostfix(this.parsePointer());
    if (this.isOp('.') && this.closureDepth > 0) {
      this.advance();
      const name = this.propertyName();
      const object: Node = { type: 'pointer', name: '', pos: token.start };
      const property: Node = { type: 'string', value: name.value, pos: name.start };
      return this.parsePostfix({ type: 'member', object, property, optional: false, dotted: true, pos: token.start });
    }
    return this.parseSecondary();
  }

  private parsePointer(): Node {
    const token = this.advance();
    if (this.closureDepth === 0) fail('syntax', 'cannot use pointer accessor outside predicate', token.start);
    return { type: 'pointer', name: token.value, pos: token.start };
  }

  private parseSecondary(): Node {
    const token = this.current;
    switch (token.kind) {
      case 'int':
        this.advance();
        return this.parsePostfix({ type: 'int', value: parseIntLiteral(token), pos: token.start });
      case 'float':
        this.advance();
        return this.parsePostfix({ type: 'float', value: parseFloatLiteral(token), pos: token.start });
      case 'string':
        this.advance();
        return this.parsePostfix({ type: 'string', value: token.value, pos: token.start });
      case 'bytes':
        return fail('unsupported', 'bytes literals (b"...") are not supported', token.start);
      case 'ident':
        return this.parsePostfix(this.parseIdentifier());
      case 'op':
        if (token.value === '[') return this.parsePostfix(this.parseArrayLiteral());
        if (token.value === '{') return this.parsePostfix(this.parseMapLiteral());
        return this.unexpected();
      case 'pointer':
      case 'eof':
        return this.unexpected();
    }
  }

  private parseIdentifier(): Node {
    const token = this.advance();
    const name = token.value;
    const pos = token.start;
    if (name === '$env') fail('unsupported', '$env is not supported in a condition', pos);
    if (!this.isOp('(')) {
      if (name === 'true' || name === 'false') return { type: 'bool', value: name === 'true', pos };
      if (name === 'nil') return { type: 'nil', pos };
      return { type: 'ident', name, pos };
    }
    if (UNSUPPORTED_PREDICATE_BUILTINS.has(name)) fail('unsupported', `builtin ${name} is not supported`, pos);
    if (PREDICATE_BUILTINS.has(name)) return this.parsePredicateCall(name, pos);
    return { type: 'call', name, args: this.parseArguments(), pos };
  }

  private parseArguments(): Node[] {
    this.expectOp('(');
    const args: Node[] = [];
    while (!this.isOp(')')) {
      if (args.length > 0) {
        this.expectOp(',');
        if (this.isOp(')')) break;
      }
      args.push(this.parseExpression(0));
    }
    this.advance();
    return args;
  }

  private parsePredicateCall(name: string, pos: number): Node {
    this.expectOp('(');
    const collection = this.parseExpression(0);
    let body: Node | null = null;
    if (this.isOp(',')) {
      this.advance();
      if (!this.isOp(')')) body = this.parseClosure();
      if (this.isOp(',')) this.advance();
    }
    this.expectOp(')');
    if (body === null && !OPTIONAL_PREDICATE.has(name)) {
      fail('syntax', `invalid number of arguments (expected 2, got 1)`, pos);
    }
    return { type: 'predicate', name, collection, body, pos };
  }

  private parseClosure(): Node {
    const braced = this.isOp('{');
    if (braced) this.advance();
    this.closureDepth++;
    const body = this.parseExpression(0);
    this.closureDepth--;
    if (braced) this.expectOp('}');
    else if (this.isOp(';')) fail('syntax', 'wrap predicate with brackets { and }', this.current.start);
    return body;
  }

  private parseArrayLiteral(): Node {
    const pos = this.advance().start;
    const items: Node[] = [];
    while (!this.isOp(']')) {
      if (items.length > 0) {
        this.expectOp(',');
        if (this.isOp(']')) break;
      }
      items.push(this.parseExpression(0));
    }
    this.advance();
    return { type: 'array', items, pos };
  }

  private parseMapLiteral(): Node {
    const pos = this.advance().start;
    const entries: { key: Node; value: Node }[] = [];
    while (!this.isOp('}')) {
      if (entries.length > 0) {
        this.expectOp(',');
        if (this.isOp('}')) break;
      }
      const key = this.parseMapKey();
      this.expectOp(':');
      entries.push({ key, value: this.parseExpression(0) });
    }
    this.advance();
    return { type: 'map', entries, pos };
  }

  private parseMapKey(): Node {
    const token = this.current;
    if (token.kind === 'ident' || token.kind === 'string' || (token.kind === 'op' && WORD_OPERATORS.has(token.value))) {
      this.advance();
      return { type: 'string', value: token.value, pos: token.start };
    }
    if (token.kind === 'int' || token.kind === 'float') {
      this.advance();
      return { type: 'string', value: token.value, pos: token.start };
    }
    if (this.isOp('(')) {
      this.advance();
      const key = this.parseExpression(0);
      this.expectOp(')');
      return key;
    }
    return this.unexpected();
  }

  private propertyName(): Token {
    const token = this.current;
    if (token.kind === 'ident' || (token.kind === 'op' && WORD_OPERATORS.has(token.value))) return this.advance();
    return fail('syntax', 'expected name', token.start);
  }

  private parsePostfix(start: Node): Node {
    let node = start;
    const depthBefore = this.nesting;
    try {
      for (;;) {
        const token = this.current;
        if (this.isOp('.') || this.isOp('?.')) {
          this.enter(token.start);
          node = this.parseDotted(node, token);
        } else if (this.isOp('[')) {
          this.enter(token.start);
          node = this.parseBracket(node, false);
        } else {
          return node;
        }
      }
    } finally {
      this.nesting = depthBefore;
    }
  }

  private parseDotted(object: Node, token: Token): Node {
    const optional = token.value === '?.';
    this.advance();
    if (optional && this.isOp('[')) return this.parseBracket(object, true);
    const name = this.propertyName();
    if (this.isOp('(')) {
      return { type: 'method', object, name: name.value, args: this.parseArguments(), pos: name.start };
    }
    const property: Node = { type: 'string', value: name.value, pos: name.start };
    return { type: 'member', object, property, optional, dotted: true, pos: token.start };
  }

  private parseBracket(object: Node, optional: boolean): Node {
    const pos = this.advance().start;
    if (this.isOp(':')) {
      this.advance();
      const to = this.isOp(']') ? null : this.parseExpression(0);
      this.expectOp(']');
      return { type: 'slice', object, from: null, to, pos };
    }
    const index = this.parseExpression(0);
    if (this.isOp(':')) {
      this.advance();
      const to = this.isOp(']') ? null : this.parseExpression(0);
      this.expectOp(']');
      return { type: 'slice', object, from: index, to, pos };
    }
    this.expectOp(']');
    return { type: 'member', object, property: index, optional, dotted: false, pos };
  }
}

const INT64_MAX = 2n ** 63n - 1n;

function parseIntLiteral(token: Token): bigint {
  const text = token.value.replace(/_/g, '');
  const lower = text.toLowerCase();
  const kind = lower.startsWith('0x')
    ? 'hex'
    : lower.startsWith('0o')
      ? 'octal'
      : lower.startsWith('0b')
        ? 'binary'
        : '';
  const label = kind === '' ? 'integer' : kind;
  let value: bigint;
  try {
    value = BigInt(kind === '' ? text.replace(/^0+(?=\d)/, '') : lower);
  } catch {
    return fail('syntax', `invalid ${label} literal: strconv.ParseInt: parsing "${text}": invalid syntax`, token.start);
  }
  if (value > INT64_MAX) {
    fail('syntax', `invalid ${label} literal: strconv.ParseInt: parsing "${text}": value out of range`, token.start);
  }
  return value;
}

function parseFloatLiteral(token: Token): number {
  const text = token.value.replace(/_/g, '');
  const value = Number(text.endsWith('.') ? `${text}0` : text);
  if (!Number.isFinite(value)) {
    fail('syntax', `invalid float literal: strconv.ParseFloat: parsing "${text}": value out of range`, token.start);
  }
  return value;
}
