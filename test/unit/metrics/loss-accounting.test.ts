import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssignmentHistory } from '../../../src/metrics/assignment-history.ts';
import { PagedBitset } from '../../../src/metrics/bitset.ts';
import { Ledger } from '../../../src/metrics/ledger.ts';
import { BreakdownBuilder, NOBODY, NO_TAG, type LostMessage } from '../../../src/metrics/loss-breakdown.ts';
import { MessageOrigins } from '../../../src/metrics/message-origins.ts';

describe('PagedBitset.forEachMissingFrom', () => {
  it('visits exactly the members missing from the other set, ascending', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 200_000 }), { maxLength: 300 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 200_000 }), { maxLength: 300 }),
        (a, b) => {
          const left = new PagedBitset();
          const right = new PagedBitset();
          for (const v of a) left.add(v);
          for (const v of b) right.add(v);
          const visited: number[] = [];
          left.forEachMissingFrom(right, (i) => visited.push(i));
          const expected = a.filter((v) => !b.includes(v)).sort((x, y) => x - y);
          expect(visited).toEqual(expected);
        },
      ),
    );
  });
});

describe('MessageOrigins', () => {
  it('gives back the queue, tag and send time of every recorded message, across pages and producers', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            producer: fc.constantFrom('p#0', 'p#1'),
            seq: fc.integer({ min: 0, max: 100_000 }),
            queue: fc.constantFrom('a@broker-a/0', 'a@broker-a/1', 'b@broker-b/7'),
            tag: fc.constantFrom('', 'TagA', 'TagB'),
            sentAt: fc.integer({ min: 1_000_000, max: 1_000_000 + 86_400_000 }),
          }),
          { maxLength: 200 },
        ),
        (records) => {
          const origins = new MessageOrigins(1_000_000);
          const last = new Map<string, (typeof records)[number]>();
          for (const r of records) {
            origins.record(r.producer, r.seq, r.queue, r.tag, r.sentAt);
            last.set(`${r.producer}:${r.seq}`, r);
          }
          for (const r of last.values())
            expect(origins.of(r.producer, r.seq)).toEqual({ queue: r.queue, tag: r.tag, sentAt: r.sentAt });
        },
      ),
    );
  });

  it('knows nothing of a message it was not told about', () => {
    const origins = new MessageOrigins(0);
    origins.record('p#0', 5, 'a@b/0', '', 10);
    expect(origins.of('p#0', 6)).toBeUndefined();
    expect(origins.of('p#1', 5)).toBeUndefined();
    expect(origins.of('p#0', 1 << 20)).toBeUndefined();
  });
});

describe('AssignmentHistory', () => {
  it('names who held a queue at a time, the later taker winning an overlap, nobody before or after', () => {
    const h = new AssignmentHistory();
    h.record('g', 'c#0', ['t@b/0', 't@b/1'], 100);
    h.record('g', 'c#1', ['t@b/1'], 200); // c#1 takes q1 before c#0 lets go
    h.record('g', 'c#0', ['t@b/0'], 250);
    h.record('g', 'c#0', [], 400);
    expect(h.holderAt('g', 't@b/0', 50)).toBeUndefined();
    expect(h.holderAt('g', 't@b/0', 100)).toBe('c#0');
    expect(h.holderAt('g', 't@b/1', 150)).toBe('c#0');
    expect(h.holderAt('g', 't@b/1', 220)).toBe('c#1');
    expect(h.holderAt('g', 't@b/1', 300)).toBe('c#1');
    expect(h.holderAt('g', 't@b/0', 399)).toBe('c#0');
    expect(h.holderAt('g', 't@b/0', 400)).toBeUndefined();
    expect(h.holderAt('other', 't@b/0', 150)).toBeUndefined();
  });
});

describe('Ledger.forEachLost', () => {
  it('visits exactly the expected messages never consumed, as many as summarize counts lost', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.boolean()), { maxLength: 300 }),
        (acked, receipts) => {
          const ledger = new Ledger(0);
          for (const seq of acked) ledger.recordAcked('p#0', seq, seq % 3 === 0 ? 'A' : 'B');
          ledger.expect('g', new Map([['p#0', new Set(['A'])]]));
          for (const [seq, ok] of receipts) ledger.recordReceipt('g', 'p#0', seq, 'c#0', ok);
          const lost: number[] = [];
          ledger.forEachLost('g', (_, seq) => lost.push(seq));
          const consumed = new Set(receipts.filter(([, ok]) => ok).map(([seq]) => seq));
          const expected = acked.filter((s) => s % 3 === 0 && !consumed.has(s)).sort((a, b) => a - b);
          expect(lost.sort((a, b) => a - b)).toEqual(expected);
          expect(ledger.summarize('g').lost).toBe(expected.length);
        },
      ),
    );
  });
});

describe('BreakdownBuilder', () => {
  const lost = (seq: number, over: Partial<LostMessage> = {}): LostMessage => ({
    producerId: 'p#0',
    seq,
    queue: 'refunds@broker-a/3',
    tag: '',
    holder: undefined,
    window: 'load',
    sentAt: 1_000 + seq * 100,
    offsetReused: false,
    withHost: undefined,
    ...over,
  });

  it('counts each lost message once per dimension, with ids, and sums to the total in every table', () => {
    const b = new BreakdownBuilder(0);
    for (let seq = 0; seq < 30; seq++) b.addLost(lost(seq, seq % 2 ? { queue: 'refunds@broker-a/5', tag: 'T' } : {}));
    b.addLost(lost(99, { queue: 'orders@broker-a/0', holder: 'billing#1', window: 'network-down x at 3.0s' }));
    b.addDuplicate({
      producerId: 'p#0',
      seq: 7,
      queue: 'orders@broker-a/0',
      tag: '',
      instance: 'billing#2',
      window: 'retry',
      receivedAt: 4_000,
    });
    const out = b.build(10_000);
    for (const table of [out.byTopic, out.byTag, out.byQueue, out.byInstance, out.byWindow]) {
      expect(table.reduce((n, c) => n + c.lost, 0)).toBe(31);
      expect(table.reduce((n, c) => n + c.duplicates, 0)).toBe(1);
    }
    expect(out.byTopic.map((c) => [c.key, c.lost, c.duplicates])).toEqual([
      ['refunds', 30, 0],
      ['orders', 1, 1],
    ]);
    expect(out.byTag.find((c) => c.key === NO_TAG)?.lost).toBe(16);
    expect(out.byInstance.find((c) => c.key === NOBODY)?.lost).toBe(30);
    expect(out.byQueue[0]!.lostIds).toHaveLength(15);
    expect(out.byTopic[0]!.lostIds).toHaveLength(20); // capped
    expect(out.byTopic[1]!.duplicateIds).toEqual(['p#0:7']);
    expect(b.lost().reduce((n, c) => n + c.count, 0)).toBe(31);
  });

  it('draws a heat strip of at most 60 columns whose cells sum to the counts', () => {
    const b = new BreakdownBuilder(0);
    for (let seq = 0; seq < 500; seq++) b.addLost(lost(seq, { sentAt: seq * 1_000 }));
    const heat = b.build(500_000).heat;
    expect(heat.columns).toBeLessThanOrEqual(60);
    expect(heat.bucketMs).toBe(10_000);
    expect(heat.queues).toHaveLength(1);
    expect(heat.queues[0]!.lost.reduce((a, n) => a + n, 0)).toBe(500);
    expect(heat.queues[0]!.lost[0]).toBe(10);
  });
});
