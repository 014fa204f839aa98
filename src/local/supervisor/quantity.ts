/**
 * Kubernetes resource quantities (`500m`, `1.5`, `128Mi`, `1e3`, `2G`) as exact fractions, for the downward
 * API's `resourceFieldRef`: its rounding (up to whole divisor units) must not suffer float error.
 */
export interface Quantity {
  /** The value is num / den; den > 0. */
  num: bigint;
  den: bigint;
}

const BINARY: Readonly<Record<string, bigint>> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
/** Decimal SI suffixes as powers of ten. */
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** Parses a quantity as YAML gives it (a number or a string); undefined when it is not one. */
export function parseQuantity(value: unknown): Quantity | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const match = QUANTITY.exec(text.trim());
  if (match === null) return undefined;
  const [, sign = '', digits = '', exponent, suffix = ''] = match;
  const [whole = '', fraction = ''] = digits.split('.');
  let num = BigInt(`${whole}${fraction}` || '0') * (sign === '-' ? -1n : 1n);
  let den = 10n ** BigInt(fraction.length);
  if (exponent !== undefined) {
    const power = Number(exponent.slice(1));
    if (Math.abs(power) > 100) return undefined;
    if (power >= 0) num *= 10n ** BigInt(power);
    else den *= 10n ** BigInt(-power);
  } else if (suffix in BINARY) {
    num *= BINARY[suffix] ?? 1n;
  } else {
    const power = DECIMAL[suffix] ?? 0;
    if (power >= 0) num *= 10n ** BigInt(power);
    else den *= 10n ** BigInt(-power);
  }
  return { num, den };
}

/** A whole number of units: `value / unit`, rounded up (as kubelet does for the downward API). */
export function ceilDivide(value: Quantity, unit: Quantity): bigint {
  const top = value.num * unit.den;
  const bottom = value.den * unit.num;
  const quotient = top / bottom;
  return quotient * bottom < top ? quotient + 1n : quotient;
}

export function quantityEquals(a: Quantity, b: Quantity): boolean {
  return a.num * b.den === b.num * a.den;
}
