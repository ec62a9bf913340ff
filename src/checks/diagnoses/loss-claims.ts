/**
 * Findings against the ledger: which lost messages a finding's claims cover, how much of a
 * group's loss that is, and what no finding covers. A lost message is covered when some claim
 * names its topic, its queue (or the whole topic), does not except its tag and, when the claim is
 * about reused offsets only, the message's offset was reused and, when it is about a lost host,
 * the message was consumed there.
 */
import type { LostCell } from '../../metrics/loss-breakdown.ts';
import { queueTopic } from '../../metrics/queue-keys.ts';
import type { Finding, LossClaim, LossExplained } from './diagnosis.ts';

/** What a claim is matched on: a lost cell, or one lost message's record (`explain`). */
export type ClaimedMessage = Pick<LostCell, 'queue' | 'tag'> & {
  offsetReused?: boolean | undefined;
  withHost?: string | undefined;
};

export function claimCovers(claim: LossClaim, cell: ClaimedMessage): boolean {
  if (queueTopic(cell.queue) !== claim.topic) return false;
  if (claim.queues && !claim.queues.includes(cell.queue)) return false;
  if (claim.offsetReused && !cell.offsetReused) return false;
  if (claim.withHost !== undefined && claim.withHost !== cell.withHost) return false;
  return !claim.exceptTags?.includes(cell.tag);
}

export function coveredBy(claims: readonly LossClaim[], cell: ClaimedMessage): boolean {
  return claims.some((claim) => claimCovers(claim, cell));
}

/** How much of `cells` (one group's loss) the finding's claims cover. */
export function explained(finding: Finding, cells: readonly LostCell[]): LossExplained {
  const byQueue: Record<string, number> = {};
  let lost = 0;
  let of = 0;
  for (const cell of cells) {
    of += cell.count;
    if (!coveredBy(finding.claims ?? [], cell)) continue;
    lost += cell.count;
    byQueue[cell.queue] = (byQueue[cell.queue] ?? 0) + cell.count;
  }
  return { lost, of, byQueue };
}

/** Lost messages summed by `keyOf` of their cells, most first (ties by key): the rows findings list. */
export function lostTotals(
  cells: readonly LostCell[],
  keyOf: (c: LostCell) => string,
): { key: string; lost: number }[] {
  const byKey = new Map<string, number>();
  for (const cell of cells) byKey.set(keyOf(cell), (byKey.get(keyOf(cell)) ?? 0) + cell.count);
  return [...byKey].map(([key, lost]) => ({ key, lost })).sort((a, b) => b.lost - a.lost || (a.key < b.key ? -1 : 1));
}

/** The lost cells of `group` that no finding of that group claims. */
export function unclaimed(group: string, cells: readonly LostCell[], findings: readonly Finding[]): LostCell[] {
  const claims = findings.filter((f) => f.group === group).flatMap((f) => f.claims ?? []);
  return cells.filter((cell) => !coveredBy(claims, cell));
}

/** Lost messages of `group` covered by at least one of its findings (each counted once). */
export function lostExplained(group: string, cells: readonly LostCell[], findings: readonly Finding[]): number {
  const total = cells.reduce((n, c) => n + c.count, 0);
  return total - unclaimed(group, cells, findings).reduce((n, c) => n + c.count, 0);
}
