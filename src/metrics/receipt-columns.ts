/**
 * Receipts of one consumer instance as columns, what the metrics fold a batch from without a
 * tuple per receipt (the agents' receipt batches decode to this, src/agents/receipt-batch.ts).
 * Receipt i: producer `producers[producer[i]]`, `seq[i]`, born and received at `born[i]` and
 * `received[i]` (epoch ms), from `queues[queue[i]]`, answered retry when bit i of `retry` is set.
 */
export interface ReceiptColumns {
  readonly count: number;
  readonly producers: readonly string[];
  readonly queues: readonly string[];
  readonly producer: Uint32Array;
  readonly seq: Uint32Array;
  readonly born: Float64Array;
  readonly received: Float64Array;
  readonly queue: Uint32Array;
  /** Bit i (byte i >>> 3, bit i & 7): receipt i was answered retry. */
  readonly retry: Uint8Array;
}

/** Whether bit i of a packed bitset is set. */
export function bitAt(bits: Uint8Array, i: number): boolean {
  return ((bits[i >>> 3]! >>> (i & 7)) & 1) === 1;
}

/** Sets bit i of a packed bitset. */
export function setBit(bits: Uint8Array, i: number): void {
  bits[i >>> 3] = bits[i >>> 3]! | (1 << (i & 7));
}
