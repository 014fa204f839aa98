/**
 * Go's strconv.ParseInt(s, 10, 64) and strconv.ParseFloat(s, 64), which Argo's asInt/asFloat and expr's
 * int()/float() use. They are stricter than JavaScript's parsers (no spaces, no trailing garbage), and their
 * error texts end up in user-visible messages, so both are reproduced.
 */
export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function parseGoInt(s: string, fn = 'ParseInt'): ParseResult<bigint> {
  if (!/^[+-]?[0-9]+$/.test(s)) return { ok: false, error: `strconv.${fn}: parsing ${goQuote(s)}: invalid syntax` };
  const value = BigInt(s);
  if (value < INT64_MIN || value > INT64_MAX) {
    return { ok: false, error: `strconv.${fn}: parsing ${goQuote(s)}: value out of range` };
  }
  return { ok: true, value };
}

const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]((?:[0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?|\.[0-9a-fA-F_]+))[pP]([+-]?[0-9_]+)$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

export function parseGoFloat(s: string): ParseResult<number> {
  const special = SPECIAL.exec(s);
  if (special) {
    const name = (special[2] ?? '').toLowerCase();
    if (name === 'nan') return special[1] === '' ? { ok: true, value: NaN } : invalid(s);
    return { ok: true, value: special[1] === '-' ? -Infinity : Infinity };
  }
  let value: number;
  if (DECIMAL.test(s)) value = Number(s);
  else {
    const hex = HEX_FLOAT.exec(s);
    if (!hex) return invalid(s);
    value = hexFloat(hex[2] ?? '', hex[3] ?? '0');
    if (hex[1] === '-') value = -value;
  }
  if (!Number.isFinite(value))
    return { ok: false, error: `strconv.ParseFloat: parsing ${goQuote(s)}: value out of range` };
  return { ok: true, value };
}

function invalid(s: string): ParseResult<never> {
  return { ok: false, error: `strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax` };
}

function hexFloat(mantissa: string, exponent: string): number {
  const [whole = '', fraction = ''] = mantissa.replace(/_/g, '').split('.');
  const digits = whole + fraction;
  const base = digits === '' ? 0 : parseInt(digits, 16);
  return base * 2 ** (Number(exponent.replace(/_/g, '')) - 4 * fraction.length);
}

/** Go's %q for the strings that appear in strconv errors. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
