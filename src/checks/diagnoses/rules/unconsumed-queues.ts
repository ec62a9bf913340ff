/**
 * Queues of a subscribed topic that nobody pulls. Every member of a clustering group divides
 * a topic's queues over the whole member list (AllocateMessageQueueAveragely by default), but
 * only members that subscribe the topic pull their share: the share of a member that does
 * not subscribe it is stranded (the seed's problem 2). A queue no answering member holds while
 * every member answered is stranded too. Queues owned by a member that does not answer are
 * left to `stale-consumer`.
 */
import type { GroupSnapshot } from '../../../observe/snapshot.ts';
import type { DiagnosisRule } from '../diagnosis.ts';
import {
  allocation,
  clientById,
  clientLabel,
  isBroadcasting,
  lagByQueue,
  listText,
  queueName,
  subscribedTopics,
  subscribes,
} from '../group-view.ts';
import { findingsOf, groupConditions, type Observation } from '../persistence.ts';

const REMEDY =
  'Make every instance of the group subscribe the same topics: the allocation gives each member a share of ' +
  'every subscribed topic, and a member that does not subscribe a topic never pulls its share.';

interface Stranded {
  queue: string;
  lag: number;
  allocatedTo: string | null;
  reason: string;
}

function observe(group: GroupSnapshot, at: number): Observation[] {
  if (isBroadcasting(group) || group.clients.length === 0) return [];
  const lag = lagByQueue(group);
  const everyoneAnswered = group.clients.every((c) => c.queues !== undefined);
  const held = new Set(group.clients.flatMap((c) => (c.queues ?? []).map(queueName)));
  const observations: Observation[] = [];
  for (const topic of subscribedTopics(group)) {
    const owners = allocation(group, topic);
    const stranded: Stranded[] = [];
    for (const q of group.topicQueues[topic] ?? []) {
      const name = queueName(q);
      if (held.has(name)) continue;
      const ownerId = owners.get(name);
      const owner = ownerId === undefined ? undefined : clientById(group, ownerId);
      const queueLag = lag.get(name) ?? 0;
      if (owner && subscribes(owner, topic) === false) {
        stranded.push({
          queue: name,
          lag: queueLag,
          allocatedTo: clientLabel(owner),
          reason: `allocated to ${clientLabel(owner)}, which does not subscribe ${topic}`,
        });
      } else if (everyoneAnswered && owner?.process !== 'gone') {
        stranded.push({
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
    const notSubscribing = [
      ...new Set(stranded.filter((s) => s.reason.includes('does not subscribe')).map((s) => s.allocatedTo!)),
    ];
    const why =
      notSubscribing.length > 0
        ? `allocated to ${listText(notSubscribing)}, which do${notSubscribing.length === 1 ? 'es' : ''} not ` +
          'subscribe it'
        : 'held by no member';
    observations.push({
      key: `${group.group}|${topic}`,
      group: group.group,
      at,
      summary:
        `${stranded.length} of ${total} queues of topic ${topic} in group ${group.group} are consumed by ` +
        `nobody (${why}); lag ${lagSum}`,
      evidence: {
        topic,
        queues: stranded.map((s) => ({ queue: s.queue, lag: s.lag, allocatedTo: s.allocatedTo, reason: s.reason })),
        subscribers: group.clients.filter((c) => subscribes(c, topic) === true).map(clientLabel),
        nonSubscribers: group.clients.filter((c) => subscribes(c, topic) === false).map(clientLabel),
        lag: lagSum,
      },
    });
  }
  return observations;
}

export const unconsumedQueues: DiagnosisRule = {
  id: 'unconsumed-queues',
  severity: 'critical',
  description:
    'Queues of a subscribed topic are allocated to a member that does not subscribe it, or held by no member.',
  needsRun: false,
  evaluate(input, options) {
    return findingsOf(this, groupConditions(input.snapshots, observe, options.persistMs), REMEDY);
  },
};
