/**
 * Instances of one group that subscribe different topics or expressions (the seed's problems
 * 1 and 2; also a tag subscription beside a SQL92 one, or two different SQL92 ones). The
 * broker keeps one subscription per topic per group, whichever heartbeat came last, and
 * filters every instance's pulls with it; clients divide every subscribed topic's queues
 * among all members. So a disagreement loses or strands messages.
 * Compared from each client's own running info, as Java's `ConsumerRunningInfo.analyzeSubscription`
 * (`mqadmin consumerStatus`) does, because the broker's table only shows the last writer.
 */
import type { ClientView, GroupSnapshot } from '../../../observe/snapshot.ts';
import type { DiagnosisRule, EvidenceValue, LossClaim } from '../diagnosis.ts';
import { SUB_ALL, canonicalExpression, isRetryTopic, subscriptionMap } from '../../../protocol/index.ts';
import { clientLabel, listText } from '../group-view.ts';
import { findingsOf, groupConditions, type Observation } from '../persistence.ts';

const REMEDY =
  'Give every instance of a consumer group the same topics and tag or SQL92 expressions (or split the variants into ' +
  'groups of their own), then restart the instances that differ.';

const NOT_SUBSCRIBED = '(not subscribed)';
/** Marks a SQL92 variant, so `TagA` and the SQL text `TagA` differ and the claim knows it is no tag list. */
const SQL92_PREFIX = 'SQL92: ';

interface Difference {
  topic: string;
  /** canonical expression → instances; `(not subscribed)` for instances without the topic. */
  variants: Map<string, string[]>;
}

export function subscriptionDifferences(group: GroupSnapshot): { differences: Difference[]; compared: ClientView[] } {
  const compared = group.clients.filter((c) => c.subscriptions !== undefined && c.process !== 'gone');
  const topics = [...new Set(compared.flatMap((c) => c.subscriptions!.map((s) => s.topic)))]
    .filter((t) => !isRetryTopic(t))
    .sort();
  const differences: Difference[] = [];
  for (const topic of topics) {
    const variants = new Map<string, string[]>();
    for (const client of compared) {
      const sub = client.subscriptions!.find((s) => s.topic === topic);
      const variant = !sub
        ? NOT_SUBSCRIBED
        : sub.type === 'SQL92'
          ? `${SQL92_PREFIX}${sub.expression.trim()}`
          : canonicalExpression(sub.expression, sub.tags);
      variants.set(variant, [...(variants.get(variant) ?? []), clientLabel(client)]);
    }
    if (variants.size > 1) differences.push({ topic, variants });
  }
  return { differences, compared };
}

function describe(d: Difference): string {
  // Subscribers first: "topic t2: "*" (c#1) vs not subscribed by c#0".
  const variants = [...d.variants].sort(([a], [b]) => Number(a === NOT_SUBSCRIBED) - Number(b === NOT_SUBSCRIBED));
  const parts = variants.map(([variant, who]) =>
    variant === NOT_SUBSCRIBED ? `not subscribed by ${listText(who)}` : `"${variant}" (${listText(who)})`,
  );
  return `topic ${d.topic}: ${parts.join(' vs ')}`;
}

/**
 * What a difference puts at risk: a topic some member does not subscribe, all of it (its
 * share of the queues is stranded, and the broker's table loses the topic whenever that
 * member heartbeats last); a tag disagreement, the messages whose tag not every expression
 * accepts (whichever expression the broker holds, the rest pass); with a SQL92 variant, all
 * of the topic (the filter reads properties, so no tag is known to pass every variant).
 */
function claimOf(d: Difference): LossClaim {
  if (d.variants.has(NOT_SUBSCRIBED)) return { topic: d.topic };
  // Which messages a SQL92 variant passes depends on their properties, not tags: no tag is safe.
  if ([...d.variants.keys()].some((v) => v.startsWith(SQL92_PREFIX))) return { topic: d.topic };
  let common: Set<string> | undefined;
  for (const variant of d.variants.keys()) {
    if (variant === SUB_ALL) continue;
    const tags = new Set(variant.split('||').map((t) => t.trim()));
    common = common ? new Set([...common].filter((t) => tags.has(t))) : tags;
  }
  return { topic: d.topic, exceptTags: [...(common ?? [])].sort() };
}

function observe(group: GroupSnapshot, at: number): Observation[] {
  const { differences, compared } = subscriptionDifferences(group);
  if (differences.length === 0) return [];
  const evidence: { [key: string]: EvidenceValue } = {
    instances: Object.fromEntries(compared.map((c) => [clientLabel(c), subscriptionMap(c.subscriptions!)])),
    differences: differences.map((d) => ({ topic: d.topic, variants: Object.fromEntries(d.variants) })),
    // What each broker filters pulls with: one expression per topic, from the latest heartbeat.
    brokerFilters: Object.fromEntries(
      group.brokers
        .filter((b) => !b.error && b.subscriptions.length > 0)
        .map((b) => [b.broker, subscriptionMap(b.subscriptions.filter((s) => !isRetryTopic(s.topic)))]),
    ),
  };
  return [
    {
      key: group.group,
      group: group.group,
      at,
      summary: `instances of group ${group.group} subscribe differently: ${differences.map(describe).join('; ')}`,
      evidence,
      claims: differences.map(claimOf),
    },
  ];
}

export const inconsistentSubscription: DiagnosisRule = {
  id: 'inconsistent-subscription',
  severity: 'critical',
  description:
    "Instances of one consumer group subscribe different topics or tag expressions (from each client's running info).",
  needsRun: false,
  evaluate(input, options) {
    return findingsOf(this, groupConditions(input.snapshots, observe, options.persistMs), REMEDY);
  },
};
