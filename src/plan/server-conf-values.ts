/**
 * Checks and converts one `cluster.brokerConfig` / `cluster.namesrvConfig` value against its
 * key's description (src/cluster/server-conf/conf-keys.ts): the schema reports the message, the
 * resolver keeps the converted value (a duration in the key's unit), and the JSON Schema says the
 * same in editors' terms. One function decides, so what validates is what gets written.
 */
import {
  type ConfKeySpec,
  type ConfServer,
  type ConfValue,
  type TimeUnit,
  confKeySpecs,
} from '../cluster/server-conf/conf-keys.ts';
import { closestMatch, describeValue } from './messages.ts';
import { DURATION_PATTERN, parseDuration } from './units.ts';

export type ConfCheck = { ok: true; value: ConfValue } | { ok: false; message: string };

const UNITS: Readonly<Record<TimeUnit, { ms: number; noun: string; example: string }>> = {
  ms: { ms: 1, noun: 'milliseconds', example: '120s' },
  s: { ms: 1000, noun: 'seconds', example: '30s' },
  min: { ms: 60_000, noun: 'minutes', example: '10m' },
  h: { ms: 3_600_000, noun: 'hours', example: '72h' },
};

/** A value on one line: a line break would end the property and start another one. */
const ONE_LINE = /^[^\r\n]*$/;

type IntegerSpec = Extract<ConfKeySpec, { kind: 'integer' }>;

function fail(message: string): ConfCheck {
  return { ok: false, message };
}

function integerPhrase(spec: IntegerSpec): string {
  if (spec.unit) {
    const { noun, example } = UNITS[spec.unit];
    return `a duration such as ${example} or a number of ${noun}`;
  }
  if (spec.java === 'int') return `an integer from ${spec.min} to ${spec.max}`;
  return spec.min === 0 ? 'a non-negative integer' : 'an integer';
}

/** `value` is in the key's own unit (milliseconds, seconds, ... or a plain count). */
function inRange(spec: IntegerSpec, value: number, input: unknown): ConfCheck {
  const got = describeValue(input);
  if (value < 0 && spec.min === 0) {
    return fail(`expected ${integerPhrase(spec)}, got ${got} (this key takes no negative values)`);
  }
  if (value < spec.min || value > spec.max) {
    const noun = spec.unit ? ` ${UNITS[spec.unit].noun}` : '';
    return fail(`expected at most ${spec.max}${noun} (a Java ${spec.java}), got ${got}`);
  }
  return { ok: true, value };
}

function checkInteger(spec: IntegerSpec, input: unknown): ConfCheck {
  const expected = `expected ${integerPhrase(spec)}, got ${describeValue(input)}`;
  if (typeof input === 'number') return Number.isInteger(input) ? inRange(spec, input, input) : fail(expected);
  if (!spec.unit || typeof input !== 'string') return fail(expected);
  const parsed = parseDuration(input);
  if (!parsed.ok) return fail(expected);
  const { ms, noun } = UNITS[spec.unit];
  const value = parsed.value / ms;
  if (!Number.isInteger(value)) return fail(`expected a whole number of ${noun}, got ${describeValue(input)}`);
  return inRange(spec, value, input);
}

function checkEnum(spec: Extract<ConfKeySpec, { kind: 'enum' }>, input: unknown): ConfCheck {
  const refused = typeof input === 'string' && Object.hasOwn(spec.refused, input) ? spec.refused[input] : undefined;
  if (refused !== undefined) return fail(`${JSON.stringify(input)} is not allowed here: ${refused}`);
  const allowed = spec.values.filter((value) => !Object.hasOwn(spec.refused, value));
  if (typeof input === 'string' && allowed.includes(input)) return { ok: true, value: input };
  const suggestion = typeof input === 'string' ? closestMatch(input, allowed) : undefined;
  const hint = suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : '';
  return fail(`expected one of ${allowed.join(', ')}, got ${describeValue(input)}${hint}`);
}

/** The value as the server's conf file wants it, or why the plan may not write it. */
export function checkConfValue(spec: ConfKeySpec, input: unknown): ConfCheck {
  const got = describeValue(input);
  switch (spec.kind) {
    case 'integer':
      return checkInteger(spec, input);
    case 'number': {
      const phrase = spec.min === 0 ? 'a non-negative number' : 'a number';
      if (typeof input !== 'number' || !Number.isFinite(input)) return fail(`expected ${phrase}, got ${got}`);
      if (spec.min !== undefined && input < spec.min) {
        return fail(`expected ${phrase}, got ${got} (this key takes no negative values)`);
      }
      return { ok: true, value: input };
    }
    case 'boolean':
      return typeof input === 'boolean' ? { ok: true, value: input } : fail(`expected true or false, got ${got}`);
    case 'string':
      // A number is a string to the server (`deleteWhen: 04` arrives as 4).
      if (typeof input === 'number' && Number.isFinite(input)) return { ok: true, value: String(input) };
      if (typeof input !== 'string') return fail(`expected a string, got ${got}`);
      return ONE_LINE.test(input) ? { ok: true, value: input } : fail(`expected a value on one line, got ${got}`);
    case 'enum':
      return checkEnum(spec, input);
    case 'owned':
      return fail(spec.reason);
  }
}

/** A validated map's values converted for the conf file (durations in each key's unit), in plan order. */
export function resolveConfEntries(
  server: ConfServer,
  entries: Readonly<Record<string, unknown>> | undefined,
): Record<string, ConfValue> {
  const resolved: Record<string, ConfValue> = {};
  for (const [key, input] of Object.entries(entries ?? {})) {
    if (input === undefined) continue;
    const spec = confKeySpecs(server).get(key);
    const result = spec ? checkConfValue(spec, input) : { ok: false as const, message: 'unknown key' };
    if (!result.ok) throw new Error(`internal: validated ${key} did not convert: ${result.message}`);
    resolved[key] = result.value;
  }
  return resolved;
}

/** The same rule in JSON Schema terms, so editors complete and flag values as validation would. */
export function confValueJsonSchema(spec: ConfKeySpec): Record<string, unknown> {
  switch (spec.kind) {
    case 'integer': {
      const integer = { type: 'integer', minimum: spec.min, maximum: spec.max };
      if (!spec.unit) return integer;
      const { noun, example } = UNITS[spec.unit];
      return {
        anyOf: [{ type: 'string', pattern: DURATION_PATTERN }, integer],
        description: `A time in ${noun}: a duration such as ${example}, or a number of ${noun}.`,
      };
    }
    case 'number':
      return spec.min === undefined ? { type: 'number' } : { type: 'number', minimum: spec.min };
    case 'boolean':
      return { type: 'boolean' };
    case 'string':
      return { anyOf: [{ type: 'string', pattern: ONE_LINE.source }, { type: 'number' }] };
    case 'enum':
      return { enum: spec.values.filter((value) => !Object.hasOwn(spec.refused, value)) };
    case 'owned':
      return { not: {}, description: spec.reason };
  }
}

/** A name for the value rule in the JSON Schema's `$defs`, for the rules many keys share. */
export function confValueSchemaId(spec: ConfKeySpec): string | undefined {
  switch (spec.kind) {
    case 'integer': {
      const unit = spec.unit ? { ms: 'Milliseconds', s: 'Seconds', min: 'Minutes', h: 'Hours' }[spec.unit] : '';
      return `conf${unit}${spec.java === 'int' ? 'Int' : 'Long'}${spec.min < 0 ? 'Signed' : ''}`;
    }
    case 'number':
      return spec.min === undefined ? 'confNumberSigned' : 'confNumber';
    case 'boolean':
      return 'confBoolean';
    case 'string':
      return 'confString';
    default:
      return undefined;
  }
}
