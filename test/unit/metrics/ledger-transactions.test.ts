/**
 * The ledger with transactional producers against a model: of the halves the broker stored
 * (acked, or proved by a check-back), exactly those whose transaction ends committed are
 * expected (lost when never consumed), the rolled-back ones never are, and every distinct
 * receipt of a rolled-back message is counted, acked or not.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finalOutcome, type TransactionRates } from '../../../src/fleet/transaction-choice.ts';
import { Ledger } from '../../../src/metrics/ledger.ts';
import { EventLog } from '../../../src/run/event-log.ts';
import { Measurements } from '../../../src/run/measurements.ts';

const shares = fc
  .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([a, b]): TransactionRates => {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    return { commit: lo, rollback: hi - lo, unknown: 1 - hi };
  });

const N = 200;
const seqs = fc.uniqueArray(fc.integer({ min: 0, max: N - 1 }), { maxLength: N });

describe('Ledger with transactional producers', () => {
  it('expects the committed halves only and counts rolled-back receipts, as the model says', () => {
    fc.assert(
      fc.property(
        shares,
        fc.integer(),
        seqs,
        seqs,
        fc.array(fc.integer({ min: 0, max: N + 20 }), { maxLength: 300 }),
        (rates, seed, acked, checked, receipts) => {
          const final = (seq: number) => finalOutcome(rates, seed, 'tx#0', seq);
          const ledger = new Ledger(0);
          ledger.registerProducer('tx#0', undefined, { finalOutcome: final });
          ledger.registerProducer('plain#0');
          ledger.recordAttempted('tx#0', N);
          ledger.recordAttempted('plain#0', 1);
          for (const seq of acked) ledger.recordAcked('tx#0', seq, '', { queue: 't@b/0', sentAt: 1, queueOffset: seq });
          // A check-back proves a half the ack of which never came (its sender died).
          for (const seq of checked) ledger.recordAcked('tx#0', seq);
          ledger.recordAcked('plain#0', 0);
          ledger.registerScope('g');
          for (const seq of receipts) ledger.recordReceipt('g', 'tx#0', seq, 'c#0');

          const stored = new Set([...acked, ...checked]);
          const received = new Set(receipts);
          const committed = [...stored].filter((s) => final(s) === 'commit');
          const summary = ledger.summarize('g');
          expect(summary.acked).toBe(committed.length + 1);
          // plain#0's message was never received: lost like any other.
          expect(summary.lost).toBe(committed.filter((s) => !received.has(s)).length + 1);
          expect(summary.rolledBackDelivered).toBe(
            [...received].filter((s) => s < N && final(s) === 'rollback').length,
          );
          expect(summary.unexpected).toBe([...received].filter((s) => s >= N).length);
          expect(summary.duplicates).toBe(receipts.length - received.size);
          expect(ledger.halves()).toEqual({ committed: committed.length, rolledBack: stored.size - committed.length });
          const lost: number[] = [];
          ledger.forEachLost('g', (producer, seq) => {
            if (producer === 'tx#0') lost.push(seq);
          });
          expect(lost.sort((a, b) => a - b)).toEqual(committed.filter((s) => !received.has(s)).sort((a, b) => a - b));
        },
      ),
    );
  });

  it('without a transactional producer, scopes carry no rolled-back count', () => {
    const ledger = new Ledger(0);
    ledger.registerProducer('plain#0');
    ledger.recordAcked('plain#0', 0);
    expect(ledger.hasTransactions).toBe(false);
    expect(ledger.summarize('g')).not.toHaveProperty('rolledBackDelivered');
  });

  it('a check-back report counts the half, its answer and latency, and whether another instance answered', () => {
    const m = new Measurements(new EventLog(join(mkdtempSync(join(tmpdir(), 'tx-ledger-')), 'events.ndjson')), 0);
    const rates = { commit: 0.5, rollback: 0.5, unknown: 0 };
    m.addProducer('tx#0', undefined, { finalOutcome: (seq) => finalOutcome(rates, 3, 'tx#0', seq) });
    m.handle({
      type: 'check-backs',
      producerId: 'tx#1',
      items: [
        ['tx#0', 0, 1000, 5000, finalOutcome(rates, 3, 'tx#0', 0), ''],
        ['tx#0', 0, 1000, 7000, finalOutcome(rates, 3, 'tx#0', 0), ''],
        ['tx#1', 1, 2000, 3000, 'commit', 'TagA'],
      ],
    });
    const summary = m.checkBacks.summary();
    expect(summary).toMatchObject({ count: 3, halves: 2, byOtherInstance: 2 });
    expect(summary.answers.commit + summary.answers.rollback).toBe(3);
    expect(summary.latency).toMatchObject({ count: 3, max: 6000 });
    const { committed, rolledBack } = m.ledger.halves();
    expect(committed + rolledBack).toBe(1); // tx#1 is not a registered transactional producer
    // ... and tx#1's half, which it proved too: a producer the ledger does not know as transactional.
    m.ledger.registerScope('g');
    expect(m.ledger.summarize('g').acked).toBe(committed + 1);
  });
});
