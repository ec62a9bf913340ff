/**
 * Instances of one group that subscribe different topics or expressions (the seed's problems
 * 1 and 2; also a tag subscription beside a SQL92 one, or two different SQL92 ones). The
 * broker keeps one subscription per topic per group, whichever heartbeat came last, and
 * filters every instance's pulls with it; clients divide every subscribed topic's queues
 * among all members. So a disagreement loses or strands messages.
 * Compared from each client's own running info, as Java's `ConsumerRunningInfo.analyzeSubscription`
 * (`mqadmin consumerStatus`) does, because the broker's table only shows the last writer.
 *
 * Pop groups (gRPC clients through a proxy) are different underneath: no group table filters
 * anything, each pop carries the popping client's own expression, and the broker moves the
 * group's offset past what that pop skipped. So instances with different tag expressions still
 * lose the messages only some expressions accept (whenever another instance pops their
 * queue), while a topic only some instances subscribe is popped by those alone and loses
 * nothing. Nothing reports a gRPC client's subscriptions, so a run compares what it gave its
 * instances; doctor sees the disagreement in the broker's subscription of the group, which
 * is the expression of the latest pop: it goes back and forth between the instances' ones.
 */
import type { ClientView, ClusterSnapshot, GroupSnapshot } from '../../../observe/snapshot.ts';
import type { DiagnosisRule, EvidenceValue, Finding, LossClaim } from '../diagnosis.ts';
import { SUB_ALL, canonicalExpression, isRetryTopic, subscriptionMap } from '../../../protocol/index.ts';
import { clientLabel, isPop, listText } from '../group-view.ts';
import { findingsOf, groupConditions, type Observation } from '../persistence.ts';

const REMEDY =
  'Give every instance of a consumer group the same topics and tag or SQL92 expressions (or split the variants into ' +
  'groups of their own), then restart the instances that differ.';

const POP_REMEDY =
  'Give every instance of a consumer group the same tag or SQL92 expression per topic (or split the variants ' +
  'into groups of their own), then restart the instances that differ.';

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
      const variant = !sub ? NOT_SUBSCRIBED : variantOf(sub.expression, sub.type, sub.tags);
      variants.set(variant, [...(variants.get(variant) ?? []), clientLabel(client)]);
    }
    if (variants.size > 1) differences.push({ topic, variants });
  }
  return { differences, compared };
}

/** An expression as compared: `SQL92: ...`, `*`, or its tags sorted (`TagA || TagB`). */
function variantOf(expression: string, type: string | undefined, tags?: readonly string[]): string {
  if (type === 'SQL92') return `${SQL92_PREFIX}${expression.trim()}`;
  const parsed =
    tags ??
    expression
      .split('||')
      .map((t) => t.trim())
      .filter((t) => t !== '' && t !== SUB_ALL);
  return canonicalExpression(expression, parsed);
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
function claimOf(d: Difference, pop: boolean): LossClaim | undefined {
  if (d.variants.has(NOT_SUBSCRIBED)) {
    // Pop: only the instances that subscribe the topic pop it; the others' absence loses nothing.
    if (pop) return d.variants.size > 2 ? claimOf(withoutNonSubscribers(d), pop) : undefined;
    return { topic: d.topic };
  }
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

function withoutNonSubscribers(d: Difference): Difference {
  return { topic: d.topic, variants: new Map([...d.variants].filter(([v]) => v !== NOT_SUBSCRIBED)) };
}

function observe(group: GroupSnapshot, at: number): Observation[] {
  const { differences, compared } = subscriptionDifferences(group);
  if (differences.length === 0) return [];
  const pop = isPop(group);
  const evidence: { [key: string]: EvidenceValue } = {
    instances: Object.fromEntries(compared.map((c) => [clientLabel(c), subscriptionMap(c.subscriptions!)])),
    differences: differences.map((d) => ({ topic: d.topic, variants: Object.fromEntries(d.variants) })),
    ...(pop ? popEvidence(group, compared) : { brokerFilters: brokerFilters(group) }),
  };
  const claims = differences.map((d) => claimOf(d, pop)).filter((c): c is LossClaim => c !== undefined);
  const consequence = pop ? popConsequence(differences) : '';
  return [
    {
      key: group.group,
      group: group.group,
      at,
      summary:
        `instances of ${pop ? 'pop ' : ''}group ${group.group} subscribe differently: ` +
        `${differences.map(describe).join('; ')}${consequence}`,
      evidence,
      claims,
    },
  ];
}

/** What each broker filters pulls with: one expression per topic, from the latest heartbeat. */
function brokerFilters(group: GroupSnapshot): EvidenceValue {
  return Object.fromEntries(
    group.brokers
      .filter((b) => !b.error && b.subscriptions.length > 0)
      .map((b) => [b.broker, subscriptionMap(b.subscriptions.filter((s) => !isRetryTopic(s.topic)))]),
  );
}

/**
 * For a pop group: where the instances' subscriptions come from (the run's configuration, as
 * nothing reports them), the proxy's table (the last client to send its settings) and each
 * broker's latest pop expression.
 */
function popEvidence(group: GroupSnapshot, compared: readonly ClientView[]): { [key: string]: EvidenceValue } {
  const from = [...new Set(compared.map((c) => c.subscriptionsFrom ?? 'running-info'))];
  return {
    consumption: 'pop',
    subscriptionsFrom: from.length === 1 ? from[0]! : from,
    proxyTables: Object.fromEntries(
      (group.pop?.proxies ?? [])
        .filter((p) => !p.error)
        .map((p) => [p.addr, subscriptionMap(p.subscriptions.filter((s) => !isRetryTopic(s.topic)))]),
    ),
    lastPopByBroker: lastPopMap(group),
  };
}

/** Per broker and topic, the latest-pop expressions the snapshot saw, in order. */
function lastPopMap(group: GroupSnapshot): EvidenceValue {
  const byBroker: { [broker: string]: { [topic: string]: string[] } } = {};
  for (const b of group.brokers) {
    if (b.error) continue;
    for (const sub of b.lastPop ?? []) {
      if (isRetryTopic(sub.topic)) continue;
      const topics = (byBroker[b.broker] ??= {});
      (topics[sub.topic] ??= []).push(variantOf(sub.expression, sub.type));
    }
  }
  return byBroker;
}

function popConsequence(differences: readonly Difference[]): string {
  const expressions = differences.some((d) => [...d.variants.keys()].filter((v) => v !== NOT_SUBSCRIBED).length > 1);
  return expressions
    ? ' (each pop filters with its own expression and the broker commits past what it skipped: a message only ' +
        'some expressions accept is lost when another instance pops its queue)'
    : ' (only the subscribers pop a topic: nothing is lost, but the group is not one deployment)';
}

/**
 * Doctor's view of a pop group (no client subscriptions known): per topic, the expressions the
 * brokers' latest pops carried over the snapshots. A condition when the expression went back
 * to an earlier one (A, B, A: instances taking turns, not one deployment replacing another,
 * which a rebalance-style persistence window would not tell apart any better).
 */
export function popAlternations(snapshots: readonly ClusterSnapshot[]): Finding[] {
  const groups = [...new Set(snapshots.flatMap((s) => s.groups.filter(isPop).map((g) => g.group)))].sort();
  const findings: Finding[] = [];
  for (const name of groups) {
    const seen = new Map<string, { variant: string; at: number; broker: string }[]>();
    let last: GroupSnapshot | undefined;
    for (const snapshot of snapshots) {
      const group = snapshot.groups.find((g) => g.group === name);
      if (!group || !isPop(group) || group.clients.some((c) => c.subscriptions !== undefined)) continue;
      last = group;
      for (const b of group.brokers)
        for (const sub of b.lastPop ?? []) {
          if (isRetryTopic(sub.topic)) continue;
          const series = seen.get(sub.topic) ?? [];
          series.push({ variant: variantOf(sub.expression, sub.type), at: snapshot.at, broker: b.broker });
          seen.set(sub.topic, series);
        }
    }
    if (!last) continue;
    const differences: Difference[] = [];
    let from = Number.POSITIVE_INFINITY;
    let to = 0;
    for (const [topic, series] of [...seen].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const turns = series.filter((p, i) => i === 0 || p.variant !== series[i - 1]!.variant);
      const returns = turns.some((p, i) => i >= 2 && turns.slice(0, i - 1).some((q) => q.variant === p.variant));
      if (!returns) continue;
      from = Math.min(from, turns[0]!.at);
      to = Math.max(to, turns[turns.length - 1]!.at);
      const variants = new Map<string, string[]>();
      for (const p of series) {
        const brokers = variants.get(p.variant) ?? [];
        if (!brokers.includes(p.broker)) brokers.push(p.broker);
        variants.set(p.variant, brokers);
      }
      differences.push({ topic, variants });
    }
    if (differences.length === 0) continue;
    const describeTurns = (d: Difference) =>
      `topic ${d.topic}: ${[...d.variants.keys()]
        .sort()
        .map((v) => `"${v}"`)
        .join(' and ')} by turns`;
    const claims = differences.map((d) => claimOf(d, true)).filter((c): c is LossClaim => c !== undefined);
    findings.push({
      id: 'inconsistent-subscription',
      severity: 'critical',
      group: name,
      summary:
        `the pops of group ${name} carry different expressions (the brokers' subscription of the group, set by ` +
        `each pop, goes back and forth): ${differences.map(describeTurns).join('; ')}${popConsequence(differences)}`,
      evidence: {
        consumption: 'pop',
        clients: last.clients.map((c) => c.clientId),
        lastPopSeries: Object.fromEntries(
          [...seen].map(([topic, series]) => [
            topic,
            series.map((p) => ({ at: p.at, broker: p.broker, expression: p.variant })),
          ]),
        ),
        // Sorted: which expression a snapshot happened to catch first is chance, not evidence.
        differences: differences.map((d) => ({ topic: d.topic, expressions: [...d.variants.keys()].sort() })),
        proxyTables: popEvidence(last, []).proxyTables!,
        note:
          'which instance pops with which expression is not visible (no running info for gRPC clients); the ' +
          "proxy's table holds only the last client to send its settings",
      },
      remedy: POP_REMEDY,
      firstSeenAt: from,
      lastSeenAt: to,
      ...(claims.length > 0 ? { claims } : {}),
    });
  }
  return findings;
}

export const inconsistentSubscription: DiagnosisRule = {
  id: 'inconsistent-subscription',
  severity: 'critical',
  description:
    "Instances of one consumer group subscribe different topics or tag expressions (from each client's running info).",
  needsRun: false,
  evaluate(input, options) {
    const conditions = groupConditions(input.snapshots, observe, options.persistMs);
    const findings = findingsOf(this, conditions, (c) =>
      c.latest.evidence.consumption === 'pop' ? POP_REMEDY : REMEDY,
    );
    return [...findings, ...popAlternations(input.snapshots)];
  },
};
