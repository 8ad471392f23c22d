/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), as Kyverno's operators and
 * arithmetic functions use them: parse, compare, add, and the canonical `String()` form
 * (`12Ki + 13Ki` → `25Ki`, `12Ki + 13` → `12301`, `1.5` → `1500m`).
 *
 * A quantity is held exactly as `unscaled × 10^-scale` (inf.Dec's representation), so no precision
 * is lost for the binary suffixes (`1.5Gi` = 1610612736).
 */
export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

export interface Quantity {
  readonly unscaled: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
}

const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_SUFFIX_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(.*)$/;

/** `resource.ParseQuantity`: undefined when the string is not a quantity. */
export function parseQuantity(input: string): Quantity | undefined {
  const m = QUANTITY.exec(input);
  if (!m) return undefined;
  const [, sign, number, suffix] = m as unknown as [string, string, string, string];
  const [intPart, fracPart = ''] = number.split('.') as [string, string?];
  let unscaled = BigInt((intPart || '0') + fracPart);
  let scale = fracPart.length;
  let format: QuantityFormat;
  if (suffix in BINARY_SUFFIXES) {
    unscaled *= 1n << BigInt(BINARY_SUFFIXES[suffix]!);
    format = 'BinarySI';
  } else if (suffix in DECIMAL_SUFFIXES) {
    scale -= DECIMAL_SUFFIXES[suffix]!;
    format = 'DecimalSI';
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    scale -= Number(suffix.slice(1));
    format = 'DecimalExponent';
  } else {
    return undefined;
  }
  if (sign === '-') unscaled = -unscaled;
  // Kubernetes keeps at most nanosecond precision and rounds anything finer up (away from zero).
  return normalise(roundUpToScale({ unscaled, scale, format }, 9));
}

/** A JSON number as a quantity (Kyverno compares `"5"` with `5` as quantities in NotEquals). */
export function quantityFromNumber(value: number): Quantity | undefined {
  if (!Number.isFinite(value)) return undefined;
  return parseQuantity(decimalString(value));
}

/** -1, 0 or 1 as `Quantity.Cmp`. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, scale] = align(a, b);
  return normalise({ unscaled: x + y, scale, format: a.format });
}

export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, scale] = align(a, b);
  return normalise({ unscaled: x - y, scale, format: a.format });
}

export function multiplyQuantities(a: Quantity, b: Quantity): Quantity {
  return normalise({ unscaled: a.unscaled * b.unscaled, scale: a.scale + b.scale, format: a.format });
}

/** inf.Dec QuoRound at `scale = max(a.scale, b.scale)`, rounding toward zero (Kyverno's divide). */
export function divideQuantitiesRoundDown(a: Quantity, b: Quantity): Quantity {
  const scale = Math.max(a.scale, b.scale, 0);
  const shift = scale - a.scale + b.scale;
  let dividend = a.unscaled;
  let divisor = b.unscaled;
  if (shift >= 0) dividend *= 10n ** BigInt(shift);
  else divisor *= 10n ** BigInt(-shift);
  return normalise({ unscaled: dividend / divisor, scale, format: a.format });
}

export function quantityToNumber(q: Quantity): number {
  return Number(q.unscaled) / 10 ** q.scale;
}

export function quantityFromInteger(value: bigint, format: QuantityFormat): Quantity {
  return { unscaled: value, scale: 0, format };
}

/** `Quantity.String()`: the canonical form Kubernetes serialises. */
export function formatQuantity(q: Quantity): string {
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const integer = integerValue(q);
    // Small or fractional binary quantities are shown in decimal form (quantity.go CanonicalizeBytes).
    if (integer === undefined || (integer > -1024n && integer < 1024n)) format = 'DecimalSI';
    else return formatBinary(integer);
  }
  const rounded = roundUpToScale(q, 9);
  let unscaled = rounded.unscaled;
  let exponent = -rounded.scale;
  while (unscaled % 10n === 0n && unscaled !== 0n) {
    unscaled /= 10n;
    exponent += 1;
  }
  const rem = ((exponent % 3) + 3) % 3;
  if (rem !== 0) {
    unscaled *= 10n ** BigInt(rem);
    exponent -= rem;
  }
  if (format === 'DecimalExponent') return `${unscaled}${exponent === 0 ? '' : `e${exponent}`}`;
  const suffix = DECIMAL_SUFFIX_BY_EXPONENT.get(exponent);
  if (suffix !== undefined) return `${unscaled}${suffix}`;
  if (exponent > 18) return `${unscaled * 10n ** BigInt(exponent - 18)}E`;
  return `${unscaled}e${exponent}`;
}

function formatBinary(value: bigint): string {
  let power = 0;
  while (power < 6 && value % 1024n === 0n) {
    value /= 1024n;
    power += 1;
  }
  return `${value}${BINARY_SUFFIX_BY_POWER[power]}`;
}

function integerValue(q: Quantity): bigint | undefined {
  if (q.scale <= 0) return q.unscaled * 10n ** BigInt(-q.scale);
  const factor = 10n ** BigInt(q.scale);
  return q.unscaled % factor === 0n ? q.unscaled / factor : undefined;
}

function align(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.unscaled * 10n ** BigInt(scale - a.scale), b.unscaled * 10n ** BigInt(scale - b.scale), scale];
}

function roundUpToScale(q: Quantity, maxScale: number): Quantity {
  if (q.scale <= maxScale) return q;
  const factor = 10n ** BigInt(q.scale - maxScale);
  let unscaled = q.unscaled / factor;
  if (q.unscaled % factor !== 0n) unscaled += q.unscaled > 0n ? 1n : -1n;
  return { unscaled, scale: maxScale, format: q.format };
}

function normalise(q: Quantity): Quantity {
  let { unscaled, scale } = q;
  while (scale > 0 && unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale -= 1;
  }
  if (unscaled === 0n) scale = 0;
  return { unscaled, scale, format: q.format };
}

function decimalString(value: number): string {
  const s = String(value);
  return s.includes('e') ? value.toExponential().replace('e+', 'e') : s;
}
