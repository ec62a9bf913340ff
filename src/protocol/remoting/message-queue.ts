/**
 * RocketMQ's `MessageQueue` (topic, broker name, queue id) and its Java orderings. Every
 * instance of a group computes its share of the queues from sorted lists, so the order here
 * must be Java's exactly, or a mixed Java/Node group would split queues differently.
 */

export interface MessageQueueRef {
  topic: string;
  brokerName: string;
  queueId: number;
}

/** Java `String.compareTo`: UTF-16 code unit order, which is what JS `<` on strings does. */
export function compareJava(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Java `MessageQueue.compareTo`: topic, then broker name, then queue id. */
export function compareQueues(a: MessageQueueRef, b: MessageQueueRef): number {
  return compareJava(a.topic, b.topic) || compareJava(a.brokerName, b.brokerName) || a.queueId - b.queueId;
}

export function queueKey(q: MessageQueueRef): string {
  return `${q.topic}@${q.brokerName}@${q.queueId}`;
}
