/**
 * The Java values the broker's SQL92 filter computes with, and the few JDK methods it applies
 * to them: Integer/Long/Double/Boolean.valueOf on strings, compareTo, and the widening in
 * RocketMQ's ComparisonExpression.__compare. A message property is always a String (the broker
 * reads properties as Map<String, String>); literals are Integer, Long, Double, String or
 * Boolean; NULL and a missing property are null. Longs are bigints: a long past 2^53 must
 * compare exactly, as Java's does.
 */

export type JavaValue =
  | { readonly type: 'Integer'; readonly value: number }
  | { readonly type: 'Long'; readonly value: bigint }
  | { readonly type: 'Double'; readonly value: number }
  | { readonly type: 'String'; readonly value: string }
  | { readonly type: 'Boolean'; readonly value: boolean }
  | null;

export type NonNullJavaValue = Exclude<JavaValue, null>;

/**
 * A Java exception thrown while evaluating (NumberFormatException, ClassCastException, the
 * filter's own RuntimeException): the broker logs it and does not deliver the message.
 */
export class JavaEvaluationError extends Error {
  constructor(
    readonly javaClass: string,
    message: string,
  ) {
    super(`${javaClass}: ${message}`);
    this.name = 'JavaEvaluationError';
  }
}

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

export const javaInt = (value: number): NonNullJavaValue => ({ type: 'Integer', value });
export const javaLong = (value: bigint): NonNullJavaValue => ({ type: 'Long', value });
export const javaDouble = (value: number): NonNullJavaValue => ({ type: 'Double', value });
export const javaString = (value: string): NonNullJavaValue => ({ type: 'String', value });
export const javaBoolean = (value: boolean): NonNullJavaValue => ({ type: 'Boolean', value });

function numberFormat(text: string): JavaEvaluationError {
  return new JavaEvaluationError('java.lang.NumberFormatException', `For input string: "${text}"`);
}

/**
 * The value of one UTF-16 unit as Character.digit(ch, 10) sees it: any BMP character of
 * Unicode category Nd counts (Arabic-Indic, fullwidth...), not only 0-9. Nd digits come in
 * runs of ten starting at a zero, so the value is the distance from the run's start, mod 10.
 */
function decimalDigit(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (!ND.test(text[index] ?? '')) return -1;
  let start = code;
  while (start > 0 && ND.test(String.fromCharCode(start - 1))) start--;
  return (code - start) % 10;
}
const ND = /^\p{Nd}$/u;

/** Integer.parseInt / Long.parseLong (radix 10) as one routine over bigints, with the range. */
function parseJavaInteger(text: string, min: bigint, max: bigint): bigint {
  let index = 0;
  let negative = false;
  if (text.length === 0) throw numberFormat(text);
  if (text[0] === '-' || text[0] === '+') {
    negative = text[0] === '-';
    index = 1;
    if (text.length === 1) throw numberFormat(text);
  }
  let result = 0n;
  for (; index < text.length; index++) {
    const digit = decimalDigit(text, index);
    if (digit < 0) throw numberFormat(text);
    result = result * 10n + BigInt(digit);
    if (result > max + 1n) throw numberFormat(text);
  }
  const value = negative ? -result : result;
  if (value < min || value > max) throw numberFormat(text);
  return value;
}

/** Integer.valueOf(String). */
export function integerValueOf(text: string): number {
  return Number(parseJavaInteger(text, INT_MIN, INT_MAX));
}

/** Long.valueOf(String). */
export function longValueOf(text: string): bigint {
  return parseJavaInteger(text, LONG_MIN, LONG_MAX);
}

/** String.trim(): every character up to U+0020 at either end, not Unicode white space. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)[fFdD]?$/;

/**
 * Double.valueOf(String) (FloatingDecimal.readJavaFormatString): trimmed, an optional sign,
 * then NaN, Infinity, a decimal (ASCII digits, optional exponent) or a hexadecimal float with
 * a binary exponent, each number optionally followed by one f/F/d/D. Decimal values are
 * parsed by Number(), which rounds correctly as Java does; hexadecimal ones are computed as
 * mantissa × 2^exponent, exact unless the mantissa has more than 53 significant bits or the
 * result is subnormal (Java rounds those once, this twice).
 */
export function doubleValueOf(text: string): number {
  const trimmed = javaTrim(text);
  const unsigned = trimmed.replace(/^[+-]/, '');
  const sign = trimmed.startsWith('-') ? -1 : 1;
  if (unsigned === 'NaN') return Number.NaN;
  if (unsigned === 'Infinity') return sign * Number.POSITIVE_INFINITY;
  if (DECIMAL_FLOAT.test(trimmed)) return Number(trimmed.replace(/[fFdD]$/, ''));
  const hex = HEX_FLOAT.exec(trimmed);
  if (hex) {
    const [, signText, whole = '', fraction = '', exponent = '0'] = hex;
    if (whole.length + fraction.length === 0) throw numberFormat(text);
    const mantissa = BigInt(`0x${whole}${fraction}`);
    const value = Number(mantissa) * 2 ** (Number(exponent) - 4 * fraction.length);
    return signText === '-' ? -value : value;
  }
  throw numberFormat(text);
}

/** Boolean.valueOf(String): "true" in any case is true, anything else false. */
export function booleanValueOf(text: string): boolean {
  return /^true$/i.test(text);
}

/** Double.compare: NaN above everything (and equal to itself), -0.0 below 0.0. */
export function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  const aNegativeZero = Object.is(a, -0);
  const bNegativeZero = Object.is(b, -0);
  return aNegativeZero === bNegativeZero ? 0 : aNegativeZero ? -1 : 1;
}

function sign(n: number | bigint): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** compareTo between two values of the same class. */
function compareSameType(lv: NonNullJavaValue, rv: NonNullJavaValue): number {
  switch (lv.type) {
    case 'Integer':
      return sign(lv.value - (rv.value as number));
    case 'Long':
      return sign(lv.value - (rv.value as bigint));
    case 'Double':
      return compareDoubles(lv.value, rv.value as number);
    case 'String': {
      const r = rv.value as string;
      // String.compareTo is by UTF-16 unit, as JavaScript's < is.
      return lv.value === r ? 0 : lv.value < r ? -1 : 1;
    }
    case 'Boolean':
      return lv.value === rv.value ? 0 : lv.value ? 1 : -1;
  }
}

/** new Double(long): the nearest double, as Number(bigint) rounds. */
const longToDouble = (value: bigint): number => Number(value);

/**
 * ComparisonExpression.__compare with CONVERT_STRING_EXPRESSIONS on (the broker's parser sets
 * it): values of different classes are converted towards the number (a String is parsed with
 * the other side's valueOf; a NumberFormatException becomes a RuntimeException), a Boolean
 * compared with anything else but a String answers -1 (so `=` is false and `<` true), and a
 * Boolean on the left of a String is cast to String: a ClassCastException.
 */
export function javaCompare(lv: NonNullJavaValue, rv: NonNullJavaValue): number {
  try {
    return convertAndCompare(lv, rv);
  } catch (error) {
    // __compare wraps a NumberFormatException (only) in a RuntimeException.
    if (error instanceof JavaEvaluationError && error.javaClass === 'java.lang.NumberFormatException') {
      throw new JavaEvaluationError('java.lang.RuntimeException', error.message);
    }
    throw error;
  }
}

function convertAndCompare(lv: NonNullJavaValue, rv: NonNullJavaValue): number {
  if (lv.type === rv.type) return compareSameType(lv, rv);
  switch (lv.type) {
    case 'Boolean':
      if (rv.type === 'String') {
        throw new JavaEvaluationError(
          'java.lang.ClassCastException',
          'class java.lang.Boolean cannot be cast to class java.lang.String',
        );
      }
      return -1;
    case 'Integer':
      if (rv.type === 'Long') return sign(BigInt(lv.value) - rv.value);
      if (rv.type === 'Double') return compareDoubles(lv.value, rv.value);
      if (rv.type === 'String') return sign(lv.value - integerValueOf(rv.value));
      return -1;
    case 'Long':
      if (rv.type === 'Integer') return sign(lv.value - BigInt(rv.value));
      if (rv.type === 'Double') return compareDoubles(longToDouble(lv.value), rv.value);
      if (rv.type === 'String') return sign(lv.value - longValueOf(rv.value));
      return -1;
    case 'Double':
      if (rv.type === 'Integer') return compareDoubles(lv.value, rv.value);
      if (rv.type === 'Long') return compareDoubles(lv.value, longToDouble(rv.value));
      if (rv.type === 'String') return compareDoubles(lv.value, doubleValueOf(rv.value));
      return -1;
    case 'String':
      switch (rv.type) {
        case 'Boolean':
          return compareSameType(javaBoolean(booleanValueOf(lv.value)), rv);
        case 'Integer':
          return sign(integerValueOf(lv.value) - rv.value);
        case 'Long':
          return sign(longValueOf(lv.value) - rv.value);
        case 'Double':
          return compareDoubles(doubleValueOf(lv.value), rv.value);
        default:
          return -1; // unreachable: String with String is compareSameType
      }
  }
}

/** Java's toString of a value, for messages (the parser's own wording quotes strings SQL-style). */
export function javaToString(value: JavaValue): string {
  if (value === null) return 'NULL';
  switch (value.type) {
    case 'Boolean':
      return value.value ? 'TRUE' : 'FALSE';
    case 'String':
      return `'${value.value.replaceAll("'", "''")}'`;
    case 'Double':
      return javaDoubleToString(value.value);
    default:
      return String(value.value);
  }
}

/** Double.toString, near enough for messages: 5.0 not 5, 1.0E10 not 10000000000. */
function javaDoubleToString(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) {
    const [mantissa = '', exponent = ''] = value.toExponential().split('e');
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
  }
  const text = String(value);
  return text.includes('.') ? text : `${text}.0`;
}

export const INTEGER_RANGE = { min: INT_MIN, max: INT_MAX } as const;
