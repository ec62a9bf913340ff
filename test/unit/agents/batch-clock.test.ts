import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asReceipts, shiftedBatch } from '../../../src/agents/batch-clock.ts';
import { toCoordinatorClock } from '../../../src/agents/clock-correction.ts';
import { encodeReceiptBatch } from '../../../src/agents/receipt-batch.ts';
import type { ReceiptTuple } from '../../../src/fleet/protocol.ts';

const receipts = fc.array(
  fc.tuple(
    fc.constantFrom('a#0', 'b#0'),
    fc.nat(5000),
    fc.integer({ min: 1_700_000_000_000, max: 1_700_000_100_000 }),
    fc.nat(300),
  ),
  { minLength: 1, maxLength: 40 },
);

const tuples = (rows: [string, number, number, number][]): ReceiptTuple[] =>
  rows.map(([p, seq, born, transit]) => [p, seq, born, born + transit, 't@b/0', 0, 'success', '']);

describe('receipt batches onto the coordinator clock', () => {
  it('moves a batch by its column bases exactly as its receipts would move one by one', () => {
    fc.assert(
      fc.property(
        receipts,
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: -5000, max: 5000 }),
        (rows, own, born) => {
          const items = tuples(rows);
          const clocks = { own, producer: () => born };
          const shifted = shiftedBatch(encodeReceiptBatch('c#0', items, 0), clocks);
          expect(shifted).toBeDefined();
          const expected = toCoordinatorClock({ type: 'receipts', instanceId: 'c#0', items, foreign: 0 }, clocks);
          expect(asReceipts(shifted!)).toEqual(expected);
        },
      ),
    );
  });

  it('declines a batch whose producers sit on hosts of different offsets (the caller goes receipt by receipt)', () => {
    const items = tuples([
      ['a#0', 1, 1_700_000_000_000, 3],
      ['b#0', 1, 1_700_000_000_010, 3],
    ]);
    const clocks = { own: 0, producer: (p: string) => (p === 'b#0' ? 7 : 0) };
    expect(shiftedBatch(encodeReceiptBatch('c#0', items, 0), clocks)).toBeUndefined();
  });
});
