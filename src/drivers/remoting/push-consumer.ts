/**
 * Push consumer (clustering or broadcasting), after Java's `DefaultMQPushConsumerImpl`:
 * heartbeat, rebalance, one long-polling pull loop per owned queue, concurrent or orderly
 * consumption, offsets committed every 5 s and on close. Clustering subscribes
 * `%RETRY%<group>` too, so messages sent back with `retry` come round again, as in Java.
 *
 * Orderly in clustering adds the broker locks of Java's `RebalancePushImpl` (`isOrder`) and
 * `ConsumeMessageOrderlyService`: a queue the rebalance gives us is taken only once LOCK_BATCH_MQ
 * grants it (else the round is retried 500 ms later), every lock is renewed every 20 s, and a
 * queue given up is unlocked after its in-progress message (20 s later when pulled messages
 * were still waiting, Java's `unlockDelay`). Broadcasting takes no locks, as in Java.
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
import { ClientInstance, withRouteRefresh, type ClientTuning, type ConsumerData } from './client-instance.ts';
import { ConsumeService } from './consume-service.ts';
import { OrderlyConsumeService } from './orderly-consume-service.ts';
import { QueueLocks } from './queue-locks.ts';
import { OffsetStore } from './offset-store.ts';
import { ProcessQueue } from './process-queue.ts';
import { pullLoop } from './queue-puller.ts';
import { RebalanceService, type RebalanceRound } from './rebalance.ts';
import { buildRunningInfo } from './running-info.ts';
import { UsageError } from '../../util/errors.ts';

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
  /** Orderly: Java `suspendCurrentQueueTimeMillis`, the pause after a `retry`: 1 s. */
  suspendCurrentQueueMs?: number;
  /** Orderly: Java `REBALANCE_LOCK_INTERVAL`, how often every lock is renewed: 20 s. */
  lockRenewIntervalMs?: number;
  /** Orderly: Java `UNLOCK_DELAY_TIME_MILLS`, the unlock delay of a queue given up with messages pulled: 20 s. */
  unlockDelayMs?: number;
}

/** Java `RebalanceImpl`: a round that could not lock every new queue is retried this soon. */
const RELOCK_REBALANCE_DELAY_MS = 500;
/** Java `RebalancePushImpl.removeUnnecessaryMessageQueue`: wait this long for the in-progress message. */
const RELEASE_WAIT_MS = 1000;

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
  private readonly consume: ConsumeService | OrderlyConsumeService;
  private readonly rebalance: RebalanceService;
  /** Orderly clustering only. */
  private readonly locks: QueueLocks | undefined;
  private persistTimer: NodeJS.Timeout | undefined;
  private lockTimer: NodeJS.Timeout | undefined;
  /** Delayed unlocks of queues given up (`unlockDelay`), done at once on close. */
  private readonly unlockTimers = new Map<NodeJS.Timeout, MessageQueueRef>();
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
    for (const { topic, expression, type } of options.subscriptions)
      this.subscriptions.set(topic, buildSubscription(topic, expression, undefined, type));
    if (this.model === 'CLUSTERING')
      this.subscriptions.set(retryTopic(options.group), buildSubscription(retryTopic(options.group), '*'));
    this.offsets = new OffsetStore(instance, options.group, this.model);
    const onConsumed = (pq: ProcessQueue, committable: number) => this.offsets.update(pq.mq, committable);
    if (options.consume === 'orderly') {
      if (this.model === 'CLUSTERING') this.locks = new QueueLocks(instance, options.group, log);
      this.consume = new OrderlyConsumeService({
        model: this.model,
        handler,
        onConsumed,
        relock: (pq) => this.lockQueues([pq]).then(() => pq.locked),
        suspendMs: tuning.suspendCurrentQueueMs,
        log,
      });
    } else {
      this.consume = new ConsumeService({
        instance,
        group: options.group,
        model: this.model,
        handler,
        concurrency: tuning.consumeThreads,
        ...(options.maxReconsumeTimes !== undefined ? { maxReconsumeTimes: options.maxReconsumeTimes } : {}),
        log,
        onConsumed,
      });
    }
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
    if ((options.mode ?? 'push') !== 'push')
      throw new UsageError(`the remoting push consumer runs mode push, not ${options.mode}`);
    const instance = new ClientInstance(
      options.namesrvAddr,
      options.instanceName,
      withRouteRefresh(options.tuning, options.routeRefreshMs),
      options.brokerAddressMap,
      options.credentials,
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
          orderly: options.consume === 'orderly',
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
    if (this.locks)
      this.lockTimer = setInterval(() => void this.renewLocks(), options.tuning?.lockRenewIntervalMs ?? 20_000);
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
      if (this.consume instanceof OrderlyConsumeService) await this.releaseOrderly(pq, this.consume);
    }
    const fresh = [...wanted].filter(([key]) => !this.owned.has(key));
    // Orderly clustering: a queue is ours only once its broker lock is (Java `RebalanceImpl.lock`).
    const granted = this.locks ? await this.locks.lock(fresh.map(([, mq]) => mq)) : undefined;
    if (granted && granted.size < fresh.length) this.rebalance.requestLater(RELOCK_REBALANCE_DELAY_MS);
    let taken = 0;
    for (const [key, mq] of fresh) {
      if (this.owned.has(key) || this.closed) continue;
      if (granted && !granted.has(key)) continue;
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
      pq.locked = true; // granted above, or no lock needed
      pq.lastLockTimestamp = Date.now();
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
      requireLock: this.locks !== undefined,
      pullBatchSize: tuning.pullBatchSize,
      suspendMs: tuning.suspendMs,
      postSubscriptionWhenPull: tuning.postSubscriptionWhenPull,
      log: tuning.log,
      ...(this.options.onRequestError ? { onError: this.options.onRequestError } : {}),
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

  /**
   * Java `removeUnnecessaryMessageQueue` for orderly clustering: wait (1 s) for the message in
   * the handler, then unlock: at once, or after 20 s when pulled messages were still waiting
   * (`unlockDelay`, so the in-flight pulls of this queue cannot race a new owner). A handler
   * slower than 1 s delays the unlock until it returns (Java would retry at the next round).
   */
  private async releaseOrderly(pq: ProcessQueue, orderly: OrderlyConsumeService): Promise<void> {
    if (!this.locks) {
      orderly.forget(pq);
      return;
    }
    const idle = await orderly.waitIdle(pq, RELEASE_WAIT_MS);
    const unlock = () => {
      const delayed = orderly.hasBuffered(pq);
      orderly.forget(pq);
      if (!delayed) return void this.locks?.unlock([pq.mq]);
      const timer = setTimeout(() => {
        this.unlockTimers.delete(timer);
        void this.locks?.unlock([pq.mq]);
      }, this.options.tuning?.unlockDelayMs ?? 20_000);
      this.unlockTimers.set(timer, pq.mq);
    };
    if (idle) unlock();
    else {
      this.options.tuning?.log?.(`${queueKey(pq.mq)} is still consuming, unlocking it when the handler returns`);
      void orderly.waitIdle(pq).then(unlock);
    }
  }

  /**
   * Java `RebalanceImpl.lockAll`, every 20 s: renews the lock of every owned queue; a queue the
   * broker did not grant stops consuming until a relock succeeds.
   */
  private async renewLocks(): Promise<void> {
    await this.lockQueues([...this.owned.values()].map((o) => o.pq));
  }

  private async lockQueues(pqs: ProcessQueue[]): Promise<void> {
    const live = pqs.filter((pq) => !pq.dropped);
    if (!this.locks || live.length === 0) return;
    const granted = await this.locks.lock(live.map((pq) => pq.mq));
    const now = Date.now();
    for (const pq of live) {
      if (granted.has(queueKey(pq.mq))) {
        pq.locked = true;
        pq.lastLockTimestamp = now;
      } else pq.locked = false;
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
    clearInterval(this.lockTimer);
    await this.consume.stop(this.options.tuning?.closeTimeoutMs ?? 10_000);
    const owned = [...this.owned.values()];
    for (const { pq } of owned) pq.drop();
    if (this.model === 'CLUSTERING')
      await this.offsets.persistOnClose(
        owned.map(({ pq }) => pq.mq),
        this.options.tuning?.log,
      );
    // Java's orderly shutdown unlocks everything (`unlockAllMQ`); delayed unlocks go now too.
    for (const t of this.unlockTimers.keys()) clearTimeout(t);
    const pendingUnlocks = [...this.unlockTimers.values()];
    this.unlockTimers.clear();
    // A consumer closed without goodbye (unregister false) leaves its locks to expire, as a killed one would.
    if (this.locks && options.unregister !== false)
      await this.locks.unlock([...owned.map(({ pq }) => pq.mq), ...pendingUnlocks]);
    this.instance.unregisterConsumer(this.options.group);
    if (options.unregister !== false) await this.instance.unregister({ consumerGroup: this.options.group });
    await this.instance.close();
    await Promise.all(owned.map((o) => o.loop));
    this.owned.clear();
  }
}
