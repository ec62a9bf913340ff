/** Transactional messages in words, for the console and summary.md. */
import type { TransactionSummary } from '../result/run-summary.ts';

const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);

/** `halves 1615: committed 1424, rolled back 191 (0 of them received)`. */
export function transactionHeadline(t: TransactionSummary): string {
  return (
    `transactions  halves ${t.committed + t.rolledBack}: committed ${t.committed}, rolled back ${t.rolledBack} ` +
    `(${t.rolledBackDelivered} of them received)`
  );
}

/** `check-backs 261 on 261 halves (139 answered by another instance): commit 230, rollback 31; latency p50 ...`. */
export function checkBackLine(t: TransactionSummary): string {
  const c = t.checkBacks;
  return (
    `check-backs   ${c.count} on ${c.halves} halves (${c.byOtherInstance} answered by another instance than the ` +
    `sender): commit ${c.answers.commit}, rollback ${c.answers.rollback}, unknown ${c.answers.unknown}; half → ` +
    `check-back p50 ${ms(c.latency.p50)}, p99 ${ms(c.latency.p99)}, max ${ms(c.latency.max)}`
  );
}
