import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/metrics/ledger.ts';
import { delayOfLevel, RetryTimeline, retryDelayLevel } from '../../../src/metrics/retry-timeline.ts';
import { isPoison } from '../../../src/fleet/poison-messages.ts';

const P = 'p#0';

/** A run of one producer into group g, as sets of seqs, and what the ledger must make of it. */
const runArb = fc.record({
  acked: fc.uniqueArray(fc.integer({ min: 0, max: 199 }), { maxLength: 200 }),
  poisonModulus: fc.integer({ min: 2, max: 7 }),
  consumed: fc.uniqueArray(fc.integer({ min: 0, max: 199 }), { maxLength: 200 }),
  readBack: fc.uniqueArray(fc.integer({ min: 0, max: 220 }), { maxLength: 60 }),
  lastFailureSeen: fc.uniqueArray(fc.integer({ min: 0, max: 199 }), { maxLength: 60 }),
  maxReconsumeTimes: fc.integer({ min: 0, max: 4 }),
});

describe('Ledger with dead letters', () => {
  it('counts read-back messages dead-lettered (not lost), poison not read back lost, others unexpected', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const ledger = new Ledger();
        ledger.registerProducer(P);
        const poison = (seq: number) => seq % run.poisonModulus === 0;
        ledger.expectDeadLetters('g', { maxReconsumeTimes: run.maxReconsumeTimes, isPoison: (_p, s) => poison(s) });
        for (const seq of run.acked) ledger.recordAcked(P, seq);
        // Poison messages are never consumed: each delivery answers retry.
        const consumed = run.consumed.filter((seq) => !poison(seq));
        for (const seq of consumed) ledger.recordReceipt('g', P, seq, 'c#0');
        for (const seq of run.lastFailureSeen) {
          for (let times = 0; times <= run.maxReconsumeTimes; times++) {
            ledger.recordReceipt('g', P, seq, 'c#0', false);
            ledger.recordFailure('g', P, seq, times);
          }
        }
        const acked = new Set(run.acked);
        const done = new Set(consumed);
        const settledLive = new Set([...run.lastFailureSeen]);
        // The drain waits for what is neither consumed nor sent back for the last time.
        expect(ledger.outstanding('g')).toBe(run.acked.filter((s) => !done.has(s) && !settledLive.has(s)).length);

        for (const seq of run.readBack) ledger.recordDeadLettered('g', P, seq);
        ledger.markDeadLettersReadBack('g');
        const read = new Set(run.readBack);
        const lost = run.acked.filter((s) => !done.has(s) && !read.has(s));
        const summary = ledger.summarize('g');
        expect(summary.lost).toBe(lost.length);
        const visited: number[] = [];
        ledger.forEachLost('g', (_p, seq) => visited.push(seq));
        expect(visited.sort((a, b) => a - b)).toEqual([...lost].sort((a, b) => a - b));
        for (const id of summary.lostSample) expect(lost).toContain(Number(id.split(':')[1]));

        const expectedPoison = run.acked.filter(poison);
        expect(summary.deadLetters).toMatchObject({
          maxReconsumeTimes: run.maxReconsumeTimes,
          readBack: true,
          expected: expectedPoison.length,
          deadLettered: expectedPoison.filter((s) => read.has(s)).length,
          missing: expectedPoison.filter((s) => !read.has(s)).length,
          unexpected: run.readBack.filter((s) => !(poison(s) && acked.has(s))).length,
        });
        // A poison message missing from the DLQ is lost, and counted in both.
        const missing = summary.deadLetters?.missingSample.map((id) => Number(id.split(':')[1])) ?? [];
        for (const seq of missing) expect(lost).toContain(seq);
        expect(ledger.deadLettersAwaited('g')).toBe(run.lastFailureSeen.filter((s) => !read.has(s)).length);
      }),
    );
  });

  it('marks a message exhausted only at the last failure, and knows poison acked before expectDeadLetters', () => {
    const ledger = new Ledger();
    ledger.registerProducer(P);
    for (const seq of [0, 1, 2, 3]) ledger.recordAcked(P, seq);
    ledger.expectDeadLetters('g', { maxReconsumeTimes: 2, isPoison: (_p, s) => s < 2 });
    ledger.recordFailure('g', P, 0, 0);
    ledger.recordFailure('g', P, 0, 1);
    expect(ledger.outstanding('g')).toBe(4);
    ledger.recordFailure('g', P, 0, 2);
    expect(ledger.outstanding('g')).toBe(3);
    expect(ledger.deadLettersAwaited('g')).toBe(1);
    expect(ledger.summarize('g').deadLetters).toMatchObject({ readBack: false, expected: 2, missing: 2 });
  });

  it('leaves scopes without deadLetter as they were', () => {
    const ledger = new Ledger();
    ledger.recordAcked(P, 0);
    ledger.recordFailure('h', P, 0, 16);
    expect(ledger.summarize('h').deadLetters).toBeUndefined();
    expect(ledger.summarize('h').lost).toBe(1);
    expect(() => ledger.recordDeadLettered('h', P, 0)).toThrow(/no dead letters/);
  });
});

describe('isPoison', () => {
  it('is a pure function of (seed, producer, seq), picks about its share, and not the faultyConsumer set', () => {
    const picks = Array.from({ length: 20_000 }, (_, seq) => isPoison(0.1, 7, P, seq));
    expect(picks.filter(Boolean).length).toBeGreaterThan(1700);
    expect(picks.filter(Boolean).length).toBeLessThan(2300);
    expect(Array.from({ length: 20_000 }, (_, seq) => isPoison(0.1, 7, P, seq))).toEqual(picks);
    expect(Array.from({ length: 200 }, (_, seq) => isPoison(0.1, 8, P, seq))).not.toEqual(picks.slice(0, 200));
    expect(isPoison(0, 7, P, 3)).toBe(false);
    expect(isPoison(1, 7, P, 3)).toBe(true);
  });
});

describe('RetryTimeline', () => {
  const LEVELS = [1000, 5000, 10_000, 30_000, 60_000];

  it('asks level 3 + reconsumeTimes, capped at the last level', () => {
    expect(retryDelayLevel(0)).toBe(3);
    expect(delayOfLevel(LEVELS, 3)).toBe(10_000);
    expect(delayOfLevel(LEVELS, 9)).toBe(60_000);
  });

  it('gives per attempt the observed gaps and their lateness against the level, by scope', () => {
    const t = new RetryTimeline();
    // Two messages of g: attempts 10.2 s and 30.5 s apart, and 10.4 s and 31 s apart.
    for (const [seq, times] of [
      [1, [0, 10_200, 40_700]],
      [2, [100, 10_500, 41_500]],
    ] as const)
      times.forEach((at, k) => t.record('g', P, seq, k, 1_000_000 + at));
    t.record('g', P, 1, 1, 5); // a second delivery of an attempt keeps the first
    t.record('other', P, 1, 0, 0);
    const result = t.result(LEVELS, 'g');
    expect(result.messages).toBe(2);
    expect(result.attempts).toEqual([
      {
        attempt: 1,
        delayLevel: 3,
        expectedMs: 10_000,
        count: 2,
        observedP50Ms: 10_200,
        observedP99Ms: 10_400,
        lateP50Ms: 200,
        lateP99Ms: 400,
      },
      {
        attempt: 2,
        delayLevel: 4,
        expectedMs: 30_000,
        count: 2,
        observedP50Ms: 30_500,
        observedP99Ms: 31_000,
        lateP50Ms: 500,
        lateP99Ms: 1000,
      },
    ]);
    expect(t.result(LEVELS).messages).toBe(3);
  });
});
