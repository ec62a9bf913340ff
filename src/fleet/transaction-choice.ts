/**
 * What a transactional producer does with each message, as a pure function of (seed,
 * producerId, seq), like `faultyChoice`: the local transaction's outcome at END_TRANSACTION
 * (commit, rollback or unknown), and what a check-back answers. Every instance of the group
 * computes the same answers from the message's identity, so a check-back for a message whose
 * sender died is answered by a live instance as its sender would have, and the ledger knows,
 * without being told, which messages must be delivered and which must never be.
 *
 * A check-back answers a committed or rolled-back message's own outcome (the local transaction
 * is over: a real listener reads it back), and resolves an unknown one to commit or rollback in
 * the plan's commit : rollback proportion, by a second independent point.
 */
import { faultyPoint } from './faulty-consumer.ts';

export interface TransactionRates {
  /** Shares (0..1, summing to 1) of messages whose local transaction commits, rolls back, or stays unknown. */
  commit: number;
  rollback: number;
  unknown: number;
}

export type LocalOutcome = 'commit' | 'rollback' | 'unknown';
/** Where a message ends: delivered (commit) or never (rollback). */
export type FinalOutcome = 'commit' | 'rollback';

/** The outcome END_TRANSACTION reports: below commit, commit; then rollback; the rest unknown. */
export function localOutcome(rates: TransactionRates, seed: number, producerId: string, seq: number): LocalOutcome {
  const point = faultyPoint(seed, `tx:${producerId}`, seq);
  if (point < rates.commit) return 'commit';
  if (point < rates.commit + rates.rollback) return 'rollback';
  return 'unknown';
}

/** What a check-back answers for the message: its own outcome, or an unknown one resolved. */
export function checkAnswer(rates: TransactionRates, seed: number, producerId: string, seq: number): FinalOutcome {
  const local = localOutcome(rates, seed, producerId, seq);
  if (local !== 'unknown') return local;
  const decided = rates.commit + rates.rollback;
  // All unknown: nothing to take a proportion from; the broker would check forever, so commit.
  if (decided <= 0) return 'commit';
  return faultyPoint(seed, `check:${producerId}`, seq) < rates.commit / decided ? 'commit' : 'rollback';
}

/** Delivered or never: the local outcome, or for an unknown one the check-back's answer. */
export function finalOutcome(rates: TransactionRates, seed: number, producerId: string, seq: number): FinalOutcome {
  return checkAnswer(rates, seed, producerId, seq);
}
