/**
 * Orderly consumption, after Java's `ConsumeMessageOrderlyService` with
 * `consumeMessageBatchMaxSize` 1 and auto-commit: per queue, one message at a time in offset
 * order, and in clustering only while this instance holds the queue's broker lock (locked
 * and renewed within 30 s). Outcomes:
 * - `success`: the message leaves the queue's buffer and the committable offset advances
 *   (Java's `ProcessQueue.commit` + `updateOffset`), then the next message runs.
 * - `retry` (or a throwing handler: Java treats an exception as SUSPEND_CURRENT_QUEUE_A_MOMENT):
 *   the queue is suspended for 1 s (`suspendCurrentQueueTimeMillis`), then the SAME message
 *   runs again with reconsumeTimes + 1 (`makeMessageToConsumeAgain`); nothing after it runs
 *   meanwhile and nothing is sent back to the broker. The orderly default
 *   `maxReconsumeTimes` is Integer.MAX_VALUE, so there is no dead-letter step here either.
 * A queue dropped while a message is in the handler does not commit that message's offset
 * (Java checks `isDropped()` before `updateOffset`): the next owner consumes it again.
 */
import type { ConsumeOutcome, MessageHandler } from '../driver.ts';
import { toReceived, type MessageSink } from './consume-service.ts';
import type { StoredMessage } from './message-decoder.ts';
import type { ProcessQueue } from './process-queue.ts';

export interface OrderlyConsumeServiceOptions {
  model: 'CLUSTERING' | 'BROADCASTING';
  handler: MessageHandler;
  /** Called after each consumed message with the queue's new committable offset. */
  onConsumed: (pq: ProcessQueue, committable: number) => void;
  /**
   * Clustering: tries to (re)take the broker lock of one queue, updating `pq.locked` and
   * `pq.lastLockTimestamp`; true when held (Java `ConsumeMessageOrderlyService.lockOneMQ`).
   */
  relock: (pq: ProcessQueue) => Promise<boolean>;
  /** Java `suspendCurrentQueueTimeMillis`: 1 s. */
  suspendMs?: number;
  log?: (message: string) => void;
}

/** Java `tryLockLaterAndReconsume`: try the lock after 100 ms; consume 10 ms after success, else 3 s later. */
const RELOCK_AFTER_MS = 100;
const CONSUME_AFTER_RELOCK_MS = 10;
const CONSUME_AFTER_FAILED_RELOCK_MS = 3000;

interface QueueState {
  /** Pulled, not yet consumed, ascending by offset (Java's `msgTreeMap`). */
  buffer: StoredMessage[];
  /** The consume loop of this queue while it runs (Java: the queue's consume lock is held). */
  running: Promise<void> | undefined;
  /** A scheduled restart (after a suspend or a relock) is pending. */
  scheduled: NodeJS.Timeout | undefined;
}

export class OrderlyConsumeService implements MessageSink {
  private readonly queues = new Map<ProcessQueue, QueueState>();
  private stopped = false;

  constructor(private readonly options: OrderlyConsumeServiceOptions) {}

  submit(pq: ProcessQueue, messages: StoredMessage[]): void {
    const state = this.stateOf(pq);
    const last = state.buffer[state.buffer.length - 1]?.queueOffset ?? -1;
    for (const m of messages) if (m.queueOffset > last) state.buffer.push(m);
    if (!state.scheduled) this.start(pq, state);
  }

  /** Whether pulled messages of `pq` still wait for the handler (Java `ProcessQueue.hasTempMessage`). */
  hasBuffered(pq: ProcessQueue): boolean {
    return (this.queues.get(pq)?.buffer.length ?? 0) > 0;
  }

  /**
   * Resolves true once `pq` has no message in the handler, false if that takes longer than
   * `timeoutMs` (Java's `removeUnnecessaryMessageQueue` waits 1 s for the consume lock);
   * without a timeout, as long as the handler takes.
   */
  async waitIdle(pq: ProcessQueue, timeoutMs?: number): Promise<boolean> {
    const running = this.queues.get(pq)?.running;
    if (!running) return true;
    if (timeoutMs === undefined) return running.then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const idle = await Promise.race([running.then(() => true), timeout]);
    clearTimeout(timer);
    return idle;
  }

  /** Forgets a queue given up (after its in-progress message, see `waitIdle`). */
  forget(pq: ProcessQueue): void {
    const state = this.queues.get(pq);
    if (state?.scheduled) clearTimeout(state.scheduled);
    this.queues.delete(pq);
  }

  /** Number of messages pulled and not yet consumed, over all queues. */
  get backlog(): number {
    let n = 0;
    for (const s of this.queues.values()) n += s.buffer.length;
    return n;
  }

  /** Stops starting messages and waits up to `timeoutMs` for the ones in handlers. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    for (const s of this.queues.values()) clearTimeout(s.scheduled);
    const running = [...this.queues.values()].flatMap((s) => (s.running ? [s.running] : []));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled(running), timeout]);
    clearTimeout(timer);
  }

  private stateOf(pq: ProcessQueue): QueueState {
    let state = this.queues.get(pq);
    if (!state) {
      state = { buffer: [], running: undefined, scheduled: undefined };
      this.queues.set(pq, state);
    }
    return state;
  }

  /** At most one loop per queue: what Java's per-queue `objLock` around `ConsumeRequest.run` ensures. */
  private start(pq: ProcessQueue, state: QueueState): void {
    if (state.running || this.stopped || pq.dropped) return;
    const run = this.run(pq, state).finally(() => {
      if (state.running === run) state.running = undefined;
      // Messages submitted between the loop's last look at the buffer and now found it running.
      if (state.buffer.length > 0 && !state.scheduled) this.start(pq, state);
    });
    state.running = run;
  }

  private later(pq: ProcessQueue, state: QueueState, delayMs: number, then: () => void): void {
    if (this.stopped || pq.dropped || state.scheduled) return;
    state.scheduled = setTimeout(() => {
      state.scheduled = undefined;
      then();
    }, delayMs);
  }

  private async run(pq: ProcessQueue, state: QueueState): Promise<void> {
    const clustering = this.options.model === 'CLUSTERING';
    while (!this.stopped && !pq.dropped) {
      if (clustering && (!pq.locked || pq.isLockExpired())) {
        this.later(pq, state, RELOCK_AFTER_MS, () => void this.relockThenStart(pq, state));
        return;
      }
      const msg = state.buffer[0];
      if (!msg) return;
      let outcome: ConsumeOutcome;
      try {
        outcome = await this.options.handler(toReceived(msg, pq));
      } catch (err) {
        this.options.log?.(
          `orderly handler threw on ${pq.mq.topic}/${pq.mq.queueId}@${msg.queueOffset}: ${(err as Error).message}`,
        );
        outcome = 'retry';
      }
      pq.lastConsumeTimestamp = Date.now();
      if (pq.dropped) return;
      if (outcome === 'retry') {
        state.buffer[0] = { ...msg, reconsumeTimes: msg.reconsumeTimes + 1 };
        this.later(pq, state, this.options.suspendMs ?? 1000, () => this.start(pq, state));
        return;
      }
      state.buffer.shift();
      this.options.onConsumed(pq, pq.complete(msg.queueOffset));
    }
  }

  private async relockThenStart(pq: ProcessQueue, state: QueueState): Promise<void> {
    if (this.stopped || pq.dropped) return;
    const ok = await this.options.relock(pq).catch(() => false);
    this.later(pq, state, ok ? CONSUME_AFTER_RELOCK_MS : CONSUME_AFTER_FAILED_RELOCK_MS, () => this.start(pq, state));
  }
}
