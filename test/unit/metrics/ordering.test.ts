import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KEYS_LISTED,
  OrderingCheck,
  type OrderingContext,
  type OrderingResult,
  UNCHECKED_ORDERING,
} from '../../../src/metrics/ordering.ts';

const EPOCH = 1_700_000_000_000;

interface Delivery {
  scope: string;
  producerId: string;
  seq: number;
  /** Ms since EPOCH. */
  at: number;
}

const ORDERED = new Map([
  ['p#0', 3],
  ['p#1', 1],
]);
const SCOPES = ['g', 'b/b#0'];
const windowOf = (at: number) => `w${Math.floor((at - EPOCH) / 250)}`;

function contextFor(acked: ReadonlySet<string>, feeds: (producerId: string) => boolean): OrderingContext {
  return { isAcked: (p, seq) => acked.has(`${p}:${seq}`), feeds, windowAt: windowOf };
}

function run(deliveries: readonly Delivery[], scope: string, context: OrderingContext): OrderingResult {
  const check = new OrderingCheck(EPOCH);
  for (const [producerId, keys] of ORDERED) check.registerProducer(producerId, keys);
  for (const d of deliveries) check.recordDelivery(d.scope, d.producerId, d.seq, EPOCH + d.at);
  return check.result(scope, context);
}

/** The definition, written out plainly: every delivery kept, sorted, compared pairwise. */
function reference(deliveries: readonly Delivery[], scope: string, context: OrderingContext): OrderingResult {
  const fed = [...ORDERED].filter(([p]) => context.feeds(p));
  if (fed.length === 0) return UNCHECKED_ORDERING;
  const before = (a: { at: number; arrival: number }, b: { at: number; arrival: number }) =>
    a.at < b.at || (a.at === b.at && a.arrival < b.arrival);
  const mine = deliveries
    .map((d, arrival) => ({ ...d, arrival }))
    .filter((d) => d.scope === scope && ORDERED.has(d.producerId) && context.isAcked(d.producerId, d.seq));
  const first = new Map<string, (typeof mine)[number]>();
  for (const d of mine) {
    const id = `${d.producerId}:${d.seq}`;
    const kept = first.get(id);
    if (!kept || before(d, kept)) first.set(id, d);
  }
  const cells = new Map<string, { window: string; reordered: number; redeliveredOutOfOrder: number; at: number }>();
  const cell = (at: number) => {
    const window = windowOf(EPOCH + at);
    const c = cells.get(window) ?? { window, reordered: 0, redeliveredOutOfOrder: 0, at };
    c.at = Math.min(c.at, at);
    cells.set(window, c);
    return c;
  };
  let reordered = 0;
  let worstGap = 0;
  let redelivered = 0;
  const keys: string[] = [];
  for (const [producerId, shardingKeys] of fed) {
    for (let key = 0; key < shardingKeys; key++) {
      const ofKey = mine.filter((d) => d.producerId === producerId && d.seq % shardingKeys === key);
      const firsts = ofKey
        .filter((d) => first.get(`${producerId}:${d.seq}`) === d)
        .sort((a, b) => (before(a, b) ? -1 : 1));
      let affected = false;
      firsts.forEach((d, i) => {
        const higher = firsts.slice(0, i).filter((e) => e.seq > d.seq);
        if (higher.length === 0) return;
        reordered++;
        affected = true;
        worstGap = Math.max(worstGap, Math.max(...higher.map((e) => e.seq)) - d.seq);
        cell(d.at).reordered++;
      });
      if (affected) keys.push(`${producerId}/${key}`);
      for (const d of ofKey.filter((x) => first.get(`${producerId}:${x.seq}`) !== x)) {
        if (firsts.some((f) => f.seq > d.seq && before(f, d))) {
          redelivered++;
          cell(d.at).redeliveredOutOfOrder++;
        }
      }
    }
  }
  return {
    checked: true,
    reordered,
    keysAffected: keys.length,
    keys: keys.slice(0, KEYS_LISTED),
    worstGap,
    redeliveredOutOfOrder: redelivered,
    byWindow: [...cells.values()]
      .sort((a, b) => a.at - b.at)
      .map(({ window, reordered: r, redeliveredOutOfOrder: o }) => ({
        window,
        reordered: r,
        redeliveredOutOfOrder: o,
      })),
  };
}

const deliveryArb = fc.record({
  scope: fc.constantFrom(...SCOPES),
  producerId: fc.constantFrom('p#0', 'p#1', 'u#0'),
  seq: fc.integer({ min: 0, max: 40 }),
  at: fc.integer({ min: 0, max: 1000 }),
});
const ackedArb = fc
  .uniqueArray(fc.tuple(fc.constantFrom('p#0', 'p#1', 'u#0'), fc.integer({ min: 0, max: 40 })), { maxLength: 200 })
  .map((pairs) => new Set(pairs.map(([p, s]) => `${p}:${s}`)));
const feedsArb = fc.subarray(['p#0', 'p#1', 'u#0']).map((fed) => (p: string) => fed.includes(p));

describe('OrderingCheck', () => {
  it('agrees with the brute-force definition on any delivery sequence', () => {
    fc.assert(
      fc.property(fc.array(deliveryArb, { maxLength: 150 }), ackedArb, feedsArb, (deliveries, acked, feeds) => {
        const context = contextFor(acked, feeds);
        for (const scope of SCOPES)
          expect(run(deliveries, scope, context)).toEqual(reference(deliveries, scope, context));
      }),
    );
  });

  it('does not depend on the order receipts reach the coordinator when their times differ', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(deliveryArb, { maxLength: 150, selector: (d) => d.at }),
        fc.array(fc.nat()),
        ackedArb,
        (deliveries, keys, acked) => {
          // A shuffle: each delivery sorted by a random key.
          const shuffled = deliveries
            .map((d, i) => ({ d, k: keys[i] ?? i }))
            .sort((a, b) => a.k - b.k)
            .map(({ d }) => d);
          const context = contextFor(acked, () => true);
          for (const scope of SCOPES) expect(run(shuffled, scope, context)).toEqual(run(deliveries, scope, context));
        },
      ),
    );
  });

  it('breaks ties in receipt time by arrival, as one worker sends receipts in delivery order', () => {
    const acked = new Set(['p#1:0', 'p#1:1']);
    const context = contextFor(acked, () => true);
    const at = 10;
    const inOrder = run(
      [
        { scope: 'g', producerId: 'p#1', seq: 0, at },
        { scope: 'g', producerId: 'p#1', seq: 1, at },
      ],
      'g',
      context,
    );
    expect(inOrder.reordered).toBe(0);
    const swapped = run(
      [
        { scope: 'g', producerId: 'p#1', seq: 1, at },
        { scope: 'g', producerId: 'p#1', seq: 0, at },
      ],
      'g',
      context,
    );
    expect(swapped).toMatchObject({ reordered: 1, worstGap: 1, keys: ['p#1/0'] });
  });

  it('tells a reordering from a replay after a rebalance', () => {
    const acked = new Set([0, 1, 2, 3, 4, 5].map((s) => `p#1:${s}`));
    const d = (seq: number, at: number): Delivery => ({ scope: 'g', producerId: 'p#1', seq, at });
    // 0..3 in order, then the new holder replays 1 and 2 (at 600, window w2), then 5 before 4.
    const result = run([d(0, 1), d(1, 2), d(2, 3), d(3, 4), d(1, 600), d(2, 601), d(5, 602), d(4, 603)], 'g', {
      ...contextFor(acked, () => true),
    });
    expect(result).toEqual({
      checked: true,
      reordered: 1,
      keysAffected: 1,
      keys: ['p#1/0'],
      worstGap: 1,
      redeliveredOutOfOrder: 2,
      byWindow: [{ window: 'w2', reordered: 1, redeliveredOutOfOrder: 2 }],
    });
  });

  it('ignores unacked messages and unordered producers; off when no ordered producer feeds the scope', () => {
    const d = (producerId: string, seq: number, at: number): Delivery => ({ scope: 'g', producerId, seq, at });
    const deliveries = [d('p#1', 1, 1), d('p#1', 0, 2), d('u#0', 1, 1), d('u#0', 0, 2)];
    expect(
      run(
        deliveries,
        'g',
        contextFor(new Set(['p#1:0']), () => true),
      ).reordered,
    ).toBe(0);
    expect(
      run(
        deliveries,
        'g',
        contextFor(new Set(['p#1:0', 'p#1:1']), () => true),
      ).reordered,
    ).toBe(1);
    expect(
      run(
        deliveries,
        'g',
        contextFor(new Set(['u#0:0', 'u#0:1']), (p) => p === 'u#0'),
      ),
    ).toEqual(UNCHECKED_ORDERING);
  });

  it('keeps a million in-order deliveries in typed arrays and judges them quickly', () => {
    const check = new OrderingCheck(EPOCH);
    check.registerProducer('p#0', 16);
    const n = 1_000_000;
    for (let seq = 0; seq < n; seq++) check.recordDelivery('g', 'p#0', seq, EPOCH + Math.floor(seq / 10));
    expect(check.bytes()).toBeLessThan(n * 9);
    const result = check.result('g', { isAcked: () => true, feeds: () => true, windowAt: () => 'load' });
    expect(result).toMatchObject({ checked: true, reordered: 0, redeliveredOutOfOrder: 0 });
  });
});
