/**
 * The long-polling pull loop of one assigned queue, after `DefaultMQPushConsumerImpl.pullMessage`:
 * PULL_MESSAGE with up to 32 messages, the broker holding the request up to 15 s when the
 * queue is empty (so a new message is delivered within milliseconds, not after a poll
 * interval), the committed offset piggybacked in `commitOffset`, and Java's back-off: 50 ms
 * when too many messages wait for the handler, 3 s after an error, 20 ms after FLOW_CONTROL.
 *
 * Tag filtering happens twice, as in Java: the broker drops messages whose tag hash is not in
 * the subscription's code set, then the client drops hash collisions by comparing tag strings.
 * By default the pull does not carry the expression (Java's `postSubscriptionWhenPull=false`):
 * the broker filters by the group's subscription from heartbeats. That is how one instance's
 * narrower expression can starve another's queues, the seed's problem 1.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientInstance } from './client-instance.ts';
import type { MessageSink } from './consume-service.ts';
import type { OffsetStore } from './offset-store.ts';
import type { ProcessQueue } from './process-queue.ts';
import {
  RemotingError,
  RequestCode,
  ResponseCode,
  acceptsTag,
  createRequest,
  responseCodeName,
  type SubscriptionData,
} from '../../protocol/index.ts';
import { decodeMessages } from './message-decoder.ts';

const FLAG_COMMIT_OFFSET = 0x1;
const FLAG_SUSPEND = 0x2;
const FLAG_SUBSCRIPTION = 0x4;
const FLAG_LITE_PULL_MESSAGE = 0x10;

export interface PullOptions {
  instance: ClientInstance;
  group: string;
  model: 'CLUSTERING' | 'BROADCASTING';
  subscription: (topic: string) => SubscriptionData | undefined;
  offsets: OffsetStore;
  consume: MessageSink;
  /**
   * Orderly push: pull only while the queue's broker lock is ours; otherwise wait 3 s (Java
   * `pullMessage`: "the message queue not be able to consume, because it's not locked").
   */
  requireLock?: boolean;
  /**
   * Lite pull (Java `DefaultLitePullConsumerImpl.pull`): the request carries the subscription
   * and the lite-pull flag, never a commit offset, and offsets move only when the caller polls.
   */
  litePull?: boolean;
  /** Java `pullBatchSize`: 32. */
  pullBatchSize?: number;
  /** Java `BROKER_SUSPEND_MAX_TIME_MILLIS`: 15 s. */
  suspendMs?: number;
  /** Java `CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND`: 30 s. */
  pullTimeoutMs?: number;
  /** Java `postSubscriptionWhenPull`: false. */
  postSubscriptionWhenPull?: boolean;
  /** Java `pullThresholdForQueue`: 1000 messages waiting for the handler. */
  pullThresholdForQueue?: number;
  /** Flow control over all queues (lite pull's `pullThresholdForAll`): true waits 50 ms. */
  holdBack?: () => boolean;
  log?: (message: string) => void;
  /** Each failed pull, by its countable reason. */
  onError?: (reason: string) => void;
}

/** Pulls until the queue is dropped; never throws. */
export async function pullLoop(pq: ProcessQueue, options: PullOptions): Promise<void> {
  while (!pq.dropped) {
    const delayMs = await pullOnce(pq, options).catch((err: unknown) => {
      if (!pq.dropped) {
        options.log?.(`pull ${pq.mq.topic}/${pq.mq.brokerName}/${pq.mq.queueId} failed: ${(err as Error).message}`);
        options.onError?.(err instanceof RemotingError ? err.reason : 'error');
      }
      return 3000;
    });
    if (delayMs > 0 && !pq.dropped) await sleep(delayMs, undefined, { signal: pq.signal }).catch(() => undefined);
  }
}

/** One pull round trip; returns how long to wait before the next one. */
async function pullOnce(pq: ProcessQueue, o: PullOptions): Promise<number> {
  const { mq } = pq;
  if (pq.pendingCount > (o.pullThresholdForQueue ?? 1000) || o.holdBack?.()) return 50;
  if (o.requireLock && !pq.locked) return 3000;
  const subscription = o.subscription(mq.topic);
  if (!subscription) return 3000;
  const addr = o.instance.masterOf(mq.brokerName);
  if (!addr) {
    await o.instance.route(mq.topic, 0);
    return 3000;
  }
  const lite = o.litePull ?? false;
  const commitOffset = o.model === 'CLUSTERING' && !lite ? (o.offsets.read(mq) ?? 0) : 0;
  const post = lite || (o.postSubscriptionWhenPull ?? false);
  const sysFlag =
    (commitOffset > 0 ? FLAG_COMMIT_OFFSET : 0) |
    FLAG_SUSPEND |
    (post ? FLAG_SUBSCRIPTION : 0) |
    (lite ? FLAG_LITE_PULL_MESSAGE : 0);
  const requestedOffset = pq.nextOffset;
  pq.lastPullTimestamp = Date.now();
  const response = await o.instance.invoke(
    addr,
    createRequest(RequestCode.PULL_MESSAGE, {
      consumerGroup: o.group,
      topic: mq.topic,
      queueId: mq.queueId,
      queueOffset: requestedOffset,
      maxMsgNums: o.pullBatchSize ?? 32,
      sysFlag,
      commitOffset,
      suspendTimeoutMillis: o.suspendMs ?? 15_000,
      subscription: post ? subscription.subString : undefined,
      subVersion: subscription.subVersion,
      // The broker matches the pull's type and subVersion against the heartbeat's subscription.
      expressionType: subscription.expressionType,
      maxMsgBytes: 2147483647,
      bname: mq.brokerName,
    }),
    o.pullTimeoutMs ?? 30_000,
  );
  if (pq.dropped) return 0;

  const next = Number(response.extFields?.['nextBeginOffset']);
  switch (response.code) {
    case ResponseCode.SUCCESS: {
      const delta = Number(response.extFields?.['offsetDelta'] ?? 0) || 0;
      const messages = decodeMessages(response.body ?? Buffer.alloc(0))
        .map((m) => (delta ? { ...m, queueOffset: m.queueOffset + delta } : m))
        .filter((m) => acceptsTag(subscription, m.properties['TAGS']));
      pq.add(messages.map((m) => m.queueOffset));
      if (Number.isFinite(next)) pq.nextOffset = next;
      if (messages.length > 0) o.consume.submit(pq, messages);
      else if (!lite) o.offsets.update(mq, pq.committableOffset());
      return 0;
    }
    case ResponseCode.PULL_NOT_FOUND:
    case ResponseCode.PULL_RETRY_IMMEDIATELY:
      // Nothing new, or nothing matching our tags: Java's correctTagsOffset commits past
      // filtered messages when nothing is waiting for the handler.
      if (Number.isFinite(next)) pq.nextOffset = next;
      if (pq.pendingCount === 0 && !lite) o.offsets.update(mq, pq.committableOffset());
      return 0;
    case ResponseCode.PULL_OFFSET_MOVED:
      o.log?.(
        `offset ${requestedOffset} of ${mq.topic}/${mq.brokerName}/${mq.queueId} is out of range; broker ` +
          `says continue at ${next}`,
      );
      // Java's lite pull only moves its pull offset; the push consumer also resets its stored one.
      if (Number.isFinite(next) && lite) pq.nextOffset = next;
      else if (Number.isFinite(next)) {
        pq.nextOffset = next;
        o.offsets.reset(mq, next);
        await o.offsets.persist(mq).catch(() => undefined);
      }
      return 0;
    case ResponseCode.FLOW_CONTROL:
      return 20;
    default:
      o.log?.(
        `pull ${mq.topic}/${mq.brokerName}/${mq.queueId} answered ${responseCodeName(response.code)}: ` +
          `${response.remark ?? ''}`,
      );
      // Counted like a RemotingResponseError's reason, so one table holds thrown and answered failures.
      o.onError?.(`broker:${responseCodeName(response.code)}`);
      return 3000;
  }
}
