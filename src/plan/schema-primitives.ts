/**
 * Zod building blocks that speak the plan's language: every failure message is written for a
 * person editing YAML ("expected a positive integer, got -3"), never zod's defaults, and unit
 * fields carry a JSON Schema `pattern` so editors flag them before a run does.
 */
import { z } from 'zod';
import { closestMatch, describeValue, type KeysElsewhere } from './messages.ts';
import {
  BANDWIDTH_PATTERN,
  DURATION_PATTERN,
  RATE_PATTERN,
  SIZE_PATTERN,
  UNIT_EXPECTED,
  formatBandwidth,
  formatDuration,
  formatRate,
  formatSize,
  parseBandwidth,
  parseDuration,
  parseRate,
  parseSize,
  type UnitResult,
} from './units.ts';

/** The part of zod's raw issue an error function needs. */
interface RawIssue {
  code?: string;
  input?: unknown;
}

function got(input: unknown): string {
  return `got ${describeValue(input)}`;
}

/** Small ranges read best spelled out ("from 1 to 3"); large ones as a kind plus a cap. */
function integerPhrase(min: number, max: number | undefined): { phrase: string; capped: boolean } {
  if (max !== undefined && (max <= 4 || min > 1)) return { phrase: `an integer from ${min} to ${max}`, capped: false };
  const phrase =
    min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer of at least ${min}`;
  return { phrase, capped: max !== undefined };
}

/**
 * Maps whose keys are not settings, so an unknown key gets a better noun ("unknown metric").
 * `among` marks a map with too many keys to list: an unknown key gets its close matches, or
 * `among` (what the keys are) when none is close; `elsewhere` names a sibling map a key may belong in.
 */
export const keyNouns = z.registry<{
  keyNoun: string;
  listKnown: boolean;
  among?: string;
  elsewhere?: KeysElsewhere;
}>();

/**
 * Description and documented default for editors; the field stays optional. The metadata goes
 * on the optional wrapper so the inner schema keeps its identity (see `keyNouns`).
 */
export function opt<T extends z.ZodType>(schema: T, description: string, def?: string | number | boolean) {
  return schema.optional().meta(def === undefined ? { description } : { description, default: def });
}

export function req<T extends z.ZodType>(schema: T, description: string): T {
  return schema.meta({ description });
}

/** A strict map whose type error names what the map holds. */
export function map<S extends z.ZodRawShape>(shape: S, what: string) {
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'invalid_type' ? `expected a map of ${what}, got ${describeValue(iss.input)}` : undefined,
  });
}

export function list<T extends z.ZodType>(element: T, what: string) {
  return z.array(element, { error: (iss) => `expected a list of ${what}, got ${describeValue(iss.input)}` });
}

export function integer(min: number, max?: number): z.ZodNumber {
  const { phrase, capped } = integerPhrase(min, max);
  const error = (iss: RawIssue): string =>
    iss.code === 'too_big' && capped
      ? `expected ${phrase} up to ${max}, ${got(iss.input)}`
      : `expected ${phrase}, ${got(iss.input)}`;
  const base = z.number({ error }).int({ error }).min(min, { error });
  return max === undefined ? base : base.max(max, { error });
}

export function positiveNumber(): z.ZodNumber {
  const error = (iss: RawIssue): string => `expected a positive number, ${got(iss.input)}`;
  return z.number({ error }).positive({ error });
}

/**
 * A plain number in 0..1 (a share of messages). `minExclusive` rules out 0 where a share of
 * nothing would make the setting pointless (`delay.ratio`).
 */
export function fraction(options: { minExclusive?: boolean } = {}): z.ZodNumber {
  const range = options.minExclusive ? 'greater than 0 and at most 1' : 'between 0 and 1';
  const error = (iss: RawIssue): string => `expected a fraction ${range}, ${got(iss.input)}`;
  const base = z.number({ error }).max(1, { error });
  return options.minExclusive ? base.positive({ error }) : base.min(0, { error });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (iss) => {
      const suggestion = typeof iss.input === 'string' ? closestMatch(iss.input, values) : undefined;
      const hint = suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : '';
      return `expected one of ${values.join(', ')}, ${got(iss.input)}${hint}`;
    },
  });
}

export function boolean(): z.ZodBoolean {
  return z.boolean({ error: (iss) => `expected true or false, ${got(iss.input)}` });
}

export function text(what = 'a non-empty string'): z.ZodString {
  const error = (iss: RawIssue): string => `expected ${what}, ${got(iss.input)}`;
  return z.string({ error }).trim().min(1, { error });
}

/** A string matching `regex`; `what` names the format for the message (`a topic name (letters, ...)`). */
export function patterned(regex: RegExp, what: string, maxLength?: number): z.ZodString {
  const error = (iss: RawIssue): string => `expected ${what}, ${got(iss.input)}`;
  const base = z.string({ error }).regex(regex, { error });
  return maxLength === undefined
    ? base
    : base.max(maxLength, { error: (iss) => `expected at most ${maxLength} characters, ${got(iss.input)}` });
}

interface Range {
  min?: number;
  /** The minimum itself is not allowed (a load phase of 0 ms). */
  minExclusive?: boolean;
  max?: number;
}

interface UnitKind {
  parse: (input: string | number) => UnitResult;
  format: (n: number) => string;
  /** `a duration such as 90s or 2m`: how the message names what was expected. */
  expected: string;
  pattern: string;
}

function rangeMessage(kind: UnitKind, range: Range, value: number, input: string): string | undefined {
  const { min, max, minExclusive } = range;
  const tooSmall = min !== undefined && (minExclusive ? value <= min : value < min);
  const tooBig = max !== undefined && value > max;
  if (!tooSmall && !tooBig) return undefined;
  const noun = kind.expected.split(' such as ')[0];
  const bounds =
    min !== undefined && max !== undefined && !minExclusive
      ? `between ${kind.format(min)} and ${kind.format(max)}`
      : tooSmall
        ? `${minExclusive ? 'greater than' : 'of at least'} ${kind.format(min ?? 0)}`
        : `of at most ${kind.format(max ?? 0)}`;
  return `expected ${noun} ${bounds}, got ${JSON.stringify(input)}`;
}

function unitString(kind: UnitKind, range: Range): z.ZodString {
  return z
    .string({
      // A YAML number lands here: the parser explains that it needs a unit.
      error: (iss) => {
        const asNumber = typeof iss.input === 'number' ? kind.parse(iss.input) : undefined;
        return asNumber && !asNumber.ok ? asNumber.message : `expected ${kind.expected}, ${got(iss.input)}`;
      },
    })
    .superRefine((value, ctx) => {
      const result = kind.parse(value);
      const message = result.ok ? rangeMessage(kind, range, result.value, value) : result.message;
      if (message) ctx.addIssue({ code: 'custom', message });
    })
    .meta({ pattern: kind.pattern });
}

const DURATION: UnitKind = {
  parse: parseDuration,
  format: formatDuration,
  expected: UNIT_EXPECTED.duration,
  pattern: DURATION_PATTERN,
};
const RATE: UnitKind = {
  parse: parseRate,
  format: formatRate,
  expected: UNIT_EXPECTED.rate,
  pattern: RATE_PATTERN,
};
const SIZE: UnitKind = {
  parse: parseSize,
  format: formatSize,
  expected: UNIT_EXPECTED.size,
  pattern: SIZE_PATTERN,
};

const BANDWIDTH: UnitKind = {
  parse: parseBandwidth,
  format: formatBandwidth,
  expected: UNIT_EXPECTED.bandwidth,
  pattern: BANDWIDTH_PATTERN,
};

export function duration(range: Range = {}): z.ZodString {
  return unitString(DURATION, range);
}

export function rate(range: Range = {}): z.ZodString {
  return unitString(RATE, range);
}

export function size(range: Range = {}): z.ZodString {
  return unitString(SIZE, range);
}

/** Bytes per second, written as a size per second: `100KiB/s`. */
export function bandwidth(range: Range = {}): z.ZodString {
  return unitString(BANDWIDTH, range);
}
