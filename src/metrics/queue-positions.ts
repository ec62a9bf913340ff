/**
 * Which queue offsets the brokers handed out in their send acks, to catch one offset given to
 * two different messages. A broker assigns each queue's offsets in order and never twice, so
 * a second ack for a position already acked means the commit log that held the first message
 * was cut back and the offsets reused: a master that was deposed while it still took writes
 * (split brain), or an unreplicated tail lost when a slave took over. The acked message at
 * such a position that never arrives is lost for that reason, whichever of the two it was.
 *
 * One bit per acked offset per queue (PagedBitset), and a set of the reused offsets only,
 * so the cost follows the message count, not one object per message.
 */
import { PagedBitset } from './bitset.ts';
import { isKnownQueue } from './queue-keys.ts';

export class QueuePositions {
  private readonly acked = new Map<string, PagedBitset>();
  private readonly reused = new Map<string, Set<number>>();

  /** Notes an ack at `offset` of `queue`; an unknown offset (-1) or queue (gRPC acks) is ignored. */
  record(queue: string, offset: number): void {
    if (offset < 0 || !Number.isSafeInteger(offset) || !isKnownQueue(queue)) return;
    let bits = this.acked.get(queue);
    if (!bits) this.acked.set(queue, (bits = new PagedBitset()));
    if (bits.add(offset)) return;
    let offsets = this.reused.get(queue);
    if (!offsets) this.reused.set(queue, (offsets = new Set()));
    offsets.add(offset);
  }

  /** True when two acks named this position: whatever was first written there was cut back. */
  isReused(queue: string, offset: number): boolean {
    return this.reused.get(queue)?.has(offset) ?? false;
  }

  /** Reused offsets per queue, for the report (queues in order, offsets ascending). */
  reusedByQueue(): { queue: string; offsets: number[] }[] {
    return [...this.reused]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([queue, offsets]) => ({ queue, offsets: [...offsets].sort((a, b) => a - b) }));
  }

  get bytes(): number {
    let total = 0;
    for (const bits of this.acked.values()) total += bits.bytes;
    return total;
  }
}
