import { fail } from './errors.js';

/**
 * The lexer of expr-lang v1.17 for the subset Kanary runs. Tokens keep their start offset so that every later
 * error can point at the source.
 */
export type TokenKind = 'int' | 'float' | 'string' | 'bytes' | 'ident' | 'op' | 'pointer' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Source text for numbers, operators and identifiers; the decoded value for strings; the name for `#name`. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** Words that expr lexes as operators (they are still valid property names after `.`). */
export const WORD_OPERATORS = new Set([
  'in',
  'or',
  'and',
  'not',
  'matches',
  'contains',
  'startsWith',
  'endsWith',
  'let',
  'if',
  'else',
]);

const THREE_CHAR_OPS = new Set(['...']);
const TWO_CHAR_OPS = new Set(['**', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '..', '::']);
const ONE_CHAR_OPS = new Set('+-*/%^!<>=?:.,;|#()[]{}'.split(''));

const IDENT_START = /[\p{L}_$]/u;
const IDENT_PART = /[\p{L}\p{Nd}_$]/u;
const DIGIT = /[0-9]/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const lexer = new Lexer(source);
  for (;;) {
    const token = lexer.next();
    tokens.push(token);
    if (token.kind === 'eof') return tokens;
  }
}

class Lexer {
  private pos = 0;

  constructor(private readonly src: string) {}

  next(): Token {
    this.skipSpaceAndComments();
    const start = this.pos;
    if (start >= this.src.length) return { kind: 'eof', value: '', start, end: start };
    const ch = this.charAt(start);
    if (DIGIT.test(ch) || (ch === '.' && DIGIT.test(this.charAt(start + 1)))) return this.number();
    if (ch === '"' || ch === "'") return this.quoted(ch);
    if (ch === '`') return this.raw();
    if (ch === 'b' && (this.charAt(start + 1) === '"' || this.charAt(start + 1) === "'")) {
      this.pos++;
      const str = this.quoted(this.charAt(this.pos));
      return { ...str, kind: 'bytes', start };
    }
    if (IDENT_START.test(this.codePointAt(start))) return this.identifier();
    if (ch === '#') return this.pointer();
    return this.operator();
  }

  private charAt(i: number): string {
    return this.src.charAt(i);
  }

  private codePointAt(i: number): string {
    const cp = this.src.codePointAt(i);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const ch = this.charAt(this.pos);
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v') {
        this.pos++;
      } else if (this.src.startsWith('//', this.pos)) {
        const nl = this.src.indexOf('\n', this.pos);
        this.pos = nl < 0 ? this.src.length : nl + 1;
      } else if (this.src.startsWith('/*', this.pos)) {
        const close = this.src.indexOf('*/', this.pos + 2);
        if (close < 0) fail('syntax', 'unclosed comment', this.pos);
        this.pos = close + 2;
      } else {
        return;
      }
    }
  }

  private number(): Token {
    const start = this.pos;
    const rest = this.src.slice(start);
    const prefixed = /^0[xX][0-9a-fA-F_]+|^0[oO][0-7_]+|^0[bB][01_]+/.exec(rest);
    let text: string;
    let kind: TokenKind = 'int';
    if (prefixed) {
      text = prefixed[0];
    } else {
      const m = /^(?:[0-9][0-9_]*)?(?:\.(?!\.)[0-9_]*)?(?:[eE][+-]?[0-9_]+)?/.exec(rest);
      text = m?.[0] ?? '';
      if (/[.eE]/.test(text)) kind = 'float';
    }
    this.pos = start + text.length;
    if (IDENT_PART.test(this.codePointAt(this.pos)) || text === '') {
      fail('syntax', `bad number syntax: "${rest.slice(0, text.length + 1)}"`, start);
    }
    return { kind, value: text, start, end: this.pos };
  }

  private identifier(): Token {
    const start = this.pos;
    while (this.pos < this.src.length && IDENT_PART.test(this.codePointAt(this.pos))) {
      this.pos += this.codePointAt(this.pos).length;
    }
    const value = this.src.slice(start, this.pos);
    return { kind: WORD_OPERATORS.has(value) ? 'op' : 'ident', value, start, end: this.pos };
  }

  private pointer(): Token {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.src.length && IDENT_PART.test(this.codePointAt(this.pos))) {
      this.pos += this.codePointAt(this.pos).length;
    }
    return { kind: 'pointer', value: this.src.slice(start + 1, this.pos), start, end: this.pos };
  }

  private operator(): Token {
    const start = this.pos;
    const three = this.src.slice(start, start + 3);
    const two = this.src.slice(start, start + 2);
    const one = this.charAt(start);
    let value: string;
    if (THREE_CHAR_OPS.has(three)) value = three;
    else if (TWO_CHAR_OPS.has(two) && !(two === '?.' && DIGIT.test(this.charAt(start + 2)))) value = two;
    else if (ONE_CHAR_OPS.has(one)) value = one;
    else {
      const cp = this.codePointAt(start);
      const code = (cp.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      fail('syntax', `unrecognized character: U+${code} '${cp}'`, start);
    }
    this.pos += value.length;
    return { kind: 'op', value, start, end: this.pos };
  }

  private raw(): Token {
    const start = this.pos;
    const close = this.src.indexOf('`', start + 1);
    if (close < 0) fail('syntax', 'literal not terminated', start);
    this.pos = close + 1;
    return { kind: 'string', value: this.src.slice(start + 1, close), start, end: this.pos };
  }

  private quoted(quote: string): Token {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= this.src.length) fail('syntax', 'literal not terminated', start);
      const ch = this.charAt(this.pos);
      if (ch === quote) break;
      if (ch === '\r' && this.charAt(this.pos + 1) === '\n') {
        // CRLF inside a literal is normalised to LF, as expr does.
        this.pos++;
      } else if (ch === '\\') {
        out += this.escape();
      } else {
        const cp = this.codePointAt(this.pos);
        out += cp;
        this.pos += cp.length;
      }
    }
    this.pos++;
    return { kind: 'string', value: out, start, end: this.pos };
  }

  /** Decodes one escape sequence starting at the backslash (Go's rules, as expr's unescape uses). */
  private escape(): string {
    const at = this.pos;
    const c = this.charAt(at + 1);
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
      "'": "'",
      '"': '"',
      '`': '`',
      '?': '?',
    };
    const mapped = simple[c];
    if (mapped !== undefined) {
      this.pos += 2;
      return mapped;
    }
    const hex = this.hexEscape(c);
    if (hex !== undefined) return hex;
    if (/[0-7]/.test(c)) {
      const digits = this.src.slice(at + 1, at + 4);
      if (!/^[0-7]{3}$/.test(digits) || parseInt(digits, 8) > 255) fail('syntax', 'invalid char escape', at);
      this.pos += 4;
      return String.fromCharCode(parseInt(digits, 8));
    }
    return fail('syntax', 'invalid char escape', at);
  }

  private hexEscape(c: string): string | undefined {
    const at = this.pos;
    let digits: string;
    if (c === 'u' && this.charAt(at + 2) === '{') {
      const close = this.src.indexOf('}', at + 3);
      digits = close < 0 ? '' : this.src.slice(at + 3, close);
      if (!/^[0-9a-fA-F]{1,6}$/.test(digits)) fail('syntax', 'invalid char escape', at);
      this.pos = close + 1;
    } else {
      const width = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
      if (width === 0) return undefined;
      digits = this.src.slice(at + 2, at + 2 + width);
      if (digits.length !== width || !/^[0-9a-fA-F]+$/.test(digits)) fail('syntax', 'invalid char escape', at);
      this.pos = at + 2 + width;
    }
    const code = parseInt(digits, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) fail('syntax', 'invalid char escape', at);
    return String.fromCodePoint(code);
  }
}
