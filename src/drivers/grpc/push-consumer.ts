/**
 * Push-style consumer for the grpc driver: a few receive loops over GrpcSimpleConsumer feed
 * a bounded pool of handler calls; `success` acks, `retry` (or a throwing handler) changes
 * the message's invisible duration to `retryDelayMs`, after which the broker revives it into
 * the group's retry topic and a later receive brings it back with reconsumeTimes + 1.
 *
 * Why not the library's own PushConsumer (1.0.8 has one): its shutdown waits without bound
 * for every cached message to be consumed, then sleeps 1 s; its consume service logs to
 * ~/logs/rocketmq through a logger nobody can replace or close; its retry delay is the
 * server's backoff policy, not ours; and in a test its process lived on for more than a
 * minute after shutdown returned. This loop keeps every wait bounded and every knob here.
 *
 * Pop consumption has no client-side queue assignment: the proxy pops from any queue of a
 * broker for whoever asks, so there is nothing to report. `assignment()` returns [] and
 * `onAssignment` is never called; a rebalance-latency measurement has no meaning for this driver.
 *
 * Redelivery timing (measured live against 5.3.3): a nacked message is back after roughly
 * retryDelayMs plus up to one long-polling period, because a receive that is already waiting
 * on the topic is not woken by messages revived into the retry topic; the next receive pops them.
 */
import type { Consumer, ConsumerCloseOptions, ConsumerOptions, MessageHandler, MessageQueueRef } from '../driver.ts';
import { UsageError } from '../../util/errors.ts';
import type { GrpcClientTuning } from './client-lifecycle.ts';
import { GrpcDriverError } from './errors.ts';
import { HandlerPool } from './handler-pool.ts';
import { GrpcSimpleConsumer, MIN_RECEIVE_INVISIBLE_MS, type PoppedMessage } from './simple-consumer.ts';

export interface GrpcConsumerTuning extends GrpcClientTuning {
  /** Long-polling time of each receive, 5..20 s: 5 s. Also about the longest close() waits for a receive. */
  awaitDurationMs?: number;
  /** How long a received message stays invisible to the group while its handler runs: 30 s (proxy minimum 10 s). */
  invisibleDurationMs?: number;
  /** Invisible time after `retry`: 10 s, the remoting driver's first retry delay (level 3), so the two compare. */
  retryDelayMs?: number;
  /** Messages asked for per receive: 32 (the proxy's long-polling batch size). */
  receiveBatchSize?: number;
  /** Receive loops running at once: 2. */
  receivers?: number;
  /** Handlers running at once: 20 (Java's consumeThreadMin). */
  consumeConcurrency?: number;
  /** Received but not yet settled messages before the loops stop receiving: 256. */
  maxUnsettled?: number;
  /** How long close() lets running handlers finish: 10 s. */
  closeTimeoutMs?: number;
}

export interface GrpcConsumerOptions extends ConsumerOptions {
  tuning?: GrpcConsumerTuning;
}

export interface GrpcConsumerStats {
  received: number;
  acked: number;
  nacked: number;
  /** Received during close and handed back unhandled (invisible duration set to 0). */
  released: number;
  /** Waited in the queue past their invisible time: not handled here, the proxy has handed them out again. */
  expired: number;
  /** Settle calls that failed, by reason; such a message comes back after its invisible duration. */
  settleFailures: Record<string, number>;
  receiveFailures: Record<string, number>;
}

export class GrpcPushConsumer implements Consumer {
  private stopping = false;
  private closed = false;
  /** false when closing with `unregister: false`: nothing is handed back. */
  private handBack = true;
  private loops: Promise<void>[] = [];
  private readonly pool: HandlerPool<PoppedMessage>;
  private readonly wakers = new Set<() => void>();
  private readonly counters: GrpcConsumerStats = {
    received: 0,
    acked: 0,
    nacked: 0,
    released: 0,
    expired: 0,
    settleFailures: {},
    receiveFailures: {},
  };

  private constructor(
    private readonly simple: GrpcSimpleConsumer,
    private readonly options: GrpcConsumerOptions,
    private readonly handler: MessageHandler,
  ) {
    this.pool = new HandlerPool(options.tuning?.consumeConcurrency ?? 20, (popped) => this.consume(popped));
  }

  static async start(options: GrpcConsumerOptions, handler: MessageHandler): Promise<GrpcPushConsumer> {
    if (options.model !== 'clustering') {
      throw new UsageError(
        `grpc consumer ${options.instanceName}: pop consumption through the proxy has no ${options.model} model`,
        'use the remoting driver for broadcasting',
      );
    }
    const simple = await GrpcSimpleConsumer.start({
      endpoint: options.endpoint ?? options.namesrvAddr,
      group: options.group,
      instanceName: options.instanceName,
      subscriptions: options.subscriptions,
      awaitDurationMs: options.tuning?.awaitDurationMs,
      tuning: options.tuning,
    });
    const consumer = new GrpcPushConsumer(simple, options, handler);
    consumer.loops = Array.from({ length: Math.max(1, options.tuning?.receivers ?? 2) }, () => consumer.receiveLoop());
    return consumer;
  }

  /** Always empty: pop consumption has no client-side assignment (see the file comment). */
  assignment(): MessageQueueRef[] {
    return [];
  }

  stats(): GrpcConsumerStats {
    return {
      ...this.counters,
      settleFailures: { ...this.counters.settleFailures },
      receiveFailures: { ...this.counters.receiveFailures },
    };
  }

  private get tuning(): GrpcConsumerTuning {
    return this.options.tuning ?? {};
  }

  /** What receives ask for; the proxy refuses less than 10 s. */
  private get invisibleDurationMs(): number {
    return Math.max(MIN_RECEIVE_INVISIBLE_MS, this.tuning.invisibleDurationMs ?? 30_000);
  }

  private async receiveLoop(): Promise<void> {
    const batchSize = this.tuning.receiveBatchSize ?? 32;
    const maxUnsettled = this.tuning.maxUnsettled ?? 256;
    let failures = 0;
    while (!this.stopping) {
      const room = maxUnsettled - this.pool.size;
      if (room <= 0) {
        await this.pause(50);
        continue;
      }
      let batch: PoppedMessage[];
      try {
        batch = await this.simple.receive(Math.min(batchSize, room), this.invisibleDurationMs);
        failures = 0;
      } catch (error) {
        if (this.stopping) break;
        const reason = this.count(this.counters.receiveFailures, error);
        if (failures++ === 0) this.tuning.log?.(`consumer ${this.options.instanceName}: ${(error as Error).message}`);
        // Flow control from the proxy deserves a quick retry; anything else a pause.
        await this.pause(reason.includes('TOO_MANY_REQUESTS') ? 100 : 1000);
        continue;
      }
      this.counters.received += batch.length;
      if (this.stopping) {
        await this.release(batch);
        break;
      }
      for (const popped of batch) this.pool.push(popped);
    }
  }

  private async consume(popped: PoppedMessage): Promise<void> {
    if (this.stopping) {
      await this.release([popped]);
      return;
    }
    // Its receipt handle has (all but) run out and the message is someone else's by now, or will be
    // before an ack could arrive: handling it would only add a duplicate.
    if (Date.now() - popped.receivedAt >= this.invisibleDurationMs - 1000) {
      this.counters.expired++;
      return;
    }
    let outcome: 'success' | 'retry';
    try {
      outcome = await this.handler(popped.message);
    } catch (error) {
      // As a Java listener's exception: consume later.
      this.tuning.log?.(
        `consumer ${this.options.instanceName}: handler threw on ${popped.message.msgId}: ${(error as Error).message}`,
      );
      outcome = 'retry';
    }
    try {
      if (outcome === 'success') {
        await this.simple.ack(popped);
        this.counters.acked++;
      } else {
        await this.simple.changeInvisibleDuration(popped, this.tuning.retryDelayMs ?? 10_000);
        this.counters.nacked++;
      }
    } catch (error) {
      const times = this.counters.settleFailures[this.count(this.counters.settleFailures, error)];
      // 1st, 10th, 100th… of a kind: a dead proxy fails every ack, and one line says as much as a thousand.
      if (times !== undefined && Number.isInteger(Math.log10(times)))
        this.tuning.log?.(`consumer ${this.options.instanceName}: ${(error as Error).message} (${times} so far)`);
    }
  }

  /** Adds one to `counts` under the error's reason; returns the reason. */
  private count(counts: Record<string, number>, error: unknown): string {
    const reason = error instanceof GrpcDriverError ? error.reason : 'unknown';
    counts[reason] = (counts[reason] ?? 0) + 1;
    return reason;
  }

  /** Hands messages back at once (invisible duration 0), so another consumer gets them without waiting. */
  private async release(batch: PoppedMessage[]): Promise<void> {
    if (!this.handBack) return;
    await Promise.all(
      batch.map(async (popped) => {
        try {
          await this.simple.changeInvisibleDuration(popped, 0);
          this.counters.released++;
        } catch {
          // It comes back after its invisible duration anyway.
        }
      }),
    );
  }

  /** Sleeps `ms` unless close() wakes it first. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /**
   * Stops receiving, waits for each running receive (one long poll at most) and hands back
   * what arrives meanwhile, lets running handlers finish and settle (bounded by closeTimeoutMs),
   * hands back messages whose handler never started, then shuts the client down.
   * `unregister: false` skips the handing back: those messages return only after their
   * invisible duration, as when a consumer dies (the library's shutdown still tells the proxy).
   */
  async close(options: ConsumerCloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handBack = options.unregister !== false;
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
    await Promise.all(this.loops);
    const queued = this.pool.drainQueued();
    await Promise.all([this.pool.idle(this.tuning.closeTimeoutMs ?? 10_000), this.release(queued)]);
    await this.simple.close();
  }
}
