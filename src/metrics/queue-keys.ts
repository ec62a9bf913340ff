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
