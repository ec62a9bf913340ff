/**
 * Converters from validated plan text to resolved values (durations to ms, sizes to bytes,
 * subscriptions with their parsed tags). A leaf of the plan module: the resolvers and every
 * fault spec use them without depending on one another.
 */
import { parseTagExpression, type Subscription, type SubscriptionValue, type TagFilter } from '../protocol/index.ts';
import { parseDuration, parseSize, type UnitResult } from './units.ts';

/**
 * A `Subscription` (expression as written, trimmed, e.g. `TagA || TagB`, for the client and
 * for reports) with its tags parsed once (`parseTagExpression`), for what the group expects.
 */
export interface ResolvedSubscription extends Subscription {
  /**
   * `'*'` for every tag, else the tags the expression names; empty for SQL92 (`type`), which
   * selects by properties: read `type` before `tags`.
   */
  tags: TagFilter;
}

/** Validation already accepted the value; failing here means schema and resolver disagree. */
export function must(result: UnitResult, what: string): number {
  if (!result.ok) throw new Error(`internal: validated ${what} did not parse: ${result.message}`);
  return result.value;
}

export const ms = (text: string): number => must(parseDuration(text), 'duration');
export const bytes = (text: string): number => must(parseSize(text), 'size');
export function subscriptions(map: Readonly<Record<string, SubscriptionValue>>): ResolvedSubscription[] {
  return Object.entries(map).map(([topic, value]) => subscription(topic, value));
}

function subscription(topic: string, value: SubscriptionValue): ResolvedSubscription {
  if (typeof value !== 'string') return { topic, expression: value.sql.trim(), type: 'SQL92', tags: [] };
  return { topic, expression: value.trim(), tags: parseTagExpression(value) };
}
