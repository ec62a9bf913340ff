/** `topic@broker/queueId`: how queues are named in events, samples and reports. */
export function queueKeyOf(topic: string, brokerName: string, queueId: number): string {
  return `${topic}@${brokerName}/${queueId}`;
}

/** Every queue of the given topics: `queues` per master broker, as the harness creates them. */
export function allQueueKeys(
  topics: readonly { name: string; queues: number }[],
  brokerNames: readonly string[],
): string[] {
  return topics.flatMap((topic) =>
    brokerNames.flatMap((broker) => Array.from({ length: topic.queues }, (_, q) => queueKeyOf(topic.name, broker, q))),
  );
}

/** The topic of a `topic@broker/queueId` key (topic names cannot contain `@`). */
export function queueTopic(queueKey: string): string {
  const at = queueKey.lastIndexOf('@');
  return at < 0 ? queueKey : queueKey.slice(0, at);
}

/** The broker of a `topic@broker/queueId` key. */
export function queueBroker(queueKey: string): string {
  const at = queueKey.lastIndexOf('@');
  const slash = queueKey.lastIndexOf('/');
  return at < 0 || slash < at ? queueKey : queueKey.slice(at + 1, slash);
}

/**
 * False for the key of an ack that named no queue (`topic@?/-1`: a gRPC send goes through
 * the proxy, which does not say which queue it picked), whose offsets cannot be compared.
 */
export function isKnownQueue(queueKey: string): boolean {
  return !queueKey.endsWith('/-1') && !queueKey.includes('@?/');
}
