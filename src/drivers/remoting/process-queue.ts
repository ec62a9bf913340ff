/**
 * Per-queue consumption state (Java's `ProcessQueue`). Messages are consumed concurrently,
 * so they finish out of order; the offset we may commit is the lowest offset not yet
 * consumed, never the highest one seen. Committing the highest would lose the slow
 * messages below it on a crash or rebalance; committing the lowest only risks redelivery,
 * which is RocketMQ's at-least-once contract and what the harness counts as duplicates.
 */
import type { MessageQueueRef } from '../driver.ts';

/** Java `ProcessQueue.REBALANCE_LOCK_MAX_LIVE_TIME`: 30 s. */
export const LOCK_MAX_LIVE_MS = 30_000;

export class ProcessQueue {
  /** Set when the queue is no longer ours (rebalance, close): in-flight results are then ignored. */
  dropped = false;
  private readonly abort = new AbortController();
  /** Aborted on drop, so a pull loop sleeping after an error wakes up and exits at once. */
  readonly signal: AbortSignal = this.abort.signal;
  /** Offset of the next PULL_MESSAGE. */
  nextOffset: number;
  // As Java's ProcessQueue: "now" at creation, so a queue just taken does not look long idle.
  lastPullTimestamp = Date.now();
  lastConsumeTimestamp = Date.now();
  /**
   * Orderly consumption only: whether the broker lock on this queue is ours (Java
   * `ProcessQueue.locked`), and when it was last granted or renewed. Queues that need no
   * lock (concurrent consumption, broadcasting) are created locked, as Java does.
   */
  locked = false;
  lastLockTimestamp = 0;
  /** Offsets handed to the consumer, ascending; `done[i]` marks `offsets[i]` as consumed. */
  private offsets: number[] = [];
  private done: boolean[] = [];
  private head = 0;
  private inFlight = 0;

  constructor(
    readonly mq: MessageQueueRef,
    startOffset: number,
  ) {
    this.nextOffset = startOffset;
  }

  drop(): void {
    this.dropped = true;
    this.abort.abort();
  }

  /**
   * Java `ProcessQueue.isLockExpired`: no renewal for 30 s (`REBALANCE_LOCK_MAX_LIVE_TIME`).
   * The broker keeps a lock 60 s, so a client stops consuming well before another may lock.
   */
  isLockExpired(now = Date.now(), maxLiveMs = LOCK_MAX_LIVE_MS): boolean {
    return now - this.lastLockTimestamp > maxLiveMs;
  }

  /** Messages pulled and not yet consumed (flow control counts these). */
  get pendingCount(): number {
    return this.inFlight;
  }

  /** Registers pulled offsets (ascending within one pull and across pulls of this queue). */
  add(offsets: readonly number[]): void {
    for (const offset of offsets) {
      const last = this.offsets[this.offsets.length - 1];
      if (last !== undefined && offset <= last) continue; // never track one offset twice
      this.offsets.push(offset);
      this.done.push(false);
      this.inFlight++;
    }
  }

  /** Marks an offset consumed and returns the offset now safe to commit. */
  complete(offset: number): number {
    const index = this.indexOf(offset);
    if (index >= 0 && !this.done[index]) {
      this.done[index] = true;
      this.inFlight--;
    }
    while (this.head < this.offsets.length && this.done[this.head]) this.head++;
    if (this.head > 1024 && this.head * 2 > this.offsets.length) {
      this.offsets = this.offsets.slice(this.head);
      this.done = this.done.slice(this.head);
      this.head = 0;
    }
    return this.committableOffset();
  }

  /**
   * Lowest unconsumed offset, or the next pull offset when nothing is pending: everything
   * below it was consumed or filtered out by tag (which Java also commits past).
   */
  committableOffset(): number {
    return this.head < this.offsets.length ? this.offsets[this.head]! : this.nextOffset;
  }

  /** Lowest and highest pending offsets, for consumer running info. */
  pendingRange(): { min: number; max: number } | undefined {
    if (this.head >= this.offsets.length) return undefined;
    return { min: this.offsets[this.head]!, max: this.offsets[this.offsets.length - 1]! };
  }

  private indexOf(offset: number): number {
    // Binary search: offsets are strictly ascending.
    let lo = this.head;
    let hi = this.offsets.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.offsets[mid]!;
      if (v === offset) return mid;
      if (v < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
