/**
 * Lost messages that were consumed on a host the run lost (an agent that died or went
 * unreachable): the instances there committed their queue offsets past them, but the receipts
 * were still on the host when it went, so the ledger never heard of them and the member that
 * took the queues over resumed after them (metrics/host-losses.ts says how that is told apart).
 * In production this is the work a consumer acknowledged before its effect left the machine.
 * Runs only: doctor has no ledger and loses no hosts.
 */
import { queueTopic } from '../../../metrics/queue-keys.ts';
import type { DiagnosisRule, Finding } from '../diagnosis.ts';
import { lostTotals } from '../loss-claims.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export const lostWithHost: DiagnosisRule = {
  id: 'lost-with-host',
  severity: 'warning',
  description:
    'Messages consumed on a host the run lost (an agent that died): their offsets were committed, their receipts ' +
    'died with the host, and the member that took the queues over resumed after them (runs with agents only).',
  needsRun: true,
  evaluate(input) {
    const findings: Finding[] = [];
    const accountedAt = input.run?.accountedAt ?? Date.now();
    const startedAt = input.run?.startedAt;
    for (const loss of input.run?.hostLosses ?? []) {
      const cells = (input.run?.lost ?? [])
        .filter((l) => l.group === loss.group)
        .flatMap((l) => l.cells)
        .filter((c) => c.withHost === loss.host);
      const count = cells.reduce((n, c) => n + c.count, 0);
      if (count === 0) continue;
      const lostOn = new Map(lostTotals(cells, (c) => c.queue).map((q) => [q.key, q.lost]));
      const when = startedAt === undefined ? new Date(loss.at).toISOString() : `at ${seconds(loss.at - startedAt)}`;
      findings.push({
        id: 'lost-with-host',
        severity: 'warning',
        group: loss.group,
        summary:
          `${count} messages of group ${loss.group} were consumed on host ${loss.host} ` +
          `(${loss.instances.join(', ')}) before it was lost ${when}: their offsets were committed, their ` +
          'receipts died with the host',
        evidence: {
          host: loss.host,
          instances: loss.instances,
          lost: count,
          queues: loss.queues
            .filter((q) => lostOn.has(q.queue))
            .map((q) => ({
              queue: q.queue,
              lost: lostOn.get(q.queue) ?? 0,
              resumedAtOffset: q.resumedAt ?? null,
              reason: `consumed on ${loss.host} below offset ${q.resumedAt}, where the group resumed the queue`,
            })),
        },
        remedy:
          'Not a broker loss: these were consumed and their offsets committed on the host that died. In production ' +
          'it is the work a consumer acknowledged before its effect left the machine: return CONSUME_SUCCESS only ' +
          'once the effect is durable elsewhere, and make the effect idempotent for the redeliveries a crash brings.',
        firstSeenAt: loss.at,
        lastSeenAt: accountedAt,
        claims: [...new Set([...lostOn.keys()].map(queueTopic))].map((topic) => ({
          topic,
          queues: [...lostOn.keys()].filter((q) => queueTopic(q) === topic),
          withHost: loss.host,
        })),
      });
    }
    return findings;
  },
};
