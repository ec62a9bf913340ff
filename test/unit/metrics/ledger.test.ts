import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PagedBitset } from '../../../src/metrics/bitset.ts';
import { Ledger } from '../../../src/metrics/ledger.ts';

describe('PagedBitset', () => {
  it('behaves like a Set of non-negative integers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 500 }), (values) => {
        const bits = new PagedBitset();
        const model = new Set<number>();
        for (const v of values) expect(bits.add(v)).toBe(!model.has(v)), model.add(v);
        expect(bits.size).toBe(model.size);
        for (const v of values) expect(bits.has(v)).toBe(true);
      }),
    );
  });

  it('counts members missing from another set and members above a limit', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 200_000 }), { maxLength: 300 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 200_000 }), { maxLength: 300 }),
        fc.integer({ min: 0, max: 200_001 }),
        (a, b, limit) => {
          const A = new PagedBitset();
          const B = new PagedBitset();
          a.forEach((v) => A.add(v));
          b.forEach((v) => B.add(v));
          const sample: number[] = [];
          expect(A.countMissingFrom(B, sample, 5)).toBe(a.filter((v) => !b.includes(v)).length);
          for (const s of sample) expect(a.includes(s) && !b.includes(s)).toBe(true);
          expect(A.countAtOrAbove(limit)).toBe(a.filter((v) => v >= limit).length);
        },
      ),
    );
  });
});

describe('Ledger with a selection (SQL92 subscriptions)', () => {
  it('expects exactly the acked messages selected, and counts acked receipts it did not select as unexpected', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 100 }),
        fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 300 }),
        fc.integer({ min: 2, max: 5 }),
        (acked, receipts, modulus) => {
          const ledger = new Ledger();
          ledger.registerProducer('p#0');
          ledger.recordAttempted('p#0', 100);
          const tagOf = (seq: number) => (seq % 2 === 0 ? 'A' : '');
          for (const seq of acked) ledger.recordAcked('p#0', seq, tagOf(seq));
          // Picks by seq and tag both, so a selection that ignored either would disagree.
          const select = (seq: number, tag: string) => seq % modulus === 0 || tag === 'A';
          ledger.expect('g', new Map([['p#0', { select }]]));
          for (const seq of receipts) ledger.recordReceipt('g', 'p#0', seq, 'c#0');
          const expected = acked.filter((seq) => select(seq, tagOf(seq)));
          const received = new Set(receipts);
          const summary = ledger.summarize('g');
          expect(summary.acked).toBe(expected.length);
          expect(summary.lost).toBe(expected.filter((seq) => !received.has(seq)).length);
          expect(ledger.outstanding('g')).toBe(summary.lost);
          const ackedSet = new Set(acked);
          expect(summary.unexpected).toBe(
            [...received].filter((seq) => seq >= 100 || (ackedSet.has(seq) && !select(seq, tagOf(seq)))).length,
          );
        },
      ),
    );
  });
});

describe('Ledger', () => {
  const receiptsArb = fc.array(
    fc.tuple(fc.constantFrom('p#0', 'p#1', 'ghost#0'), fc.integer({ min: 0, max: 120 }), fc.constantFrom('c#0', 'c#1')),
    { maxLength: 400 },
  );

  it('matches a naive model for loss, duplicates, unexpected and per-instance counts', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 100 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 100 }),
        receiptsArb,
        (acked0, acked1, receipts) => {
          const ledger = new Ledger();
          const acked: Record<string, number[]> = { 'p#0': acked0, 'p#1': acked1 };
          // Both producers attempted 0..99; receipts above 99 or from ghost#0 are unexpected.
          for (const [producer, seqs] of Object.entries(acked)) {
            ledger.registerProducer(producer);
            ledger.recordAttempted(producer, 100);
            for (const seq of seqs) ledger.recordAcked(producer, seq);
          }
          const seen = new Set<string>();
          let duplicates = 0;
          const perInstance: Record<string, number> = {};
          for (const [producer, seq, instance] of receipts) {
            const kind = ledger.recordReceipt('g', producer, seq, instance);
            const key = `${producer}:${seq}`;
            expect(kind).toBe(seen.has(key) ? 'duplicate' : 'first');
            if (seen.has(key)) duplicates++;
            seen.add(key);
            perInstance[instance] = (perInstance[instance] ?? 0) + 1;
          }
          const summary = ledger.summarize('g');
          const ackedKeys = Object.entries(acked).flatMap(([p, seqs]) => seqs.map((s) => `${p}:${s}`));
          expect(summary.acked).toBe(ackedKeys.length);
          expect(summary.lost).toBe(ackedKeys.filter((k) => !seen.has(k)).length);
          expect(summary.duplicates).toBe(duplicates);
          expect(summary.unique).toBe(seen.size);
          expect(summary.receipts).toBe(receipts.length);
          expect(summary.unexpected).toBe(
            [...seen].filter((k) => k.startsWith('ghost') || Number(k.split(':')[1]) >= 100).length,
          );
          expect(summary.perInstance).toEqual(perInstance);
          expect(ledger.outstanding('g')).toBe(ackedKeys.filter((k) => !seen.has(k)).length);
          for (const id of summary.lostSample) expect(ackedKeys.includes(id) && !seen.has(id)).toBe(true);
        },
      ),
    );
  });

  it('keeps scopes apart: a message counts once per group', () => {
    const ledger = new Ledger();
    ledger.recordAcked('p#0', 0);
    expect(ledger.recordReceipt('a', 'p#0', 0, 'a#0')).toBe('first');
    expect(ledger.recordReceipt('b', 'p#0', 0, 'b#0')).toBe('first');
    expect(ledger.recordReceipt('a', 'p#0', 0, 'a#1')).toBe('duplicate');
    expect(ledger.summarize('b').duplicates).toBe(0);
  });

  it('expects only the tags and producers a scope subscribes to', () => {
    const ledger = new Ledger();
    ['TagA', 'TagB', 'TagA', '', 'TagB'].forEach((tag, seq) => ledger.recordAcked('p#0', seq, tag));
    ledger.recordAcked('other-topic#0', 0);
    ledger.expect('narrow', new Map([['p#0', new Set(['TagA'])]]));
    ledger.recordReceipt('narrow', 'p#0', 0, 'c#0');
    expect(ledger.summarize('narrow')).toMatchObject({ acked: 2, lost: 1, lostSample: ['p#0:2'] });
    expect(ledger.outstanding('narrow')).toBe(1);
    ledger.expect('wide', new Map([['p#0', '*']]));
    expect(ledger.summarize('wide')).toMatchObject({ acked: 5, lost: 5 });
    // Without an expectation a scope expects everything.
    expect(ledger.summarize('all')).toMatchObject({ acked: 6, lost: 6 });
  });

  it('a delivery answered retry is received but not consumed until a redelivery succeeds', () => {
    const ledger = new Ledger();
    ledger.recordAcked('p#0', 0);
    expect(ledger.recordReceipt('g', 'p#0', 0, 'c#0', false)).toBe('first');
    expect(ledger.outstanding('g')).toBe(1);
    expect(ledger.summarize('g')).toMatchObject({ unique: 1, lost: 1, duplicates: 0 });
    expect(ledger.recordReceipt('g', 'p#0', 0, 'c#0', true)).toBe('duplicate');
    expect(ledger.outstanding('g')).toBe(0);
    expect(ledger.summarize('g')).toMatchObject({ unique: 1, lost: 0, duplicates: 1, receipts: 2 });
  });

  it('counts foreign receipts as unexpected', () => {
    const ledger = new Ledger();
    ledger.recordForeign('g', 'c#0', 3);
    expect(ledger.summarize('g')).toMatchObject({ unexpected: 3, receipts: 3, unique: 0 });
  });

  it('stays at bits per message', () => {
    const ledger = new Ledger();
    for (let seq = 0; seq < 1_000_000; seq++) {
      ledger.recordAcked('p#0', seq);
      ledger.recordReceipt('g', 'p#0', seq, 'c#0');
    }
    // Three bitsets (acked, received, consumed) of a million bits each, plus acked-by-tag:
    // about 0.5 MB, far from a million objects.
    expect(ledger.bytes()).toBeLessThan(600_000);
    expect(ledger.summarize('g').lost).toBe(0);
  });
});
