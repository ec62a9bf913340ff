/**
 * A queue whose lag (broker max offset − committed offset) keeps rising: nobody consumes it,
 * or its consumer falls behind. Offsets are committed every few seconds, so a healthy queue's
 * lag saw-tooths; only growth that does not fall back over `growthSpanMs`, by at least
 * `growthMin` messages, counts. For a pop group (gRPC through a proxy) the committed offset is
 * the one the broker advances as pops are acked, so lag also counts popped messages waiting
 * for their ack or their invisible time: a frozen popper's messages show up here too.
 */
import type { DiagnosisRule, EvidenceValue, Finding } from '../diagnosis.ts';
import { isPop, queueLag, queueName } from '../group-view.ts';

interface Point {
  at: number;
  lag: number;
  consumerOffset: number;
}
interface Growth {
  queue: string;
  from: number;
  to: number;
  lagFrom: number;
  lagTo: number;
  consumed: number;
}

/** A step of the lag smaller than this share of a stretch's whole rise counts as standing still. */
const NEAR_FLAT = 0.05;

/** The longest stretch of non-decreasing lag that qualifies, if any. */
export function sustainedGrowth(
  points: readonly Point[],
  spanMs: number,
  min: number,
): Omit<Growth, 'queue'> | undefined {
  let best: Omit<Growth, 'queue'> | undefined;
  let start = 0;
  for (let i = 1; i <= points.length; i++) {
    if (i < points.length && points[i]!.lag >= points[i - 1]!.lag) continue;
    const last = points[i - 1]!;
    // A start that stands still is not growth: the stretch begins where lag last stood still.
    // "Still" allows steps under NEAR_FLAT of the stretch's rise: a healthy queue's lag of 0,
    // then 1 (a message in flight) for 10 s, then a fault's backlog, grew for the fault's
    // seconds, not from the load's start (seen in the acl plan: 18 s reported for 8 s of revoke).
    while (start < i - 1 && points[start + 1]!.lag - points[start]!.lag < NEAR_FLAT * (last.lag - points[start]!.lag))
      start++;
    const first = points[start]!;
    if (
      last.at - first.at >= spanMs &&
      last.lag - first.lag >= min &&
      (!best || last.lag - first.lag > best.lagTo - best.lagFrom)
    ) {
      best = {
        from: first.at,
        to: last.at,
        lagFrom: first.lag,
        lagTo: last.lag,
        consumed: Math.max(0, last.consumerOffset - first.consumerOffset),
      };
    }
    start = i;
  }
  return best;
}

export const backlogGrowth: DiagnosisRule = {
  id: 'backlog-growth',
  severity: 'warning',
  description: "A queue's lag rises without falling back for a sustained time (per queue, from consume stats).",
  needsRun: false,
  evaluate(input, options) {
    const series = new Map<string, Map<string, Point[]>>();
    const pop = new Set<string>();
    for (const snapshot of input.snapshots) {
      for (const group of snapshot.groups) {
        if (isPop(group)) pop.add(group.group);
        const byQueue = series.get(group.group) ?? new Map<string, Point[]>();
        series.set(group.group, byQueue);
        for (const q of group.queues) {
          const name = queueName(q);
          const points = byQueue.get(name) ?? [];
          points.push({ at: snapshot.at, lag: queueLag(q), consumerOffset: q.consumerOffset });
          byQueue.set(name, points);
        }
      }
    }
    const findings: Finding[] = [];
    for (const [group, byQueue] of series) {
      const growing: Growth[] = [];
      for (const [queue, points] of byQueue) {
        const growth = sustainedGrowth(points, options.growthSpanMs, options.growthMin);
        if (growth) growing.push({ queue, ...growth });
      }
      if (growing.length === 0) continue;
      growing.sort((a, b) => (a.queue < b.queue ? -1 : 1));
      const total = growing.reduce((n, g) => n + g.lagTo - g.lagFrom, 0);
      const stalled = growing.filter((g) => g.consumed === 0).map((g) => g.queue);
      const longest = Math.max(...growing.map((g) => g.to - g.from));
      const meanwhile = stalled.length > 0 ? ` (${stalled.length} not consumed at all meanwhile)` : '';
      findings.push({
        id: 'backlog-growth',
        severity: 'warning',
        group,
        summary:
          `backlog of group ${group} grew by ${total} on ${growing.length} queue${growing.length === 1 ? '' : 's'} ` +
          `for up to ${(longest / 1000).toFixed(0)} s${meanwhile}`,
        evidence: {
          queues: growing.map(
            (g): EvidenceValue => ({
              queue: g.queue,
              lagFrom: g.lagFrom,
              lagTo: g.lagTo,
              forMs: g.to - g.from,
              consumedMeanwhile: g.consumed,
            }),
          ),
          stalledQueues: stalled,
          ...(pop.has(group) ? { consumption: 'pop', lagCounts: 'messages not yet acked, popped ones included' } : {}),
        },
        remedy:
          'Find what stops or slows consumption of these queues (a stale or missing member, a filter that ' +
          'skips them, slow processing) and add consumers if the group is simply too slow.',
        firstSeenAt: Math.min(...growing.map((g) => g.from)),
        lastSeenAt: Math.max(...growing.map((g) => g.to)),
      });
    }
    return findings;
  },
};
