/**
 * A producer fleet's user properties (`properties: {amount: {int: [1, 100]}, region: {oneOf:
 * [eu, us]}}`), which SQL92 subscriptions select on. Names are SQL92 identifiers, so a filter
 * can name them, and not RocketMQ's own (TAGS, KEYS, UNIQ_KEY, ...): Java's putUserProperty
 * refuses those, and the broker would read ours as its own.
 */
import { z } from 'zod';
import { SYSTEM_PROPERTY_NAMES } from '../protocol/index.ts';
import { describeValue } from './messages.ts';
import { integer, list, map, patterned, req, text } from './schema-primitives.ts';

/**
 * The harness's own message identity properties (fleet/protocol.ts IDENTITY) start with this;
 * plans sit below fleets, so the prefix is repeated here and a unit test keeps the two equal.
 */
export const IDENTITY_PROPERTY_PREFIX = 'rmqchaos_';

/** What RocketMQ's SQL92 lexer reads as one identifier. */
export const PROPERTY_NAME = /^[a-zA-Z_$][a-zA-Z0-9_$]*$/;

export const PROPERTY_EXAMPLE = '{amount: {int: [1, 100]}, region: {oneOf: [eu, us]}}';

const intRange = map(
  {
    int: req(
      z
        .tuple([integer(Number.MIN_SAFE_INTEGER), integer(Number.MIN_SAFE_INTEGER)], {
          error: (iss) => `expected [lowest, highest] such as [1, 100], got ${describeValue(iss.input)}`,
        })
        .refine(([low, high]) => low <= high, { error: 'expected the lowest value first, such as [1, 100]' }),
      'Integers drawn uniformly from [lowest, highest], both included.',
    ),
  },
  'integer settings (int)',
);

const oneOfStrings = map(
  {
    oneOf: req(
      list(text('a non-empty string such as "eu"'), 'values such as [eu, us]').min(1, {
        error: 'expected at least one value, such as [eu, us]',
      }),
      'Strings drawn uniformly from the list.',
    ),
  },
  'string settings (oneOf)',
);

const propertySpec = z.union([intRange, oneOfStrings], {
  error: (iss) => `expected {int: [1, 100]} or {oneOf: [eu, us]}, got ${describeValue(iss.input)}`,
});

const propertyName = () =>
  patterned(PROPERTY_NAME, 'a property name of letters, digits, "_" and "$" not starting with a digit').refine(
    (name) => !SYSTEM_PROPERTY_NAMES.has(name) && !name.startsWith(IDENTITY_PROPERTY_PREFIX),
    {
      error: (iss) =>
        `"${String(iss.input)}" is a property RocketMQ ` +
        `${String(iss.input).startsWith(IDENTITY_PROPERTY_PREFIX) ? '(here: the harness) ' : ''}` +
        'sets itself: choose another name',
    },
  );

export const producerProperties = () =>
  z.record(propertyName(), propertySpec, {
    error: (iss) =>
      `expected a map of property name to values such as ${PROPERTY_EXAMPLE}, got ${describeValue(iss.input)}`,
  });
