/**
 * Duplicates the run attributed to a disturbance: a network fault, a restart, a kill or a
 * rebalance window (the seed's problem 5). Redeliveries a consumer asked for (`retry`) are
 * RocketMQ working as designed and are left out; duplicates outside any known window are
 * reported too, since something the plan did not stage caused them.
 */
import type { DiagnosisRule, Finding } from '../diagnosis.ts';
import { listText } from '../group-view.ts';

const REMEDY =
  'Make consumption idempotent (deduplicate by message key): RocketMQ delivers at least once, and a consumer ' +
  'that loses its connection or restarts re-consumes what it had not committed. Shut consumers down cleanly ' +
  'so they commit first.';

export const duplicateBurst: DiagnosisRule = {
  id: 'duplicate-burst',
  severity: 'warning',
  description: 'At least 10 duplicates attributed to one fault, restart or membership window (or to no known window).',
  needsRun: true,
  evaluate(input, options) {
    if (!input.run) return [];
    const run = input.run;
    return run.duplicates
      .filter((w) => w.label !== 'retry' && w.count >= options.burstMin)
      .map((w): Finding => {
        const unique = run.uniqueByGroup[w.group] ?? 0;
        const rate = unique > 0 ? w.count / unique : 0;
        const cause = w.label === 'none' ? 'outside any fault or membership window' : `after ${w.label}`;
        return {
          id: 'duplicate-burst',
          severity: 'warning',
          group: w.group,
          summary:
            `${w.count} duplicate deliveries in group ${w.group} ${cause} (${(rate * 100).toFixed(2)}% of ` +
            `unique), to ${listText(w.instances)}`,
          evidence: {
            window: w.label,
            duplicates: w.count,
            duplicateRate: Number(rate.toFixed(6)),
            instances: w.instances,
            firstAt: w.firstAt,
            lastAt: w.lastAt,
          },
          remedy: REMEDY,
          firstSeenAt: w.firstAt,
          lastSeenAt: w.lastAt,
        };
      });
  },
};
