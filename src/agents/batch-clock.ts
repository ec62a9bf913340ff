/**
 * A receipt batch onto the coordinator's clock, as clock-correction.ts does for a `receipts`
 * message. Integer time columns hold `base + element`, so moving every time of a column is moving
 * its base: exact, and no element is touched. That works when every producer in the batch is on
 * hosts of one offset (whole ms, so on a LAN usually all 0); otherwise, or for an f64 column,
 * the caller takes the receipts one by one (`asReceipts`).
 */
import type { FromWorker } from '../fleet/protocol.ts';
import type { HostClocks } from './clock-correction.ts';
import { decodeReceiptBatch, type ReceiptBatch, receiptAt } from './receipt-batch.ts';

/** The batch with its times moved, or undefined when no single shift per column is right. */
export function shiftedBatch(batch: ReceiptBatch, clocks: HostClocks): ReceiptBatch | undefined {
  const offsets = new Set(batch.producers.map((p) => clocks.producer(p)));
  if (offsets.size > 1) return undefined;
  const bornOffset = offsets.values().next().value ?? 0;
  if (clocks.own === 0 && bornOffset === 0) return batch;
  if (batch.born.type === 'f64' || batch.received.type === 'f64') return undefined;
  return {
    ...batch,
    born: { ...batch.born, base: batch.born.base - bornOffset },
    received: { ...batch.received, base: batch.received.base - clocks.own },
  };
}

/** The batch as the `receipts` message it stands for (the slow path: decoded, receipt by receipt). */
export function asReceipts(batch: ReceiptBatch): Extract<FromWorker, { type: 'receipts' }> {
  const decoded = decodeReceiptBatch(batch);
  const items = Array.from({ length: decoded.count }, (_, i) => receiptAt(decoded, i));
  return { type: 'receipts', instanceId: batch.instanceId, items, foreign: batch.foreign };
}
