/**
 * Lite pull consumer, after Java's `DefaultLitePullConsumerImpl` with auto-commit, driven by
 * a poll loop that hands each polled message to the harness's handler (what a Java worker
 * does with `poll()`):
 * - subscribe (no `assign`): the group's client-side rebalance, as the push consumer's
 *   (`RebalanceLitePullImpl`; no %RETRY% topic: lite pull never sends messages back);
 * - assign: no rebalance at all (Java `SubscriptionType.ASSIGN`): the instance still
 *   heartbeats, with an empty subscription set, and takes the sorted queues at positions
 *   p % count == index, reported once.
 * Pull tasks fetch up to 10 messages per request (`pullBatchSize`) into a cache of batches;
 * `poll` (5 s timeout) takes one batch of one queue and records its queue's consume offset
 * past it; that offset goes to the offset store on the first poll 5 s after the last commit
 * (`maybeAutoCommit`), and the store to the broker every 5 s, as Java's client instance does.
 *
 * A `retry` outcome seeks the queue back to the failed message (Java `seek`): the rest of the
 * batch and the queue's cached batches are dropped, and pulling restarts at that offset, so
 * the message comes again from the broker with reconsumeTimes 0. As in Java, `seek` leaves the
 * recorded consume offset alone: an auto-commit before the message comes back commits past
 * it, and only a crash in that window would lose it.
 */
import type { Consumer, ConsumerOptions, MessageHandler, MessageQueueRef, QueueAssignmentByHand } from '../driver.ts';
import { UsageError } from '../../util/errors.ts';
import {
  buildSubscription,
  compareQueues,
  queueKey,
  subscribeQueues,
  type SubscriptionData,
} from '../../protocol/index.ts';
import { ClientInstance, withRouteRefresh, type ClientTuning, type ConsumerData } from './client-instance.ts';
import { toReceived, type MessageSink } from './consume-service.ts';
import type { StoredMessage } from './message-decoder.ts';
import { OffsetStore } from './offset-store.ts';
import { ProcessQueue } from './process-queue.ts';
import { pullLoop } from './queue-puller.ts';
import { RebalanceService, type RebalanceRound } from './rebalance.ts';
import { buildRunningInfo } from './running-info.ts';

export interface LitePullTuning extends ClientTuning {
  /** Java `RebalanceService` interval: 20 s. */
  rebalanceIntervalMs?: number;
  /** Java `persistConsumerOffsetInterval`: 5 s. */
  persistOffsetIntervalMs?: number;
  /** Java `DefaultLitePullConsumer.pullBatchSize`: 10. */
  litePullBatchSize?: number;
  /** Java `DefaultLitePullConsumer.pollTimeoutMillis`: 5 s. */
  pollTimeoutMs?: number;
  /** Java `autoCommitIntervalMillis`: 5 s. */
  autoCommitIntervalMs?: number;
  /** Java `pullThresholdForAll`: 10000 messages cached over all queues. */
  pullThresholdForAll?: number;
  /** Long-poll hold time asked of the broker: 15 s. */
  suspendMs?: number;
  /** How long close() waits for the handler in progress: 10 s. */
  closeTimeoutMs?: number;
}

export interface RemotingLitePullConsumerOptions extends ConsumerOptions {
  tuning?: LitePullTuning;
  /** Subscribe mode: every rebalance round, as the push consumer's. */
  onRebalance?: (round: RebalanceRound) => void;
}

/** One pull's messages of one queue, as Java's lite pull `ConsumeRequest`. */
interface CachedBatch {
  pq: ProcessQueue;
  messages: StoredMessage[];
}

interface OwnedQueue {
  pq: ProcessQueue;
  loop: Promise<void>;
}

/** Queues of an assign-mode instance: the sorted queues at positions p with p % count == index. */
export function queuesByHand(all: readonly MessageQueueRef[], assign: QueueAssignmentByHand): MessageQueueRef[] {
  if (!Number.isInteger(assign.count) || assign.count < 1 || assign.index < 0 || assign.index >= assign.count)
    throw new UsageError(`assign needs 0 <= index < count, got index ${assign.index} of count ${assign.count}`);
  return [...all].sort(compareQueues).filter((_, p) => p % assign.count === assign.index);
}

export class RemotingLitePullConsumer implements Consumer, MessageSink {
  private readonly model: 'CLUSTERING' | 'BROADCASTING';
  private readonly subscriptions = new Map<string, SubscriptionData>();
  private readonly owned = new Map<string, OwnedQueue>();
  /** Java `AssignedMessageQueue.consumeOffset`: past the last batch polled, per queue key. */
  private readonly consumeOffsets = new Map<string, { mq: MessageQueueRef; offset: number }>();
  private readonly offsets: OffsetStore;
  private readonly rebalance: RebalanceService | undefined;
  private readonly cache: CachedBatch[] = [];
  private wakeUp: (() => void) | undefined;
  private nextAutoCommitAt = 0;
  private persistTimer: NodeJS.Timeout | undefined;
  private consuming: Promise<void> | undefined;
  private closed = false;
  /** Per queue: the offset after the last message the handler finished (lowered by a seek back). */
  private readonly handledUpTo = new Map<string, number>();
  private readonly startedAt = Date.now();

  private constructor(
    private readonly instance: ClientInstance,
    private readonly options: RemotingLitePullConsumerOptions,
    private readonly handler: MessageHandler,
  ) {
    this.model = options.model === 'broadcasting' ? 'BROADCASTING' : 'CLUSTERING';
    for (const { topic, expression, type } of options.subscriptions)
      this.subscriptions.set(topic, buildSubscription(topic, expression, undefined, type));
    this.offsets = new OffsetStore(instance, options.group, this.model);
    if (!options.assign)
      this.rebalance = new RebalanceService({
        instance,
        group: options.group,
        model: this.model,
        intervalMs: options.tuning?.rebalanceIntervalMs,
        log: options.tuning?.log,
        topics: () => [...this.subscriptions.keys()],
        apply: (topic, queues) => this.apply(topic, queues),
        onRound: options.onRebalance,
      });
  }

  static async start(
    options: RemotingLitePullConsumerOptions,
    handler: MessageHandler,
  ): Promise<RemotingLitePullConsumer> {
    if (options.assign) queuesByHand([], options.assign); // reject a bad assignment before connecting
    const instance = new ClientInstance(
      options.namesrvAddr,
      options.instanceName,
      withRouteRefresh(options.tuning, options.routeRefreshMs),
      options.brokerAddressMap,
      options.credentials,
    );
    const consumer = new RemotingLitePullConsumer(instance, options, handler);
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
      onConsumerIdsChanged: () => void this.rebalance?.requestNow('notify'),
      runningInfo: () =>
        buildRunningInfo({
          namesrvAddr: options.namesrvAddr,
          model: this.model,
          consumeThreads: 1,
          consumeType: 'CONSUME_ACTIVELY',
          startedAt: this.startedAt,
          subscriptions: [...this.subscriptions.values()],
          queues: [...this.owned.values()].map((o) => o.pq),
          committedOffset: (mq) => this.offsets.read(mq),
          userInfo: { instanceName: options.instanceName, mode: options.assign ? 'pull-assign' : 'pull-subscribe' },
        }),
    });
    const routes = await Promise.all(
      [...this.subscriptions.keys()].map(async (topic) => {
        try {
          return subscribeQueues(topic, await instance.route(topic));
        } catch (err) {
          // Subscribe mode retries every round; assign mode has no later round.
          if (options.assign) throw err;
          return [];
        }
      }),
    );
    await instance.sendHeartbeats();
    this.persistTimer = setInterval(() => void this.persistOffsets(), options.tuning?.persistOffsetIntervalMs ?? 5000);
    this.nextAutoCommitAt = Date.now() + this.autoCommitIntervalMs;
    this.consuming = this.consumeLoop();
    if (this.rebalance) await this.rebalance.start();
    else if (options.assign) {
      for (const mq of queuesByHand(routes.flat(), options.assign)) await this.take(mq);
      this.emitAssignment();
    }
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  assignment(): MessageQueueRef[] {
    return [...this.owned.values()].map((o) => o.pq.mq).sort(compareQueues);
  }

  pauseHeartbeats(): void {
    this.instance.pauseHeartbeats();
  }

  resumeHeartbeats(): void {
    this.instance.resumeHeartbeats();
  }

  private get autoCommitIntervalMs(): number {
    return this.options.tuning?.autoCommitIntervalMs ?? 5000;
  }

  private consumerData(): ConsumerData {
    return {
      groupName: this.options.group,
      consumeType: 'CONSUME_ACTIVELY',
      messageModel: this.model,
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      // Assign mode subscribes nothing (Java's `subscriptions()` is the empty rebalance table).
      subscriptionDataSet: this.options.assign ? [] : [...this.subscriptions.values()],
      unitMode: false,
    };
  }

  /** Subscribe mode: makes the queues of `topic` equal `target` (see the push consumer's `apply`). */
  private async apply(topic: string, target: MessageQueueRef[]): Promise<void> {
    const wanted = new Map(target.map((mq) => [queueKey(mq), mq]));
    const released: ProcessQueue[] = [];
    for (const [key, { pq }] of this.owned) {
      if (pq.mq.topic !== topic || wanted.has(key)) continue;
      pq.drop();
      this.owned.delete(key);
      this.consumeOffsets.delete(key);
      this.handledUpTo.delete(key);
      released.push(pq);
    }
    if (released.length > 0) this.emitAssignment();
    for (const pq of released) {
      // Java `RebalanceLitePullImpl.removeUnnecessaryMessageQueue`: persist what the store has
      // (the last auto-commit), then forget it.
      await this.offsets.persist(pq.mq).catch(() => undefined);
      this.offsets.remove(pq.mq);
    }
    let taken = 0;
    for (const [key, mq] of wanted) if (!this.owned.has(key) && !this.closed && (await this.take(mq))) taken++;
    if (taken > 0) this.emitAssignment();
  }

  /** Starts pulling a queue from its committed offset; false if the offset cannot be read now. */
  private async take(mq: MessageQueueRef): Promise<boolean> {
    let start: number;
    try {
      start = await this.offsets.fetch(mq);
    } catch (err) {
      this.options.tuning?.log?.(`cannot read the offset of ${queueKey(mq)}: ${(err as Error).message}`);
      return false;
    }
    if (this.closed) return false;
    this.startPulling(new ProcessQueue(mq, start));
    return true;
  }

  private startPulling(pq: ProcessQueue): void {
    pq.locked = true; // lite pull takes no broker locks
    pq.lastLockTimestamp = Date.now();
    const tuning = this.options.tuning ?? {};
    const batchSize = tuning.litePullBatchSize ?? 10;
    const loop = pullLoop(pq, {
      instance: this.instance,
      group: this.options.group,
      model: this.model,
      subscription: (topic) => this.subscriptions.get(topic),
      offsets: this.offsets,
      consume: this,
      litePull: true,
      pullBatchSize: batchSize,
      suspendMs: tuning.suspendMs,
      holdBack: () => this.cache.length * batchSize > (tuning.pullThresholdForAll ?? 10_000),
      log: tuning.log,
      ...(this.options.onRequestError ? { onError: this.options.onRequestError } : {}),
    });
    this.owned.set(queueKey(pq.mq), { pq, loop });
  }

  /** Called by pull loops: caches one pull's messages for `poll`. */
  submit(pq: ProcessQueue, messages: StoredMessage[]): void {
    if (pq.dropped || this.closed) return;
    this.cache.push({ pq, messages });
    this.wakeUp?.();
  }

  /**
   * Java `poll(timeout)`: auto-commits when due, then returns the next cached batch of a queue
   * still ours (waiting up to `timeoutMs`), its queue's consume offset moved past it.
   */
  private async poll(timeoutMs: number): Promise<CachedBatch | undefined> {
    this.maybeAutoCommit();
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const batch = this.cache.shift();
      if (batch) {
        if (batch.pq.dropped) continue;
        // Java's poll goes through ProcessQueue.removeMessage, which stamps lastConsumeTimestamp:
        // the running info then shows a polled queue as consumed (diagnoses read it).
        batch.pq.lastConsumeTimestamp = Date.now();
        let offset = batch.pq.committableOffset();
        for (const m of batch.messages) offset = batch.pq.complete(m.queueOffset);
        this.consumeOffsets.set(queueKey(batch.pq.mq), { mq: batch.pq.mq, offset });
        return batch;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
    return undefined;
  }

  /** Java `maybeAutoCommit` + `commitAll`: consume offsets into the store, at most every 5 s. */
  private maybeAutoCommit(force = false): void {
    const now = Date.now();
    if (!force && now < this.nextAutoCommitAt) return;
    this.nextAutoCommitAt = now + this.autoCommitIntervalMs;
    for (const [key, { mq, offset }] of this.consumeOffsets) {
      const owned = this.owned.get(key);
      // Java `updateOffset(mq, offset, increaseOnly=false)`.
      if (owned && !owned.pq.dropped) this.offsets.reset(mq, offset);
    }
  }

  /** The worker's loop: poll, hand each message to the handler, seek back on `retry`. */
  private async consumeLoop(): Promise<void> {
    const pollTimeoutMs = this.options.tuning?.pollTimeoutMs ?? 5000;
    while (!this.closed) {
      const batch = await this.poll(pollTimeoutMs);
      if (!batch) continue;
      const key = queueKey(batch.pq.mq);
      for (const msg of batch.messages) {
        if (this.closed) {
          // Stopped mid-batch: commit no further than the first message not handled, but never
          // behind what this queue's earlier batches handled (a batch pulled twice must not move
          // the commit back to its start).
          const handled = this.handledUpTo.get(key) ?? 0;
          this.consumeOffsets.set(key, { mq: batch.pq.mq, offset: Math.max(msg.queueOffset, handled) });
          break;
        }
        let outcome;
        try {
          outcome = await this.handler(toReceived(msg, batch.pq));
        } catch (err) {
          this.options.tuning?.log?.(
            `pull handler threw at ${queueKey(batch.pq.mq)}@${msg.queueOffset}: ${(err as Error).message}`,
          );
          outcome = 'retry' as const;
        }
        if (outcome === 'retry') {
          this.handledUpTo.set(key, msg.queueOffset);
          this.seek(batch.pq, msg.queueOffset);
          break;
        }
        this.handledUpTo.set(key, Math.max(this.handledUpTo.get(key) ?? 0, msg.queueOffset + 1));
      }
    }
  }

  /**
   * Java `seek(mq, offset)`: drops the queue's cached batches and its pull task, and pulls again
   * from `offset` (a fresh process queue, so a pull in flight for the old one is discarded).
   */
  private seek(pq: ProcessQueue, offset: number): void {
    const key = queueKey(pq.mq);
    if (pq.dropped || this.owned.get(key)?.pq !== pq || this.closed) return; // no longer ours
    pq.drop();
    this.startPulling(new ProcessQueue(pq.mq, offset));
  }

  private emitAssignment(): void {
    if (this.closed) return;
    try {
      this.options.onAssignment?.(this.assignment(), Date.now());
    } catch (err) {
      this.options.tuning?.log?.(`onAssignment threw: ${(err as Error).message}`);
    }
  }

  private async persistOffsets(): Promise<void> {
    await this.offsets.persistAll([...this.owned.values()].map((o) => o.pq.mq));
  }

  /**
   * Stops the poll loop after the message in the handler (bounded), commits what was consumed
   * (Java's shutdown `commitAll` and `persistAllConsumerOffset`), unregisters unless told not
   * to, and closes every socket and timer.
   */
  async close(options: { unregister?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeUp?.();
    await this.rebalance?.stop();
    clearInterval(this.persistTimer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.consuming,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.options.tuning?.closeTimeoutMs ?? 10_000);
      }),
    ]);
    clearTimeout(timer);
    this.maybeAutoCommit(true);
    const owned = [...this.owned.values()];
    for (const { pq } of owned) pq.drop();
    if (this.model === 'CLUSTERING')
      await this.offsets.persistOnClose(
        owned.map(({ pq }) => pq.mq),
        this.options.tuning?.log,
      );
    this.instance.unregisterConsumer(this.options.group);
    if (options.unregister !== false) await this.instance.unregister({ consumerGroup: this.options.group });
    await this.instance.close();
    await Promise.all(owned.map((o) => o.loop));
    this.owned.clear();
    this.cache.length = 0;
  }
}
