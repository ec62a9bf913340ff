/**
 * A broker that holds queues of the group's topics but lists none of its members while
 * another broker does (the seed's problem 4): consumers register on every broker by
 * heartbeat, so a broker they cannot reach never learns of them, and (with the member list
 * taken from a broker that does know them) its queues may be allocated but never pulled.
 * Not for pop groups: their gRPC clients register with the proxy, never with a broker, so no
 * broker's list says anything about them.
 */
import type { GroupSnapshot } from '../../../observe/snapshot.ts';
import type { DiagnosisRule } from '../diagnosis.ts';
import { isPop, lagByQueue, listText, queueName, subscribedTopics } from '../group-view.ts';
import { findingsOf, groupConditions, type Observation } from '../persistence.ts';

function observe(group: GroupSnapshot, at: number): Observation[] {
  if (isPop(group)) return [];
  const answered = group.brokers.filter((b) => !b.error);
  const withMembers = answered.filter((b) => b.clientIds.length > 0);
  if (withMembers.length === 0) return [];
  const lag = lagByQueue(group);
  const topics = subscribedTopics(group);
  return answered
    .filter((b) => b.clientIds.length === 0)
    .flatMap((b): Observation[] => {
      const queues = topics.flatMap((t) => (group.topicQueues[t] ?? []).filter((q) => q.broker === b.broker));
      if (queues.length === 0) return [];
      const queueLag = queues.reduce((n, q) => n + (lag.get(queueName(q)) ?? 0), 0);
      const others = withMembers.map((o) => `${o.broker} lists ${o.clientIds.length}`);
      return [
        {
          key: `${group.group}|${b.broker}`,
          group: group.group,
          at,
          summary:
            `group ${group.group} has no consumer registered on ${b.broker} (${listText(others)}); its ` +
            `${queues.length} queues of ${listText([...new Set(queues.map((q) => q.topic))])} (lag ` +
            `${queueLag}) are not consumed`,
          evidence: {
            broker: b.broker,
            address: b.addr,
            membersByBroker: Object.fromEntries(answered.map((o) => [o.broker, o.clientIds])),
            queues: queues.map((q) => ({ queue: queueName(q), lag: lag.get(queueName(q)) ?? 0 })),
            lag: queueLag,
          },
          claims: [...new Set(queues.map((q) => q.topic))].map((topic) => ({
            topic,
            queues: queues.filter((q) => q.topic === topic).map(queueName),
          })),
        },
      ];
    });
}

export const brokerWithoutConsumers: DiagnosisRule = {
  id: 'broker-without-consumers',
  severity: 'critical',
  description:
    "A broker holding queues of the group's topics has no member of the group registered while another broker has.",
  needsRun: false,
  evaluate(input, options) {
    return findingsOf(
      this,
      groupConditions(input.snapshots, observe, options.persistMs),
      (c) =>
        `Check that the group's consumers can reach ${String(c.latest.evidence['broker'])} (network path, ` +
        'firewall, the address the broker advertises in brokerIP1); they register by heartbeat on every ' +
        `broker of the topic's route.`,
    );
  },
};
