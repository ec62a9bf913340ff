/**
 * Names and references in plans: the alphabets of fleet, topic, group and tag names, and the
 * field builders that use them, shared by every part of the schema.
 */
import { z } from 'zod';
import { TAG_EXPRESSION, TAG_NAME } from '../protocol/index.ts';
import { PLAN_LIMITS as L } from './defaults.ts';
import { describeValue } from './messages.ts';
import { oneOf, patterned, text } from './schema-primitives.ts';

export const FLEET_NAME = /^[a-z0-9][a-z0-9-]*$/;
export const TOPIC_NAME = /^[a-zA-Z0-9_-]+$/;
export const GROUP_NAME = /^[A-Za-z0-9_-]+$/;
// Tag names and expressions are RocketMQ's grammar, kept beside the one parser for them.
export { TAG_EXPRESSION, TAG_NAME };
/** One or more `host:port`, separated by `;` like RocketMQ's `namesrvAddr`. */
/** A RocketMQ release number as Maven Central names it: `4.9.7`, `5.3.3`. */
export const SERVER_VERSION = /^\d+\.\d+\.\d+$/;
export const NAMESRV_ADDR = /^[^\s:;]+:\d{1,5}(?:;[^\s:;]+:\d{1,5})*$/;
/**
 * A container image reference as Docker and Podman take it: `[registry[:port]/]path[:tag][@digest]`,
 * lowercase path components (the rule the engines enforce), or the words `official` and `local`.
 */
export const IMAGE_REF =
  // line-length: one regular expression (the reference grammar); cut into pieces it could no longer be read as one
  /^(?:official|local|(?:[a-zA-Z0-9.-]+(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?)$/;
/** One `host:port`: the gRPC endpoint of an external cluster's proxy. */
export const PROXY_ADDR = /^[^\s:;]+:\d{1,5}$/;

export const fleetName = () => patterned(FLEET_NAME, 'a name of lowercase letters, digits and dashes such as "orders"');
export const topicName = () =>
  patterned(TOPIC_NAME, 'a topic name of letters, digits, "_" and "-" such as "orders"', L.topicNameLength);
export const groupName = () =>
  patterned(GROUP_NAME, 'a group name of letters, digits, "_" and "-" such as "billing"', L.groupNameLength);
export const protocol = () => oneOf(['remoting', 'grpc']);

/** A SQL92 subscription as plans write it: `{sql: "a > 5 AND region = 'eu'"}`. */
export const sqlSubscription = () =>
  z
    .strictObject({
      sql: text('a SQL92 expression such as "a > 5 AND region = \'eu\'"').meta({
        description:
          "RocketMQ's SQL92 filter over message properties (and TAGS, KEYS); the broker evaluates it, so it " +
          'needs enablePropertyFilter, which the harness sets on the brokers it starts.',
      }),
    })
    .meta({ description: 'A SQL92 subscription (MessageSelector.bySql).' });

const SUBSCRIPTION_FORMS = 'a tag expression such as "*" or "TagA || TagB", or {sql: "a > 5"}';

/**
 * Topic → tag expression or `{sql}`; at least one topic. Topics are checked against `topics`
 * in cross-checks, SQL against the broker's grammar there too (it depends on cluster.version).
 */
export const subscription = () =>
  z
    .record(
      topicName(),
      z.union([patterned(TAG_EXPRESSION, SUBSCRIPTION_FORMS), sqlSubscription()], {
        error: (iss) => `expected ${SUBSCRIPTION_FORMS}, got ${describeValue(iss.input)}`,
      }),
      {
        error: (iss) =>
          `expected a map of topic to tag expression such as {orders: "*"}, got ${describeValue(iss.input)}`,
      },
    )
    .refine((topics) => Object.keys(topics).length > 0, {
      error: 'expected at least one topic to subscribe to, such as {orders: "*"}',
    })
    .meta({ minProperties: 1 });
