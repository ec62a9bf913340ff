/**
 * Converters from validated plan text to resolved values (durations to ms, sizes to bytes,
 * subscriptions with their parsed tags). A leaf of the plan module: the resolvers and every
 * fault spec use them without depending on one another.
 */
import { parseTagExpression, type Subscription, type TagFilter } from '../protocol/index.ts';
import { parseDuration, parseSize, type UnitResult } from './units.ts';

/**
 * A `Subscription` (expression as written, trimmed, e.g. `TagA || TagB`, for the client and
 * for reports) with its tags parsed once (`parseTagExpression`), for what the group expects.
 */
export interface ResolvedSubscription extends Subscription {
  /** `'*'` for every tag, else the tags the expression names. */
  tags: TagFilter;
}

/** Validation already accepted the value; failing here means schema and resolver disagree. */
export function must(result: UnitResult, what: string): number {
  if (!result.ok) throw new Error(`internal: validated ${what} did not parse: ${result.message}`);
  return result.value;
}

export const ms = (text: string): number => must(parseDuration(text), 'duration');
export const bytes = (text: string): number => must(parseSize(text), 'size');
export function subscriptions(map: Record<string, string>): ResolvedSubscription[] {
  return Object.entries(map).map(([topic, expression]) => subscription(topic, expression));
}

function subscription(topic: string, expression: string): ResolvedSubscription {
  return { topic, expression: expression.trim(), tags: parseTagExpression(expression) };
}
