/**
 * A consumer's subscription to one topic, and RocketMQ's tag expressions: `*` (every message,
 * tagged or not) or tags joined by `||` (`TagA || TagB`). The same semantics hold for the
 * remoting and the gRPC clients, for plans, and for what brokers report, so the harness has
 * one type and one parser for them. A SQL92 subscription (`type: 'SQL92'`) carries its
 * expression as written; the broker evaluates it (src/filter says how), the client does not.
 */
import { z } from 'zod';

/** One topic a consumer subscribes, with the expression as written. */
export interface Subscription {
  topic: string;
  /** `*` or `TagA || TagB`, as written (the client sends it as is, and reports show it); for SQL92 the SQL text. */
  expression: string;
  /** Absent means TAG, as Java's `subscribe(topic, String)`; SQL92 is `MessageSelector.bySql`. */
  type?: ExpressionType;
}

/** RocketMQ's `ExpressionType`: how the broker reads `subString`. */
export type ExpressionType = 'TAG' | 'SQL92';

/** `*` for every message, or the tags an expression names (deduplicated, in written order). */
export type TagFilter = '*' | string[];

export const SUB_ALL = '*';

/** RocketMQ tags: anything but whitespace, `|` (the `||` separator) and `*` (match-all). */
export const TAG_NAME = /^[^\s|*]+$/;
/** `*` or tags joined by `||`: the expressions a plan may write. */
export const TAG_EXPRESSION = /^\s*(?:\*|[^\s|*]+(?:\s*\|\|\s*[^\s|*]+)*)\s*$/;

/**
 * Parses a tag expression as Java's `FilterAPI.buildSubscriptionData` does: blank or `*` is
 * every message; otherwise split on `||`, trim, drop empty parts.
 */
export function parseTagExpression(expression: string): TagFilter {
  const trimmed = expression.trim();
  if (trimmed === '' || trimmed === SUB_ALL) return SUB_ALL;
  return [
    ...new Set(
      trimmed
        .split('||')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ];
}

/**
 * An expression in a form where equal subscriptions compare equal (`B || A` equals `A||B`),
 * from its tag set as a client reports it (empty for `*`, and for expressions that are not tags).
 */
export function canonicalExpression(expression: string, tags: readonly string[]): string {
  if (tags.length === 0) return expression.trim() === '' ? SUB_ALL : expression.trim();
  return [...new Set(tags)].sort().join(' || ');
}

/**
 * Topic → expression: how plans write a consumer's subscriptions and how the worker protocol
 * carries them (Java's `subscribe(topic, expression)` per entry; `{sql}` is
 * `subscribe(topic, MessageSelector.bySql(sql))`). `subscriptionsOf` and `subscriptionMap`
 * convert at those edges; everything else works with `Subscription[]`.
 */
export type SubscriptionValue = string | { sql: string };
export type SubscriptionMap = Record<string, SubscriptionValue>;
export const SubscriptionMapSchema = z.record(z.string(), z.union([z.string(), z.strictObject({ sql: z.string() })]));

export function subscriptionsOf(map: Readonly<SubscriptionMap>): Subscription[] {
  return Object.entries(map).map(([topic, value]) =>
    typeof value === 'string' ? { topic, expression: value } : { topic, expression: value.sql, type: 'SQL92' },
  );
}

export function subscriptionMap(subscriptions: readonly Subscription[]): SubscriptionMap {
  return Object.fromEntries(
    subscriptions.map((s) => [s.topic, s.type === 'SQL92' ? { sql: s.expression } : s.expression]),
  );
}
