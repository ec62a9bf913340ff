/**
 * Push consumer (clustering or broadcasting), after Java's `DefaultMQPushConsumerImpl`:
 * heartbeat, rebalance, one long-polling pull loop per owned queue, concurrent consumption,
 * offsets committed every 5 s and on close. Clustering subscribes `%RETRY%<group>` too, so
 * messages sent back with `retry` come round again, as in Java.
 *
 * What it adds for the harness: every assignment change is reported with its time
 * (`onAssignment`), heartbeats can be paused without closing (zombie), and close can skip
 * UNREGISTER_CLIENT (an instance that disappears without telling the broker).
 */
import type { Consumer, ConsumerOptions, MessageHandler, MessageQueueRef } from '../driver.ts';
import {
  buildSubscription,
  compareQueues,
  isRetryTopic,
  queueKey,
  retryTopic,
  type SubscriptionData,
} from '../../protocol/index.ts';
import { ClientInstance, type ClientTuning, type ConsumerData } from './client-instance.ts';
import { ConsumeService } from './consume-service.ts';
import { OffsetStore } from './offset-store.ts';
import { ProcessQueue } from './process-queue.ts';
import { pullLoop } from './queue-puller.ts';
import { RebalanceService, type RebalanceRound } from './rebalance.ts';
import { buildRunningInfo } from './running-info.ts';

export interface ConsumerTuning extends ClientTuning {
  /** Java `RebalanceService` interval: 20 s. */
  rebalanceIntervalMs?: number;
  /** Java `persistConsumerOffsetInterval`: 5 s. */
  persistOffsetIntervalMs?: number;
  /** Java `consumeThreadMin`: 20. */
  consumeThreads?: number;
  /** Java `pullBatchSize`: 32. */
  pullBatchSize?: number;
  /** Java `postSubscriptionWhenPull`: false (the broker filters by the group's heartbeat subscription). */
  postSubscriptionWhenPull?: boolean;
  /** Long-poll hold time asked of the broker: 15 s. */
  suspendMs?: number;
  /** How long close() waits for running handlers: 10 s. */
  closeTimeoutMs?: number;
}

export interface RemotingConsumerOptions extends ConsumerOptions {
  tuning?: ConsumerTuning;
  /** Every rebalance round, changed or not: why it ran (start, timer, notify) and how long it took. */
  onRebalance?: (round: RebalanceRound) => void;
}

interface OwnedQueue {
  pq: ProcessQueue;
  loop: Promise<void>;
}

export class RemotingPushConsumer implements Consumer {
  private readonly model: 'CLUSTERING' | 'BROADCASTING';
  private readonly subscriptions = new Map<string, SubscriptionData>();
  private readonly owned = new Map<string, OwnedQueue>();
  private readonly offsets: OffsetStore;
  private readonly consume: ConsumeService;
  private readonly rebalance: RebalanceService;
  private persistTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly startedAt = Date.now();

  private constructor(
    private readonly instance: ClientInstance,
    private readonly options: RemotingConsumerOptions,
    handler: MessageHandler,
  ) {
    const tuning = options.tuning ?? {};
    const log = tuning.log;
    this.model = options.model === 'broadcasting' ? 'BROADCASTING' : 'CLUSTERING';
    for (const { topic, expression } of options.subscriptions)
      this.subscriptions.set(topic, buildSubscription(topic, expression));
    if (this.model === 'CLUSTERING')
      this.subscriptions.set(retryTopic(options.group), buildSubscription(retryTopic(options.group), '*'));
    this.offsets = new OffsetStore(instance, options.group, this.model);
    this.consume = new ConsumeService({
      instance,
      group: options.group,
      model: this.model,
      handler,
      concurrency: tuning.consumeThreads,
      log,
      onConsumed: (pq, committable) => this.offsets.update(pq.mq, committable),
    });
    this.rebalance = new RebalanceService({
      instance,
      group: options.group,
      model: this.model,
      intervalMs: tuning.rebalanceIntervalMs,
      log,
      topics: () => [...this.subscriptions.keys()],
      apply: (topic, queues) => this.apply(topic, queues),
      onRound: options.onRebalance,
    });
  }

  static async start(options: RemotingConsumerOptions, handler: MessageHandler): Promise<RemotingPushConsumer> {
    const instance = new ClientInstance(
      options.namesrvAddr,
      options.instanceName,
      options.tuning,
      options.brokerAddressMap,
    );
    const consumer = new RemotingPushConsumer(instance, options, handler);
    try {
      await consumer.begin();
      return consumer;
    } catch (err) {
      await consumer.close({ unregister: false });
      throw err;
    }
  }

  private async begin(): Promise<void> {
    const { instance, options } = this;
    instance.registerConsumer(options.group, {
      consumerData: () => this.consumerData(),
      onConsumerIdsChanged: () => void this.rebalance.requestNow('notify'),
      runningInfo: () =>
        buildRunningInfo({
          namesrvAddr: options.namesrvAddr,
          model: this.model,
          consumeThreads: options.tuning?.consumeThreads ?? 20,
          startedAt: this.startedAt,
          subscriptions: [...this.subscriptions.values()],
          queues: [...this.owned.values()].map((o) => o.pq),
          committedOffset: (mq) => this.offsets.read(mq),
          userInfo: { instanceName: options.instanceName, heartbeatsPaused: String(instance.heartbeatsArePaused) },
        }),
    });
    // Learn the brokers first (a missing topic is not fatal: later rounds retry), then tell them about us.
    await Promise.all([...this.subscriptions.keys()].map((t) => instance.route(t).catch(() => undefined)));
    await instance.sendHeartbeats();
    this.persistTimer = setInterval(() => void this.persistOffsets(), options.tuning?.persistOffsetIntervalMs ?? 5000);
    await this.rebalance.start();
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  assignment(): MessageQueueRef[] {
    return [...this.owned.values()]
      .map((o) => o.pq.mq)
      .filter((mq) => !isRetryTopic(mq.topic))
      .sort(compareQueues);
  }

  pauseHeartbeats(): void {
    this.instance.pauseHeartbeats();
  }

  resumeHeartbeats(): void {
    this.instance.resumeHeartbeats();
  }

  /** Runs a rebalance round now (what a NOTIFY_CONSUMER_IDS_CHANGED from the broker triggers). */
  rebalanceNow(): Promise<void> {
    return this.rebalance.requestNow('manual');
  }

  private consumerData(): ConsumerData {
    return {
      groupName: this.options.group,
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: this.model,
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      subscriptionDataSet: [...this.subscriptions.values()],
      unitMode: false,
    };
  }

  /**
   * Makes the queues owned for `topic` equal `target`: gives up the others, then starts the
   * new ones. onAssignment fires after each of the two steps that changed something, so the
   * harness sees the moment a queue was released and the moment one was taken, not a time
   * in between (an overlap ends at the first, a gap at the second).
   */
  private async apply(topic: string, target: MessageQueueRef[]): Promise<void> {
    const wanted = new Map(target.map((mq) => [queueKey(mq), mq]));
    const released: ProcessQueue[] = [];
    for (const [key, { pq }] of this.owned) {
      if (pq.mq.topic !== topic || wanted.has(key)) continue;
      pq.drop();
      this.owned.delete(key);
      released.push(pq);
    }
    if (released.length > 0) this.emitAssignment(topic);
    for (const pq of released) {
      // Hand over where we stopped, so the next owner does not redo our work.
      await this.offsets.persist(pq.mq).catch(() => undefined);
      this.offsets.remove(pq.mq);
    }
    let taken = 0;
    for (const [key, mq] of wanted) {
      if (this.owned.has(key) || this.closed) continue;
      let start: number;
      try {
        start = await this.offsets.fetch(mq);
      } catch (err) {
        this.options.tuning?.log?.(
          `cannot read the offset of ${key}, will retry next round: ${(err as Error).message}`,
        );
        continue;
      }
      if (this.closed) return;
      const pq = new ProcessQueue(mq, start);
      this.owned.set(key, { pq, loop: this.startPulling(pq) });
      taken++;
    }
    if (taken > 0) this.emitAssignment(topic);
  }

  private startPulling(pq: ProcessQueue): Promise<void> {
    const tuning = this.options.tuning ?? {};
    return pullLoop(pq, {
      instance: this.instance,
      group: this.options.group,
      model: this.model,
      subscription: (topic) => this.subscriptions.get(topic),
      offsets: this.offsets,
      consume: this.consume,
      pullBatchSize: tuning.pullBatchSize,
      suspendMs: tuning.suspendMs,
      postSubscriptionWhenPull: tuning.postSubscriptionWhenPull,
      log: tuning.log,
    });
  }

  private emitAssignment(topic: string): void {
    // Retry-topic queues are internal plumbing: assignment() leaves them out, so do events.
    if (isRetryTopic(topic) || this.closed) return;
    try {
      this.options.onAssignment?.(this.assignment(), Date.now());
    } catch (err) {
      // A failing observer must not leave the rebalance half applied.
      this.options.tuning?.log?.(`onAssignment threw: ${(err as Error).message}`);
    }
  }

  private async persistOffsets(): Promise<void> {
    await this.offsets.persistAll([...this.owned.values()].map((o) => o.pq.mq));
  }

  /**
   * Stops fetching, lets running handlers finish (bounded), commits offsets, unregisters
   * (unless `unregister: false`), and closes every socket and timer.
   */
  async close(options: { unregister?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.rebalance.stop();
    clearInterval(this.persistTimer);
    await this.consume.stop(this.options.tuning?.closeTimeoutMs ?? 10_000);
    const owned = [...this.owned.values()];
    for (const { pq } of owned) pq.drop();
    if (this.model === 'CLUSTERING')
      await Promise.all(owned.map(({ pq }) => this.offsets.persist(pq.mq).catch(() => undefined)));
    this.instance.unregisterConsumer(this.options.group);
    if (options.unregister !== false) await this.instance.unregister({ consumerGroup: this.options.group });
    await this.instance.close();
    await Promise.all(owned.map((o) => o.loop));
    this.owned.clear();
  }
}
