/**
 * Acked messages a broker later dropped: each lost message whose queue offset was also named
 * in the ack of another message (metrics/queue-positions.ts). A broker never hands out one
 * offset twice, so the log that held the first message was cut back and the new master wrote
 * from there: a master deposed while it still took writes (a split brain: it lost the
 * controller or its peers but not its clients), or acks of a tail no replica had when another
 * took over. The role timeline of the run, when it has one, shows the master change.
 * Runs only: doctor has no acks.
 */
import type { RoleChange } from '../../../metrics/failover-types.ts';
import { queueBroker, queueTopic } from '../../../metrics/queue-keys.ts';
import type { DiagnosisRule, EvidenceValue, Finding } from '../diagnosis.ts';
import { lostTotals } from '../loss-claims.ts';

/** Master changes of these brokers, as `{broker, master, atMs}` with times on the run clock when known. */
function mastersOf(
  brokers: readonly string[],
  roles: readonly RoleChange[],
  startedAt: number | undefined,
): EvidenceValue {
  return roles
    .filter((r) => brokers.includes(r.brokerName))
    .map((r) => ({
      broker: r.brokerName,
      master: r.master,
      ...(startedAt === undefined ? { at: new Date(r.atMs).toISOString() } : { atRunMs: r.atMs - startedAt }),
    }));
}

export const reassignedOffsets: DiagnosisRule = {
  id: 'reassigned-offsets',
  severity: 'critical',
  description:
    'Acked messages that were lost because their broker cut its commit log back: another message was acked at ' +
    'the same queue offset (a deposed master that kept taking writes, or an unreplicated tail) (runs only).',
  needsRun: true,
  evaluate(input) {
    const findings: Finding[] = [];
    const accountedAt = input.run?.accountedAt ?? Date.now();
    const roles = input.run?.roleChanges ?? [];
    for (const { group, cells } of input.run?.lost ?? []) {
      const reused = cells.filter((c) => c.offsetReused);
      const count = reused.reduce((n, c) => n + c.count, 0);
      if (count === 0) continue;
      const queues = lostTotals(reused, (c) => c.queue);
      const brokers = lostTotals(reused, (c) => queueBroker(c.queue));
      const windows = lostTotals(reused, (c) => c.window);
      const brokerText = brokers.map((b) => `${b.key} (${b.lost})`).join(', ');
      findings.push({
        id: 'reassigned-offsets',
        severity: 'critical',
        group,
        summary:
          `${count} messages acked to group ${group}'s topics on ${brokerText} were lost: the broker gave their ` +
          'queue offsets to other messages afterwards, so the log that acked them was cut back (a deposed master ' +
          'kept taking writes, or acked what no replica had)',
        evidence: {
          lost: count,
          brokers: brokers.map((b) => ({ broker: b.key, lost: b.lost })),
          queues: queues.map((q) => ({
            queue: q.key,
            lost: q.lost,
            reason: 'other messages were acked at the same offsets: the log that acked these was cut back',
          })),
          windows: windows.map((w) => ({ window: w.key, lost: w.lost })),
          masters: mastersOf(
            brokers.map((b) => b.key),
            roles,
            input.run?.startedAt,
          ),
        },
        remedy:
          'Producers must not count SLAVE_NOT_AVAILABLE or FLUSH_SLAVE_TIMEOUT as delivered (retry or alert), and a ' +
          'master cut off from its controller or peers must stop taking writes: replicate synchronously with ' +
          'allAckInSyncStateSet (controller) or DLedger, and keep clients on the network path the controller sees.',
        firstSeenAt: input.snapshots[0]?.at ?? accountedAt,
        lastSeenAt: input.snapshots[input.snapshots.length - 1]?.at ?? accountedAt,
        claims: [...new Set(queues.map((q) => queueTopic(q.key)))].map((topic) => ({
          topic,
          queues: queues.filter((q) => queueTopic(q.key) === topic).map((q) => q.key),
          offsetReused: true,
        })),
      });
    }
    return findings;
  },
};
