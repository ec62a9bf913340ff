/**
 * Questions every rule asks of one group's snapshot: which clients are live members, what
 * they subscribe, which queues the default allocation gives each of them, what each queue's
 * lag is. Kept here so the rules read as the condition they test.
 */
import { allocateAveragely, isRetryTopic } from '../../protocol/index.ts';
import type { ClientView, GroupSnapshot, QueueOffsets, QueueRef } from '../../observe/snapshot.ts';

export function queueName(q: QueueRef): string {
  return `${q.topic}@${q.broker}/${q.queueId}`;
}

/**
 * How a client is named in findings: the harness instance id (`billing#1`: the instance name
 * after `@` in a remoting client id, or the instance the run matched a gRPC client to) when it
 * is one of a run's instances, else the client id.
 */
export function clientLabel(client: Pick<ClientView, 'clientId' | 'process' | 'instance'>): string {
  if (client.instance !== undefined) return client.instance;
  const at = client.clientId.indexOf('@');
  return client.process !== undefined && at >= 0 ? client.clientId.slice(at + 1) : client.clientId;
}

/** The group's members as the brokers list them (what rebalancing clients divide queues among). */
export function memberIds(group: GroupSnapshot): string[] {
  return [...new Set(group.brokers.filter((b) => !b.error).flatMap((b) => b.clientIds))].sort();
}

/**
 * Consumed by pop through a proxy (gRPC clients): no member holds queues, the broker hands a
 * message of any queue to whichever client pops, and each pop carries its client's expression.
 */
export function isPop(group: GroupSnapshot): boolean {
  return group.pop !== undefined;
}

export function isBroadcasting(group: GroupSnapshot): boolean {
  return group.messageModel === 'BROADCASTING';
}

/** Every topic the group subscribes, per any client's running info or any broker's table. */
export function subscribedTopics(group: GroupSnapshot): string[] {
  const topics = new Set<string>();
  for (const c of group.clients) for (const s of c.subscriptions ?? []) topics.add(s.topic);
  for (const b of group.brokers) for (const s of b.subscriptions) topics.add(s.topic);
  return [...topics].filter((t) => !isRetryTopic(t)).sort();
}

/** Which member the default strategy (AllocateMessageQueueAveragely) gives each queue of `topic`. */
export function allocation(group: GroupSnapshot, topic: string): Map<string, string> {
  const owners = new Map<string, string>();
  const queues = (group.topicQueues[topic] ?? []).map((q) => ({
    topic: q.topic,
    brokerName: q.broker,
    queueId: q.queueId,
  }));
  const members = memberIds(group);
  for (const cid of members) {
    for (const q of allocateAveragely(cid, queues, members))
      owners.set(queueName({ topic: q.topic, broker: q.brokerName, queueId: q.queueId }), cid);
  }
  return owners;
}

/**
 * Broker max offset − committed offset. With nothing committed (-1) it counts from the
 * queue's start offset when the snapshot has one (what arrived since the run started, or
 * every retained message), else from 0.
 */
export function queueLag(q: QueueOffsets): number {
  const from = q.consumerOffset >= 0 ? q.consumerOffset : (q.startOffset ?? 0);
  return Math.max(0, q.brokerOffset - from);
}

/** Lag per queue name; queues without stats are absent. */
export function lagByQueue(group: GroupSnapshot): Map<string, number> {
  return new Map(group.queues.map((q) => [queueName(q), queueLag(q)]));
}

export function clientById(group: GroupSnapshot, clientId: string): ClientView | undefined {
  return group.clients.find((c) => c.clientId === clientId);
}

export function subscribes(client: ClientView, topic: string): boolean | undefined {
  return client.subscriptions?.some((s) => s.topic === topic);
}

/** `a, b and c` */
export function listText(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
