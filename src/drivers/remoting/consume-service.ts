/**
 * Runs the user's handler on pulled messages with bounded concurrency, like Java's
 * `ConsumeMessageConcurrentlyService` (20 threads, batch size 1). Outcomes:
 * - `success`: the offset is marked consumed and the queue's committable offset advances.
 * - `retry` (or a throwing handler, which Java treats as RECONSUME_LATER): in clustering the
 *   message goes back to the broker with CONSUMER_SEND_MSG_BACK, which redelivers it later
 *   through `%RETRY%<group>`; if that fails, it is consumed again locally after 5 s and its
 *   offset stays pending meanwhile. In broadcasting Java drops it (no retry); so do we.
 */
import type { ConsumeOutcome, MessageHandler, ReceivedMessage } from '../driver.ts';
import type { ClientInstance } from './client-instance.ts';
import { RequestCode, createRequest, expectCode } from '../../protocol/index.ts';
import { KEY_SEPARATOR, MessageProperty, type StoredMessage } from './message-decoder.ts';
import type { ProcessQueue } from './process-queue.ts';

export interface ConsumeServiceOptions {
  instance: ClientInstance;
  group: string;
  model: 'CLUSTERING' | 'BROADCASTING';
  handler: MessageHandler;
  /** Java `consumeThreadMin`: 20. */
  concurrency?: number;
  /** Java `maxReconsumeTimes` for concurrent consumers: 16 (then the broker sends to %DLQ%). */
  maxReconsumeTimes?: number;
  /** Called after each message is done with, with the queue's new committable offset. */
  onConsumed: (pq: ProcessQueue, committable: number) => void;
  log?: (message: string) => void;
}

/** Where a pull loop hands the messages it fetched: a consume service, or a lite pull consumer's buffer. */
export interface MessageSink {
  submit(pq: ProcessQueue, messages: StoredMessage[]): void;
}

/** Delay before consuming again locally after a failed send-back (Java: 5 s). */
const LOCAL_RETRY_DELAY_MS = 5000;

export class ConsumeService implements MessageSink {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: ConsumeServiceOptions) {}

  submit(pq: ProcessQueue, messages: StoredMessage[]): void {
    for (const msg of messages) this.track(this.consume(pq, msg));
  }

  private track(task: Promise<void>): void {
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  private async consume(pq: ProcessQueue, msg: StoredMessage): Promise<void> {
    await this.acquire();
    try {
      if (pq.dropped || this.stopped) return; // Java skips requests of dropped queues
      let outcome: ConsumeOutcome;
      try {
        outcome = await this.options.handler(toReceived(msg, pq));
      } catch (err) {
        this.options.log?.(
          `handler threw on ${pq.mq.topic}/${pq.mq.queueId}@${msg.queueOffset}: ${(err as Error).message}`,
        );
        outcome = 'retry';
      }
      pq.lastConsumeTimestamp = Date.now();
      if (outcome === 'retry' && this.options.model === 'CLUSTERING' && !(await this.sendBack(pq, msg))) {
        this.retryLocally(pq, msg);
        return;
      }
      if (!pq.dropped) this.options.onConsumed(pq, pq.complete(msg.queueOffset));
    } finally {
      this.release();
    }
  }

  /** CONSUMER_SEND_MSG_BACK; delayLevel 0 lets the broker pick 3 + reconsumeTimes (10 s first). */
  private async sendBack(pq: ProcessQueue, msg: StoredMessage): Promise<boolean> {
    const { instance } = this.options;
    try {
      const addr = instance.requireMaster(pq.mq.brokerName, RequestCode.CONSUMER_SEND_MSG_BACK);
      const response = await instance.invoke(
        addr,
        createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
          offset: msg.commitLogOffset,
          group: this.options.group,
          delayLevel: 0,
          originMsgId: msg.properties[MessageProperty.UNIQ_KEY] ?? msg.offsetMsgId,
          originTopic: msg.properties[MessageProperty.RETRY_TOPIC] ?? msg.topic,
          unitMode: false,
          maxReconsumeTimes: this.options.maxReconsumeTimes ?? 16,
          bname: pq.mq.brokerName,
        }),
        5000,
      );
      expectCode(response, addr, RequestCode.CONSUMER_SEND_MSG_BACK);
      return true;
    } catch (err) {
      this.options.log?.(
        `send-back of ${pq.mq.topic}/${pq.mq.queueId}@${msg.queueOffset} failed, ` +
          `consuming again locally in 5 s: ${(err as Error).message}`,
      );
      return false;
    }
  }

  private retryLocally(pq: ProcessQueue, msg: StoredMessage): void {
    if (this.stopped || pq.dropped) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.track(this.consume(pq, { ...msg, reconsumeTimes: msg.reconsumeTimes + 1 }));
    }, LOCAL_RETRY_DELAY_MS);
    this.retryTimers.add(timer);
  }

  private acquire(): Promise<void> {
    if (this.active < (this.options.concurrency ?? 20)) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.active++;
        resolve();
      }),
    );
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  /** Number of messages queued or running in the handler. */
  get backlog(): number {
    return this.running.size;
  }

  /**
   * Stops taking work, cancels local retries, and waits up to `timeoutMs` for handlers
   * already running (their offsets then count, as they would in Java's graceful shutdown).
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.running]), timeout]);
    clearTimeout(timer);
  }
}

/** Java's view of a consumed message: topic restored from RETRY_TOPIC, id = client id (UNIQ_KEY). */
export function toReceived(msg: StoredMessage, pq: ProcessQueue): ReceivedMessage {
  const props = msg.properties;
  const keys = props[MessageProperty.KEYS];
  const received: ReceivedMessage = {
    msgId: props[MessageProperty.UNIQ_KEY] ?? msg.offsetMsgId,
    topic: props[MessageProperty.RETRY_TOPIC] ?? msg.topic,
    brokerName: pq.mq.brokerName,
    queueId: pq.mq.queueId,
    queueOffset: msg.queueOffset,
    body: msg.body,
    properties: props,
    bornTimestamp: msg.bornTimestamp,
    storeTimestamp: msg.storeTimestamp,
    reconsumeTimes: msg.reconsumeTimes,
  };
  const tag = props[MessageProperty.TAGS];
  if (tag !== undefined) received.tag = tag;
  if (keys !== undefined) received.keys = keys.split(KEY_SEPARATOR).filter((k) => k !== '');
  return received;
}
