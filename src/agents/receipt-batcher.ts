import type { FromWorker, ReceiptTuple } from '../fleet/protocol.ts';
import { encodeReceiptBatch, type ReceiptBatch } from './receipt-batch.ts';

type Receipts = Extract<FromWorker, { type: 'receipts' }>;

interface Pending {
  items: ReceiptTuple[];
  foreign: number;
}

/**
 * What an agent does with its workers' `receipts` messages: gathers each instance's receipts
 * into one batch (receipt-batch.ts) per interval instead of forwarding a message per handler
 * call, so the coordinator's per-message costs (parse, validation, lookups) are paid once per
 * thousands of receipts.
 *
 * The coordinator's view equals that of the same receipts as `receipts` messages in the order
 * the batches arrive (test/unit/run/measurements-receipt-batch.test.ts). An instance's other
 * messages (its `assignment`) must not overtake its receipts: flush(instanceId) before
 * forwarding one.
 */
export class ReceiptBatcher {
  private readonly pending = new Map<string, Pending>();

  /** `maxReceipts`: an instance's receipts are sent once this many are pending, whatever the interval. */
  constructor(private readonly maxReceipts = 4096) {}

  /** Takes a worker's receipts; returns a batch to send now when the instance has maxReceipts pending. */
  add(message: Receipts): ReceiptBatch | undefined {
    let pending = this.pending.get(message.instanceId);
    if (!pending) this.pending.set(message.instanceId, (pending = { items: [], foreign: 0 }));
    for (const item of message.items) pending.items.push(item);
    pending.foreign += message.foreign;
    return pending.items.length >= this.maxReceipts ? this.flush(message.instanceId) : undefined;
  }

  /** The instance's pending receipts as a batch, or undefined when it has none. */
  flush(instanceId: string): ReceiptBatch | undefined {
    const pending = this.pending.get(instanceId);
    if (!pending) return undefined;
    this.pending.delete(instanceId);
    return encodeReceiptBatch(instanceId, pending.items, pending.foreign);
  }

  /** Every instance's pending batch: on the agent's interval and when a worker or the agent stops. */
  flushAll(): ReceiptBatch[] {
    return [...this.pending.keys()].flatMap((instanceId) => this.flush(instanceId) ?? []);
  }
}
