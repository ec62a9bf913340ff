/**
 * Loss no other finding accounts for. Every rule that names a cause of loss says which
 * messages it blames (its claims); whatever the ledger counts as lost beyond them is this
 * finding, with the queues, tags and windows it was sent in, so a report never shows a loss
 * with nothing said about it, and never lets a finding look like the whole story when it
 * covers part of it. Runs only: doctor has no ledger.
 */
import { NOBODY, NO_TAG } from '../../../metrics/loss-breakdown.ts';
import type { DiagnosisRule, EvidenceValue, Finding } from '../diagnosis.ts';
import { lostTotals, unclaimed } from '../loss-claims.ts';

const SHOWN = 5;

function topText(rows: readonly { key: string; lost: number }[]): string {
  const shown = rows.slice(0, SHOWN).map((r) => `${r.key} (${r.lost})`);
  const more = rows.length > SHOWN ? ` and ${rows.length - SHOWN} more` : '';
  return `${shown.join(', ')}${more}`;
}

export const unexplainedLoss: DiagnosisRule = {
  id: 'unexplained-loss',
  severity: 'critical',
  description:
    'Messages the ledger counts as lost that no other finding accounts for, with their queues, tags and the ' +
    'windows they were sent in (runs only).',
  needsRun: true,
  evaluate(input, _options, earlier) {
    const findings: Finding[] = [];
    const accountedAt = input.run?.accountedAt ?? Date.now();
    for (const { group, cells } of input.run?.lost ?? []) {
      const total = cells.reduce((n, c) => n + c.count, 0);
      const left = unclaimed(group, cells, earlier);
      const count = left.reduce((n, c) => n + c.count, 0);
      if (count === 0) continue;
      const queues = lostTotals(left, (c) => c.queue);
      const windows = lostTotals(left, (c) => c.window);
      const tags = lostTotals(left, (c) => (c.tag === '' ? NO_TAG : c.tag));
      const holders = lostTotals(left, (c) => c.holder ?? NOBODY);
      const rows = (list: { key: string; lost: number }[], name: string): EvidenceValue =>
        list.map((r) => ({ [name]: r.key, lost: r.lost }));
      findings.push({
        id: 'unexplained-loss',
        severity: 'critical',
        group,
        summary:
          `${count} of ${total} lost messages of group ${group} are explained by no finding: on ` +
          `${topText(queues)}; sent during ${topText(windows)}`,
        evidence: {
          lost: total,
          unexplained: count,
          explained: total - count,
          queues: rows(queues, 'queue'),
          windows: rows(windows, 'window'),
          tags: rows(tags, 'tag'),
          heldBy: rows(holders, 'instance'),
        },
        remedy:
          'Look at the loss breakdown in the report and follow a listed id with `rmq-chaos explain <run> <id>`: ' +
          'no known cause covers these messages, which may be a broker, client or harness defect.',
        // A ledger finding holds for the whole run; without snapshots (gRPC-only groups) at the end.
        firstSeenAt: input.snapshots[0]?.at ?? accountedAt,
        lastSeenAt: input.snapshots[input.snapshots.length - 1]?.at ?? accountedAt,
      });
    }
    return findings;
  },
};
