/**
 * Which instances of a group must subscribe last in a replay (DESIGN.md, problem 1): the broker
 * keeps, per group and topic, the subscription with the newest subVersion (the time the client
 * subscribed) and filters every member's pulls with it, so which instance subscribed last
 * decides whether only the narrow instance's share of a tag is lost or all of it.
 */
import { canonicalExpression, parseTagExpression, SUB_ALL } from '../protocol/index.ts';
import type { GroupSnapshot } from './snapshot.ts';

export interface SubscriptionOrder {
  /** Instance indexes that must subscribe after the others (restart at the start of load); empty: any order. */
  indexes: number[];
  /** What the brokers filter with, `topic: "expression" on broker`, for the header. */
  held: string[];
  /** Set when no order reproduces what the brokers hold. */
  note?: string;
}

export function tagsOf(expression: string): string[] {
  const parsed = parseTagExpression(expression);
  return parsed === SUB_ALL ? [] : parsed;
}

/**
 * Which instances must subscribe last (see DESIGN.md, problem 1): the broker keeps, per group
 * and topic, the subscription with the newest subVersion and filters every pull with it. Where
 * instances subscribe one topic with different expressions, the ones whose expression the
 * brokers hold restart at the start of load, so they subscribed last in the replay too. When
 * brokers disagree there is no order that reproduces both, and a note says so.
 */
export function subscribedLast(
  group: GroupSnapshot,
  /** Each instance's canonical expression per topic, in instance order. */
  instances: readonly { canonical: ReadonlyMap<string, string> }[],
): SubscriptionOrder {
  const winners = new Set<string>();
  const held: string[] = [];
  const topics = new Set(instances.flatMap((i) => [...i.canonical.keys()]));
  for (const topic of [...topics].sort()) {
    const expressions = new Set(instances.flatMap((i) => (i.canonical.has(topic) ? [i.canonical.get(topic)!] : [])));
    if (expressions.size < 2) continue;
    for (const broker of group.brokers) {
      const kept = broker.subscriptions.find((s) => s.topic === topic);
      if (broker.error !== undefined || !kept) continue;
      const canonical = canonicalExpression(kept.expression, tagsOf(kept.expression));
      held.push(`${topic}: ${JSON.stringify(kept.expression)} on ${broker.broker}`);
      winners.add(
        JSON.stringify(instances.flatMap((i, index) => (i.canonical.get(topic) === canonical ? [index] : []))),
      );
    }
  }
  if (winners.size === 0) return { indexes: [], held };
  const [only] = winners;
  const indexes = JSON.parse(only!) as number[];
  if (winners.size > 1 || indexes.length === 0)
    return {
      indexes: [],
      held,
      note:
        `${group.group}: which instance subscribed last is not reproduced ` +
        `(the brokers filter with ${held.join(', ')})`,
    };
  return { indexes: indexes.length === instances.length ? [] : indexes, held };
}
