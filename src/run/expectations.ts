import { matches, parseSql92, type Sql92Filter } from '../filter/index.ts';
import { messageKey } from '../fleet/identity.ts';
import { messageProperties } from '../fleet/message-properties.ts';
import { IDENTITY } from '../fleet/protocol.ts';
import type { MessageSelection, ScopeExpectation } from '../metrics/ledger.ts';
import type { ResolvedPlan, ResolvedProducerFleet } from '../plan/resolved-plan.ts';

/** What the group's instances ask of one topic, together: the tags (or `*`) and the SQL92 filters. */
interface TopicWish {
  tags: '*' | Set<string>;
  filters: Sql92Filter[];
}

/**
 * What a consumer group is meant to receive: from every producer instance whose topic the
 * group subscribes to, all messages (`*`), those with the tags its expressions name, or those
 * its SQL92 filters select. The group's intent is the union over its instances: when
 * instances disagree (the seed's problems 1 and 2, or a tag beside a SQL92 subscription),
 * what the narrower ones miss shows as loss, which is the symptom.
 */
export function groupExpectation(plan: ResolvedPlan, group: string): ScopeExpectation {
  const byTopic = new Map<string, TopicWish>();
  for (const fleet of plan.fleets.consumers.filter((f) => f.group === group)) {
    for (const instance of fleet.perInstance) {
      for (const sub of instance.subscriptions) {
        const wish = byTopic.get(sub.topic) ?? { tags: new Set<string>(), filters: [] };
        byTopic.set(sub.topic, wish);
        if (sub.type === 'SQL92') {
          // Validation parsed it with the same grammar; a failure here is a bug, not input.
          wish.filters.push(parseSql92(sub.expression, { version: plan.cluster.version }));
        } else if (wish.tags !== '*') {
          wish.tags = sub.tags === '*' ? '*' : new Set([...wish.tags, ...sub.tags]);
        }
      }
    }
  }
  const expectation: ScopeExpectation = new Map();
  for (const fleet of plan.fleets.producers) {
    const wish = byTopic.get(fleet.topic);
    if (wish === undefined) continue;
    for (let i = 0; i < fleet.instances; i++) {
      const producerId = `${fleet.name}#${i}`;
      const selects = wish.tags === '*' || wish.filters.length === 0;
      expectation.set(producerId, selects ? wish.tags : sqlSelection(wish, fleet, producerId, plan.seed));
    }
  }
  return expectation;
}

/** The union of the wish's tags and filters over one producer's messages. */
function sqlSelection(
  wish: TopicWish,
  fleet: ResolvedProducerFleet,
  producerId: string,
  seed: number,
): MessageSelection {
  const tags = wish.tags === '*' ? undefined : wish.tags;
  return {
    select: (seq, tag) => {
      if (tags?.has(tag)) return true;
      // Drawn once per message, whatever the number of filters.
      const properties = propertiesOnTheBroker(fleet, producerId, seed, seq, tag);
      return wish.filters.some((filter) => matches(filter, properties));
    },
  };
}

/**
 * The properties the broker evaluates a SQL92 filter against, as the Node remoting producer
 * sends them: the fleet's drawn properties, the harness's identity, TAGS (when tagged), KEYS
 * and WAIT. UNIQ_KEY is random per message and TIMER_DELAY_MS random per delayed message:
 * validation refuses filters that name them, so leaving them out changes no answer.
 */
export function propertiesOnTheBroker(
  fleet: Pick<ResolvedProducerFleet, 'properties'>,
  producerId: string,
  seed: number,
  seq: number,
  tag: string,
): Record<string, string> {
  return {
    ...(fleet.properties ? messageProperties(fleet.properties, seed, producerId, seq) : {}),
    [IDENTITY.producer]: producerId,
    [IDENTITY.seq]: String(seq),
    ...(tag !== '' ? { TAGS: tag } : {}),
    KEYS: messageKey(producerId, seq),
    WAIT: 'true',
  };
}
