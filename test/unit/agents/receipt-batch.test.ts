import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeReceiptBatch,
  encodeReceiptBatch,
  parseReceiptBatch,
  type ReceiptBatch,
  ReceiptBatchError,
  receiptAt,
} from '../../../src/agents/receipt-batch.ts';
import type { ReceiptTuple } from '../../../src/fleet/protocol.ts';

const EPOCH = 1_765_000_000_000;
const Q = 'orders@broker-a/0';

const receipt: fc.Arbitrary<ReceiptTuple> = fc.tuple(
  fc.constantFrom('p#0', 'p#1', 'orders#12'),
  fc.oneof(fc.nat(1000), fc.constant(0xffffffff)),
  fc.oneof(fc.integer({ min: EPOCH, max: EPOCH + 100_000 }), fc.double({ min: 0, max: 2 * EPOCH, noNaN: true })),
  fc.oneof(
    fc.integer({ min: EPOCH - 10, max: EPOCH + 10_000_000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  ),
  fc.constantFrom(Q, 'orders@broker-b/3', 'refunds@broker-a/1'),
  fc.oneof(fc.nat(20), fc.integer()),
  fc.constantFrom('success' as const, 'retry' as const),
  fc.constantFrom('', 'TagA', 'TagB'),
);

/** As the coordinator gets it: JSON, validated, decoded. */
const roundTrip = (batch: ReceiptBatch) => decodeReceiptBatch(parseReceiptBatch(JSON.parse(JSON.stringify(batch))));

function oneReceipt(seq = 1): ReceiptBatch {
  return encodeReceiptBatch('c#0', [['p#0', seq, EPOCH, EPOCH + 3, Q, 0, 'success', '']], 0);
}

/** A column replaced by raw bytes of a type. */
function withColumn(
  batch: ReceiptBatch,
  name: 'seq' | 'born' | 'producer' | 'reconsumeTimes',
  type: 'u8' | 'f64',
  base: number,
  bytes: Buffer,
) {
  return { ...batch, [name]: { type, base, data: bytes.toString('base64') } };
}

describe('receipt batches', () => {
  it('give back every receipt exactly, through JSON', () => {
    fc.assert(
      fc.property(fc.array(receipt, { maxLength: 60 }), fc.nat(5), (items, foreign) => {
        const decoded = roundTrip(encodeReceiptBatch('billing#3', items, foreign));
        expect(decoded.instanceId).toBe('billing#3');
        expect(decoded.foreign).toBe(foreign);
        expect(Array.from({ length: decoded.count }, (_, i) => receiptAt(decoded, i))).toStrictEqual(items);
      }),
      { numRuns: 300 },
    );
  });

  it('take the narrowest column: whole-ms times against the earliest, f64 only for a fraction', () => {
    const items: ReceiptTuple[] = [0, 1, 2].map((i) => [
      'p#0',
      1000 + i,
      EPOCH + i,
      EPOCH + 300 + i,
      Q,
      0,
      'success',
      '',
    ]);
    const batch = encodeReceiptBatch('c#0', items, 0);
    expect(batch.seq).toMatchObject({ type: 'u8', base: 1000 });
    expect(batch.born).toMatchObject({ type: 'u8', base: EPOCH });
    expect(batch.received).toMatchObject({ type: 'u8', base: EPOCH + 300 });
    expect(batch.producer).toMatchObject({ type: 'u8', base: 0 });
    items[1]![3] = EPOCH + 70_000;
    expect(encodeReceiptBatch('c#0', items, 0).received.type).toBe('u32');
    items[1]![3] = EPOCH + 0.5;
    expect(encodeReceiptBatch('c#0', items, 0).received).toMatchObject({ type: 'f64', base: 0 });
  });

  it('refuse a seq past 2^32 - 1 when encoding', () => {
    expect(() => encodeReceiptBatch('c#0', [['p#0', 2 ** 32, EPOCH, EPOCH, Q, 0, 'success', '']], 0)).toThrow(
      ReceiptBatchError,
    );
  });

  const refusals: [string, () => unknown, RegExp][] = [
    ['another format', () => parseReceiptBatch({ ...oneReceipt(), format: 2 }), /format/],
    ['a field too many', () => parseReceiptBatch({ ...oneReceipt(), extra: 1 }), /Unrecognized key/],
    [
      'a column too short for count',
      () => roundTrip({ ...oneReceipt(), count: 2 }),
      /producer: 4 base64 characters \(1 bytes\), expected 2 bytes/,
    ],
    [
      'a huge count, before allocating it',
      () => roundTrip({ ...oneReceipt(), count: 2 ** 31 }),
      /producer: 4 base64 characters, expected/,
    ],
    ['a base64 character that is not one', () => roundTrip({ ...oneReceipt(), retry: 'A!==' }), /retry: 4 base64/],
    ['a producer past the dictionary', () => roundTrip({ ...oneReceipt(), producers: [] }), /producer\[0\] is 0, past/],
    [
      'an unused dictionary entry',
      () => roundTrip({ ...oneReceipt(), tags: ['', 'TagA'] }),
      /2 dictionary entries, 1 used/,
    ],
    [
      'a dictionary entry twice',
      () => {
        const batch = encodeReceiptBatch(
          'c#0',
          [
            ['p#0', 1, EPOCH, EPOCH, Q, 0, 'success', ''],
            ['p#1', 1, EPOCH, EPOCH, Q, 0, 'success', ''],
          ],
          0,
        );
        return roundTrip({ ...batch, producers: ['p#0', 'p#0'] });
      },
      /appears twice/,
    ],
    [
      'indices out of first-use order',
      () =>
        roundTrip(withColumn({ ...oneReceipt(), producers: ['a', 'b'], count: 1 }, 'producer', 'u8', 1, Buffer.of(0))),
      /used before entry 0/,
    ],
    [
      'a retry bit past the last receipt',
      () => roundTrip({ ...oneReceipt(), retry: Buffer.of(2).toString('base64') }),
      /past the last/,
    ],
    [
      'a time that is not finite',
      () => roundTrip(withColumn(oneReceipt(), 'born', 'f64', 0, Buffer.from(new Float64Array([Number.NaN]).buffer))),
      /born\[0\] is NaN/,
    ],
    [
      'an f64 column with a base',
      () => roundTrip(withColumn(oneReceipt(), 'born', 'f64', 5, Buffer.from(new Float64Array([1]).buffer))),
      /base 0, not 5/,
    ],
    [
      'a reconsumeTimes with a fraction',
      () =>
        roundTrip(withColumn(oneReceipt(), 'reconsumeTimes', 'f64', 0, Buffer.from(new Float64Array([0.5]).buffer))),
      /reconsumeTimes\[0\] is 0.5, not an integer/,
    ],
    ['a negative seq', () => roundTrip(withColumn(oneReceipt(), 'seq', 'u8', -3, Buffer.of(1))), /seq\[0\] is -2/],
    [
      'a seq with a fraction',
      () => roundTrip(withColumn(oneReceipt(), 'seq', 'f64', 0, Buffer.from(new Float64Array([1.5]).buffer))),
      /seq\[0\] is 1.5/,
    ],
  ];
  for (const [what, attempt, message] of refusals)
    it(`refuse ${what}, naming it`, () => {
      expect(attempt).toThrow(ReceiptBatchError);
      expect(attempt).toThrow(message);
    });
});
