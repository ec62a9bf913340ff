/**
 * The body we answer GET_CONSUMER_RUNNING_INFO (307) with: Java's `ConsumerRunningInfo`
 * as fastjson writes it. The broker forwards it untouched to whoever asked (mqadmin
 * `consumerStatus`/`consumerProgress`, the dashboard, this harness's observer), and Java's
 * `ConsumerRunningInfo.analyzeSubscription` compares `subscriptionSet` across instances of
 * a group, which is how operators spot inconsistent subscriptions (seed problem 1). So the
 * keys and the object-keyed `mqTable` must be exactly Java's.
 */
import type { MessageQueueRef } from '../driver.ts';
import { stringifyFastjson, type FastjsonValue, type SubscriptionData } from '../../protocol/index.ts';
import type { ProcessQueue } from './process-queue.ts';

export interface RunningInfoInput {
  namesrvAddr: string;
  model: 'CLUSTERING' | 'BROADCASTING';
  consumeThreads: number;
  /** Orderly consumption: `PROP_CONSUMEORDERLY` and each queue's lock state. */
  orderly?: boolean;
  /** Java's PROP_CONSUME_TYPE: CONSUME_ACTIVELY for lite pull consumers, else push (passively). */
  consumeType?: 'CONSUME_PASSIVELY' | 'CONSUME_ACTIVELY';
  startedAt: number;
  subscriptions: SubscriptionData[];
  queues: ProcessQueue[];
  committedOffset: (mq: MessageQueueRef) => number | undefined;
  /** Harness-specific facts, shown by mqadmin under "User Consumer Info". */
  userInfo?: Record<string, string>;
}

export function buildRunningInfo(input: RunningInfoInput): Buffer {
  const mqTable = new Map<FastjsonValue, FastjsonValue>();
  // TreeMap<MessageQueue, ...> order: topic, broker name, queue id.
  const sorted = [...input.queues].sort((a, b) =>
    a.mq.topic < b.mq.topic
      ? -1
      : a.mq.topic > b.mq.topic
        ? 1
        : a.mq.brokerName < b.mq.brokerName
          ? -1
          : a.mq.brokerName > b.mq.brokerName
            ? 1
            : a.mq.queueId - b.mq.queueId,
  );
  for (const pq of sorted) {
    const range = pq.pendingRange();
    mqTable.set(
      { brokerName: pq.mq.brokerName, queueId: pq.mq.queueId, topic: pq.mq.topic },
      {
        commitOffset: input.committedOffset(pq.mq) ?? -1,
        cachedMsgMinOffset: range?.min ?? 0,
        cachedMsgMaxOffset: range?.max ?? 0,
        cachedMsgCount: pq.pendingCount,
        cachedMsgSizeInMiB: 0,
        transactionMsgMinOffset: 0,
        transactionMsgMaxOffset: 0,
        transactionMsgCount: 0,
        locked: input.orderly === true && pq.locked,
        tryUnlockTimes: 0,
        lastLockTimestamp: input.orderly === true ? pq.lastLockTimestamp : 0,
        droped: pq.dropped, // sic: Java's field name
        lastPullTimestamp: pq.lastPullTimestamp,
        lastConsumeTimestamp: pq.lastConsumeTimestamp,
      },
    );
  }
  const subscriptionSet = [...input.subscriptions]
    .sort((a, b) => (`${a.topic}@${a.subString}` < `${b.topic}@${b.subString}` ? -1 : 1))
    .map((s): FastjsonValue => ({ ...s, tagsSet: [...s.tagsSet], codeSet: [...s.codeSet] }));
  const statusTable: Record<string, FastjsonValue> = {};
  for (const s of input.subscriptions) {
    statusTable[s.topic] = {
      pullRT: 0,
      pullTPS: 0,
      consumeRT: 0,
      consumeOKTPS: 0,
      consumeFailedTPS: 0,
      consumeFailedMsgs: 0,
    };
  }
  const info: FastjsonValue = {
    properties: {
      PROP_NAMESERVER_ADDR: input.namesrvAddr,
      PROP_THREADPOOL_CORE_SIZE: String(input.consumeThreads),
      PROP_CONSUMEORDERLY: String(input.orderly === true),
      PROP_CONSUME_TYPE: input.consumeType ?? 'CONSUME_PASSIVELY',
      PROP_CLIENT_VERSION: 'V5_3_3',
      PROP_CONSUMER_START_TIMESTAMP: String(input.startedAt),
      messageModel: input.model,
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      language: 'NODE_JS',
    },
    subscriptionSet,
    mqTable,
    mqPopTable: {},
    statusTable,
    userConsumerInfo: input.userInfo ?? {},
  };
  return Buffer.from(stringifyFastjson(info), 'utf8');
}
