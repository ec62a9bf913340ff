/**
 * A member the brokers still list whose process is frozen or gone (the seed's problem 3).
 * A process killed outright closes its sockets, so the broker drops it at once; one that is
 * frozen (SIGSTOP, a long GC, a hung host) or cut off without a close keeps its entry until
 * the broker's channel expiry (`channelExpiredTimeout`, 120 s by default), and the queues the
 * allocation gives it are pulled by nobody meanwhile. In a run the harness knows the process
 * state; in doctor a member that does not answer the broker's running-info request is the sign.
 * A gRPC client of a pop group is listed by the proxy (until the proxy's own channel expiry)
 * and holds no queue: while it is frozen the messages it popped stay invisible until their
 * invisible time passes, then the broker gives them to whoever pops next. Only a run knows
 * such a client is frozen: nothing asks a gRPC client for running info, so doctor cannot tell.
 */
import { queueTopic } from '../../../metrics/queue-keys.ts';
import type { ClientView, GroupSnapshot } from '../../../observe/snapshot.ts';
import type { DiagnosisRule } from '../diagnosis.ts';
import {
  allocation,
  clientLabel,
  isBroadcasting,
  lagByQueue,
  listText,
  queueLag,
  subscribedTopics,
} from '../group-view.ts';
import { findingsOf, groupConditions, type Observation } from '../persistence.ts';

const POP_REMEDY =
  'Shut consumers down cleanly (close() tells the proxy); find out why the process froze (GC, SIGSTOP, host); ' +
  "a shorter invisible time brings its popped messages back sooner, the proxy's channelExpiredTimeout drops it.";

const REMEDY =
  'Shut consumers down cleanly (shutdown() unregisters them); find out why the process froze (GC, SIGSTOP, ' +
  'host); a lower broker channelExpiredTimeout shortens how long its queues wait.';

function staleness(client: ClientView): string | undefined {
  if (client.process === 'paused') return 'its process is frozen (SIGSTOP)';
  if (client.process === 'gone') return 'its process has exited';
  if (client.process === undefined && client.runningInfoError !== undefined)
    return `it does not answer the broker (${client.runningInfoError})`;
  return undefined;
}

function observe(group: GroupSnapshot, at: number): Observation[] {
  const lag = lagByQueue(group);
  const owned = new Map<string, string[]>();
  if (!isBroadcasting(group)) {
    for (const topic of subscribedTopics(group)) {
      for (const [queue, owner] of allocation(group, topic)) owned.set(owner, [...(owned.get(owner) ?? []), queue]);
    }
  }
  return group.clients.flatMap((client): Observation[] => {
    const why = staleness(client);
    if (!why) return [];
    if (client.via === 'pop') return popStale(group, client, why, at);
    if (client.brokers.length === 0) return [];
    const queues = owned.get(client.clientId) ?? [];
    const queueLag = queues.reduce((n, q) => n + (lag.get(q) ?? 0), 0);
    const label = clientLabel(client);
    const brokers = listText(client.brokers);
    const held =
      queues.length > 0
        ? `; the ${queues.length} queues allocated to it (lag ${queueLag}) wait for the broker to expire it`
        : '';
    return [
      {
        key: `${group.group}|${client.clientId}`,
        group: group.group,
        at,
        summary: `${label} is still registered in group ${group.group} on ${brokers} but ${why}${held}`,
        evidence: {
          client: client.clientId,
          instance: label,
          address: client.addr,
          brokers: client.brokers,
          state: client.process ?? 'not answering',
          ...(client.runningInfoError ? { runningInfoError: client.runningInfoError } : {}),
          queues: queues.map((q) => ({ queue: q, lag: lag.get(q) ?? 0 })),
          lag: queueLag,
        },
        claims: [...new Set(queues.map(queueTopic))].map((topic) => ({
          topic,
          queues: queues.filter((q) => queueTopic(q) === topic),
        })),
      },
    ];
  });
}

function popStale(group: GroupSnapshot, client: ClientView, why: string, at: number): Observation[] {
  const proxies = client.proxies ?? [];
  if (proxies.length === 0) return [];
  const label = clientLabel(client);
  // No queue is its own: the group's whole lag, its popped-but-unacked messages among it.
  const lag = group.queues.reduce((n, q) => n + queueLag(q), 0);
  return [
    {
      key: `${group.group}|${client.clientId}`,
      group: group.group,
      at,
      summary:
        `${label} is still registered in pop group ${group.group} on proxy ${listText(proxies)} but ${why}; ` +
        'the messages it popped stay invisible until their invisible time passes (no queue waits for it: the ' +
        'others keep popping)',
      evidence: {
        client: client.clientId,
        instance: label,
        address: client.addr,
        proxies,
        consumption: 'pop',
        state: client.process ?? 'not answering',
        groupLag: lag,
      },
    },
  ];
}

export const staleConsumer: DiagnosisRule = {
  id: 'stale-consumer',
  severity: 'critical',
  description:
    'A member the brokers still list is frozen, gone or not answering; the queues allocated to it are not ' +
    'consumed until the broker expires it.',
  needsRun: false,
  evaluate(input, options) {
    const conditions = groupConditions(input.snapshots, observe, options.persistMs);
    return findingsOf(this, conditions, (c) => (c.latest.evidence.consumption === 'pop' ? POP_REMEDY : REMEDY));
  },
};
