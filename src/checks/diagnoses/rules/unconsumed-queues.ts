/**
 * Queues of a subscribed topic that nobody consumes. Every member of a clustering group divides
 * a topic's queues over the whole member list (AllocateMessageQueueAveragely by default), but
 * only members that subscribe the topic pull their share: the share of a member that does
 * not subscribe it is stranded (the seed's problem 2). A queue no answering member holds while
 * every member answered is stranded too. Queues owned by a member that does not answer are
 * left to `stale-consumer`. A queue held by a running member that does subscribe the topic
 * but has handed none of its waiting messages to its listener for `persistMs` counts too,
 * with the reason the broker's and the client's views give (the different-topic-sets case:
 * the broker's subscription table follows the last heartbeat, and a member without the topic
 * wipes it, so the subscriber's pulls are refused; or the table holds an older version of the
 * subscription than the member pulls with, so its pulls are refused as not latest).
 * Not for pop groups (gRPC through a proxy): nothing is allocated, the broker hands a message
 * of any queue to whichever client pops the topic, so a topic only some members subscribe is
 * popped by those (and a queue is never any one member's to strand).
 */
import type { ClientView, GroupSnapshot, HeldQueue } from '../../../observe/snapshot.ts';
import type { DiagnosisRule } from '../diagnosis.ts';
import {
  allocation,
  clientById,
  clientLabel,
  isBroadcasting,
  isPop,
  lagByQueue,
  listText,
  queueName,
  subscribedTopics,
  subscribes,
} from '../group-view.ts';
import { findingsOf, groupConditions, type Observation, type PersistentCondition } from '../persistence.ts';

const REMEDY =
  'Make every instance of the group subscribe the same topics: the allocation gives each member a share of ' +
  'every subscribed topic, and a member that does not subscribe a topic never pulls its share.';

/**
 * For pulls refused as not latest. RocketMQ's Java push consumer restamps a topic's subVersion on
 * every rebalance that changes its queues and asks for a heartbeat to carry it, but that heartbeat
 * only tryLocks the client's heartbeat lock: while another heartbeat is in flight (built with the
 * old version) the new one is dropped (5.3.3 RebalancePushImpl.messageQueueChanged lines 61-63 and
 * 85, MQClientInstance.sendHeartbeatToAllBrokerWithLockV2 lines 515-531), and the broker refuses
 * every pull carrying the newer version (PullMessageProcessor lines 451-456) until the next one.
 */
const NOT_LATEST_REMEDY =
  "The broker holds an older version of the member's subscription than the member pulls with (a rebalance " +
  'restamped it, and the Java client skips the heartbeat meant to carry it while another heartbeat is in ' +
  "flight). It heals at the member's next heartbeat (heartbeatBrokerInterval, 30 s by default): a shorter " +
  'heartbeatBrokerInterval bounds the stall, a heartbeat sent after each rebalance change avoids it, and ' +
  'restarting the member ends it now.';

/** How the broker answers the holder's pulls, where the snapshot shows it refuses them. */
type Refusal = 'SUBSCRIPTION_NOT_EXIST' | 'SUBSCRIPTION_NOT_LATEST';

interface Stranded {
  /** Why nobody consumes it: allocated to a non-subscriber, held by nobody, or held but stalled. */
  kind: 'not-subscribed' | 'unheld' | 'stalled';
  queue: string;
  lag: number;
  allocatedTo: string | null;
  reason: string;
  refusal?: Refusal;
}

/**
 * Why a member that subscribes the topic and holds the queue consumes none of it, from the
 * broker's view first (its subscription table is what it filters, or refuses, pulls with),
 * then the client's (when it last pulled).
 */
function stallReason(
  group: GroupSnapshot,
  holder: ClientView,
  queue: HeldQueue,
  at: number,
): { reason: string; refusal?: Refusal } {
  const label = clientLabel(holder);
  const broker = group.brokers.find((b) => b.broker === queue.broker);
  // A pull consumer's requests carry their own expression: the table does not decide its pulls.
  const filteredByTable = holder.consumeType !== 'CONSUME_ACTIVELY';
  const table = filteredByTable && broker && !broker.error ? broker.subscriptions : undefined;
  const held = table?.find((s) => s.topic === queue.topic);
  if (table && !held) {
    return {
      reason:
        `held by ${label}, which subscribes ${queue.topic}, but ${queue.broker}'s subscription table for the ` +
        `group has no ${queue.topic} (the last heartbeat came from a member that does not subscribe it), so the ` +
        `broker refuses its pulls (SUBSCRIPTION_NOT_EXIST)`,
      refusal: 'SUBSCRIPTION_NOT_EXIST',
    };
  }
  // The broker refuses a pull whose subVersion is newer than its table's (PullMessageProcessor, 5.3.3 line 451).
  const pulledWith = holder.subscriptions?.find((s) => s.topic === queue.topic)?.subVersion;
  if (held?.subVersion !== undefined && pulledWith !== undefined && pulledWith > held.subVersion) {
    return {
      reason:
        `held by ${label}, which subscribes ${queue.topic}, but ${queue.broker}'s subscription table holds an ` +
        `older version of it (subVersion ${held.subVersion}, ${seconds(pulledWith - held.subVersion)} before the ` +
        `${pulledWith} the member pulls with: the heartbeat that would carry it has not come), so the broker ` +
        'refuses its pulls (SUBSCRIPTION_NOT_LATEST)',
      refusal: 'SUBSCRIPTION_NOT_LATEST',
    };
  }
  const idle = (t: number | undefined) => (t === undefined ? 'unknown' : seconds(at - t));
  return {
    reason:
      `held by ${label}, which subscribes ${queue.topic} but consumed nothing of it for ` +
      `${idle(queue.lastConsumeTimestamp)} (last pull ${idle(queue.lastPullTimestamp)} ago)`,
  };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

function observe(group: GroupSnapshot, at: number, stallMs: number): Observation[] {
  if (isBroadcasting(group) || isPop(group) || group.clients.length === 0) return [];
  const lag = lagByQueue(group);
  const everyoneAnswered = group.clients.every((c) => c.queues !== undefined);
  const holders = new Map<string, { client: ClientView; queue: HeldQueue }>();
  for (const client of group.clients)
    for (const queue of client.queues ?? []) holders.set(queueName(queue), { client, queue });
  const observations: Observation[] = [];
  for (const topic of subscribedTopics(group)) {
    const owners = allocation(group, topic);
    const stranded: Stranded[] = [];
    for (const q of group.topicQueues[topic] ?? []) {
      const name = queueName(q);
      const queueLag = lag.get(name) ?? 0;
      const held = holders.get(name);
      if (held) {
        // Held by a running member that subscribes it, with messages waiting, and nothing
        // handed to its listener for a while: consumed by nobody all the same.
        const { client, queue } = held;
        const idleFor = queue.lastConsumeTimestamp === undefined ? 0 : at - queue.lastConsumeTimestamp;
        if (queueLag > 0 && idleFor >= stallMs && subscribes(client, topic) && client.process !== 'paused')
          stranded.push({
            kind: 'stalled',
            queue: name,
            lag: queueLag,
            allocatedTo: clientLabel(client),
            ...stallReason(group, client, queue, at),
          });
        continue;
      }
      const ownerId = owners.get(name);
      const owner = ownerId === undefined ? undefined : clientById(group, ownerId);
      if (owner && subscribes(owner, topic) === false) {
        stranded.push({
          kind: 'not-subscribed',
          queue: name,
          lag: queueLag,
          allocatedTo: clientLabel(owner),
          reason: `allocated to ${clientLabel(owner)}, which does not subscribe ${topic}`,
        });
      } else if (everyoneAnswered && owner?.process !== 'gone') {
        stranded.push({
          kind: 'unheld',
          queue: name,
          lag: queueLag,
          allocatedTo: owner ? clientLabel(owner) : null,
          reason: 'held by no member',
        });
      }
    }
    if (stranded.length === 0) continue;
    const total = (group.topicQueues[topic] ?? []).length;
    const lagSum = stranded.reduce((n, s) => n + s.lag, 0);
    observations.push({
      key: `${group.group}|${topic}`,
      group: group.group,
      at,
      summary:
        `${stranded.length} of ${total} queues of topic ${topic} in group ${group.group} are consumed by ` +
        `nobody (${whyText(stranded)}); lag ${lagSum}`,
      evidence: {
        topic,
        queues: stranded.map((s) => ({
          queue: s.queue,
          lag: s.lag,
          allocatedTo: s.allocatedTo,
          reason: s.reason,
          ...(s.refusal ? { refusal: s.refusal } : {}),
        })),
        subscribers: group.clients.filter((c) => subscribes(c, topic) === true).map(clientLabel),
        nonSubscribers: group.clients.filter((c) => subscribes(c, topic) === false).map(clientLabel),
        lag: lagSum,
      },
      claims: [{ topic, queues: stranded.map((s) => s.queue) }],
    });
  }
  return observations;
}

/** "6 allocated to b#0 and b#1, which do not subscribe it; 2 held by b#2, which ..." in one line. */
function whyText(stranded: readonly Stranded[]): string {
  const notSubscribing = stranded.filter((s) => s.kind === 'not-subscribed');
  const stalled = stranded.filter((s) => s.kind === 'stalled');
  const nobody = stranded.filter((s) => s.kind === 'unheld');
  const parts: string[] = [];
  if (notSubscribing.length > 0) {
    const who = [...new Set(notSubscribing.map((s) => s.allocatedTo!))];
    parts.push(
      `${notSubscribing.length} allocated to ${listText(who)}, which do${who.length === 1 ? 'es' : ''} not ` +
        'subscribe it',
    );
  }
  // One reason per holder is enough for the line; the evidence has each queue's.
  const byHolder = new Map(stalled.map((s) => [s.allocatedTo!, s.reason]));
  for (const [holder, reason] of byHolder) {
    const count = stalled.filter((s) => s.allocatedTo === holder).length;
    parts.push(`${count} ${reason}`);
  }
  if (nobody.length > 0) parts.push(`${nobody.length} held by no member`);
  return parts.join('; ');
}

/** The not-latest remedy where only that refusal strands queues; beside it where other causes do too. */
function remedyOf(condition: PersistentCondition): string {
  const queues = (condition.latest.evidence['queues'] ?? []) as { refusal?: Refusal }[];
  const notLatest = queues.filter((q) => q.refusal === 'SUBSCRIPTION_NOT_LATEST').length;
  if (notLatest === 0) return REMEDY;
  return notLatest === queues.length ? NOT_LATEST_REMEDY : `${REMEDY} ${NOT_LATEST_REMEDY}`;
}

export const unconsumedQueues: DiagnosisRule = {
  id: 'unconsumed-queues',
  severity: 'critical',
  description:
    'Queues of a subscribed topic are allocated to a member that does not subscribe it, or held by no member.',
  needsRun: false,
  evaluate(input, options) {
    const observeGroup = (group: GroupSnapshot, at: number) => observe(group, at, options.persistMs);
    return findingsOf(this, groupConditions(input.snapshots, observeGroup, options.persistMs), remedyOf);
  },
};
