/**
 * The topics RocketMQ keeps per consumer group: `%RETRY%<group>` (messages a consumer asked to
 * have redelivered; clustering consumers subscribe it too) and `%DLQ%<group>` (messages that
 * failed every redelivery). They are bookkeeping, not what a plan subscribes, so backlog,
 * diagnoses and group discovery leave them out.
 */

export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';

export function retryTopic(group: string): string {
  return `${RETRY_GROUP_TOPIC_PREFIX}${group}`;
}

export function isRetryTopic(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
}

/** A retry or dead-letter name (as a topic, or as the group name a broker lists for it). */
export function isRetryOrDlqTopic(name: string): boolean {
  return name.startsWith(RETRY_GROUP_TOPIC_PREFIX) || name.startsWith(DLQ_GROUP_TOPIC_PREFIX);
}
