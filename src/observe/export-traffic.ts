/**
 * The traffic side of an exported plan: how many queues each topic has, and how fast messages
 * were put on it while doctor watched (the growth of its queues' max offsets between the first
 * and the last snapshot: the broker's own counters, read twice, with no extra request).
 */
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from '../plan/defaults.ts';
import { formatRate } from '../plan/units.ts';
import type { ClusterSnapshot } from './snapshot.ts';

/** Messages per second put on the topic: its max offsets' growth between two snapshots; undefined when none. */
export function putRate(
  topic: string,
  first: ClusterSnapshot,
  last: ClusterSnapshot,
): { perSecond: number; messages: number; ms: number } | undefined {
  const seconds = (last.at - first.at) / 1000;
  if (seconds <= 0) return undefined;
  const offsets = (snapshot: ClusterSnapshot) => {
    const byQueue = new Map<string, number>();
    for (const g of snapshot.groups)
      for (const q of g.queues)
        if (q.topic === topic) {
          const key = `${q.broker}/${q.queueId}`;
          byQueue.set(key, Math.max(byQueue.get(key) ?? 0, q.brokerOffset));
        }
    return byQueue;
  };
  const before = offsets(first);
  const after = offsets(last);
  let grown = 0;
  for (const [key, offset] of after) {
    const was = before.get(key);
    if (was !== undefined && offset > was) grown += offset - was;
  }
  return grown > 0 ? { perSecond: grown / seconds, messages: grown, ms: last.at - first.at } : undefined;
}

/** Whole messages per second from 1/s up, whole per minute below (a rate must be above 0). */
export function roundedRate(perSecond: number): string {
  if (perSecond >= 1) return formatRate(Math.round(perSecond));
  return `${Math.max(1, Math.round(perSecond * 60))}/m`;
}

/** Queues per broker from the topic's route (the most any master has); the default when no route was read. */
export function queueCount(topic: string, snapshot: ClusterSnapshot, notes: string[]): number {
  const refs = snapshot.groups.find((g) => g.topicQueues[topic])?.topicQueues[topic];
  if (!refs || refs.length === 0) {
    notes.push(`${topic}: no route was read, so ${D.topic.queues} queues (the default)`);
    return D.topic.queues;
  }
  const perBroker = new Map<string, number>();
  for (const q of refs) perBroker.set(q.broker, (perBroker.get(q.broker) ?? 0) + 1);
  const counts = [...perBroker.values()];
  const most = Math.max(...counts);
  if (new Set(counts).size > 1 || perBroker.size < snapshot.brokers.length)
    notes.push(
      `${topic}: queues per master differ (${[...perBroker].map(([b, n]) => `${b}: ${n}`).join(', ')}); the plan ` +
        `gives every broker ${most}`,
    );
  return Math.min(Math.max(most, L.queues.min), L.queues.max);
}
