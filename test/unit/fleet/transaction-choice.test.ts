/**
 * The transactional producer's choices: pure functions of (seed, producer, seq), in the plan's
 * shares, with a check-back answering a decided message's own outcome and resolving unknown
 * ones to commit or rollback; finalOutcome is what the ledger expects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultyPoint } from '../../../src/fleet/faulty-consumer.ts';
import {
  checkAnswer,
  finalOutcome,
  localOutcome,
  type TransactionRates,
} from '../../../src/fleet/transaction-choice.ts';

const RATES: TransactionRates = { commit: 0.8, rollback: 0.1, unknown: 0.1 };

const shares = fc
  .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([a, b]): TransactionRates => {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    return { commit: lo, rollback: hi - lo, unknown: 1 - hi };
  });

describe('transaction choices', () => {
  it('are pure: the same answers for the same (seed, producer, seq), whoever asks', () => {
    fc.assert(
      fc.property(shares, fc.integer(), fc.string(), fc.nat(), (rates, seed, producer, seq) => {
        expect(localOutcome(rates, seed, producer, seq)).toBe(localOutcome({ ...rates }, seed, producer, seq));
        expect(checkAnswer(rates, seed, producer, seq)).toBe(checkAnswer({ ...rates }, seed, producer, seq));
      }),
    );
  });

  it('pick commit below `commit`, rollback up to commit + rollback, unknown above', () => {
    fc.assert(
      fc.property(shares, fc.integer(), fc.nat(), (rates, seed, seq) => {
        const point = faultyPoint(seed, 'tx:p#0', seq);
        const expected =
          point < rates.commit ? 'commit' : point < rates.commit + rates.rollback ? 'rollback' : 'unknown';
        expect(localOutcome(rates, seed, 'p#0', seq)).toBe(expected);
      }),
    );
  });

  it('a check-back answers a decided message its own outcome; finalOutcome is the check-back answer', () => {
    fc.assert(
      fc.property(shares, fc.integer(), fc.nat(), (rates, seed, seq) => {
        const local = localOutcome(rates, seed, 'p#1', seq);
        const answer = checkAnswer(rates, seed, 'p#1', seq);
        if (local !== 'unknown') expect(answer).toBe(local);
        expect(finalOutcome(rates, seed, 'p#1', seq)).toBe(answer);
      }),
    );
  });

  it('keeps the plan shares over many messages, and resolves unknown ones in the commit : rollback proportion', () => {
    const n = 20_000;
    const counts = { commit: 0, rollback: 0, unknown: 0 };
    const resolved = { commit: 0, rollback: 0 };
    for (let seq = 0; seq < n; seq++) {
      const local = localOutcome(RATES, 7, 'orders#0', seq);
      counts[local]++;
      if (local === 'unknown') resolved[checkAnswer(RATES, 7, 'orders#0', seq)]++;
    }
    expect(counts.commit / n).toBeCloseTo(0.8, 1);
    expect(counts.rollback / n).toBeCloseTo(0.1, 1);
    expect(counts.unknown / n).toBeCloseTo(0.1, 1);
    // 8 : 1 of the unknown ones commit (0.889), with the sampling error of about 2000 draws.
    expect(resolved.commit / (resolved.commit + resolved.rollback)).toBeGreaterThan(0.85);
    expect(resolved.commit / (resolved.commit + resolved.rollback)).toBeLessThan(0.93);
  });

  it('all unknown: every check-back commits (there is no proportion to follow)', () => {
    const rates = { commit: 0, rollback: 0, unknown: 1 };
    for (let seq = 0; seq < 50; seq++) expect(checkAnswer(rates, 1, 'p#0', seq)).toBe('commit');
  });
});
