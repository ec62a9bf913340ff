/**
 * Producer speaking SEND_MESSAGE_V2 (the short-field header Java sends by default).
 * Behaviour follows `DefaultMQProducerImpl.sendDefaultImpl` with its defaults: round-robin
 * over the topic's writable queues across brokers, up to 2 retries that prefer a broker
 * other than the one that just failed, retries only on transport errors and the broker codes
 * in `retryResponseCodes`, and one send timeout budget shared by all attempts.
 */
import type {
  HalfSendResult,
  OutgoingMessage,
  Producer,
  ProducerOptions,
  SendResult,
  MessageQueueRef,
  TransactionOutcome,
} from '../driver.ts';
import { ClientInstance, withRouteRefresh, type ClientTuning } from './client-instance.ts';
import {
  RETRYABLE_SEND_CODES,
  RemotingError,
  RemotingResponseError,
  RemotingTimeoutError,
  RequestCode,
  ResponseCode,
  createRequest,
  javaStringHashCode,
  publishQueues,
} from '../../protocol/index.ts';
import { KEY_SEPARATOR, MessageProperty, formatProperties } from './message-decoder.ts';
import { createUniqId } from './message-id.ts';
import { SendFailedError } from './send-failed-error.ts';
import { encodeBatchBody } from './batch-encoding.ts';
import { MAX_MESSAGE_SIZE, MessageTooLargeError } from './message-too-large-error.ts';
import { UsageError } from '../../util/errors.ts';
import { commitLogOffsetOf, endTransactionRequest, TransactionSysFlag } from './transaction.ts';

export interface RemotingProducerOptions extends ProducerOptions {
  /** Java `retryTimesWhenSendFailed`: 2. */
  retryTimesWhenSendFailed?: number;
  tuning?: ClientTuning;
}

/** Broker answers that still mean "stored" (Java maps them to a non-OK SendStatus, not an exception). */
const STORED_CODES: readonly number[] = [
  ResponseCode.SUCCESS,
  ResponseCode.FLUSH_DISK_TIMEOUT,
  ResponseCode.FLUSH_SLAVE_TIMEOUT,
  ResponseCode.SLAVE_NOT_AVAILABLE,
];

export class RemotingProducer implements Producer {
  private sendWhichQueue = Math.floor(Math.random() * 1024);
  private closed = false;

  private constructor(
    private readonly instance: ClientInstance,
    private readonly options: RemotingProducerOptions,
  ) {}

  static async start(options: RemotingProducerOptions): Promise<RemotingProducer> {
    const instance = new ClientInstance(
      options.namesrvAddr,
      options.instanceName,
      withRouteRefresh(options.tuning, options.routeRefreshMs),
      options.brokerAddressMap,
      options.credentials,
    );
    instance.registerProducer(options.group, options.transactionChecker);
    return new RemotingProducer(instance, options);
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  /** Zombie simulation for producers: keep sending, stop heartbeating. */
  pauseHeartbeats(): void {
    this.instance.pauseHeartbeats();
  }

  resumeHeartbeats(): void {
    this.instance.resumeHeartbeats();
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const { result } = await this.sendOne(message, {}, 0);
    return result;
  }

  /**
   * Java's `sendMessageInTransaction` up to the local transaction: the message with TRAN_MSG and
   * PGROUP and the prepared sysFlag, sent (and retried) as any message; the broker stores it
   * as a half, invisible to consumers until END_TRANSACTION commits it.
   */
  async sendHalf(message: OutgoingMessage): Promise<HalfSendResult> {
    if (message.deliverAfterMs !== undefined) throw new UsageError('a transactional message cannot be delayed');
    const { result, transactionId, offsetMsgId } = await this.sendOne(
      message,
      {
        [MessageProperty.TRANSACTION_PREPARED]: 'true',
        [MessageProperty.PRODUCER_GROUP]: this.options.group,
      },
      TransactionSysFlag.PREPARED,
    );
    return { ...result, transactionId: transactionId || result.msgId, commitLogOffset: commitLogOffsetOf(offsetMsgId) };
  }

  /** Java's `endTransaction`: one oneway END_TRANSACTION to the master that stored the half. */
  async endTransaction(topic: string, half: HalfSendResult, outcome: TransactionOutcome): Promise<void> {
    this.checkOpen();
    const addr = this.instance.masterOf(half.brokerName);
    if (!addr) throw new SendFailedError(topic, []);
    const request = endTransactionRequest({
      topic,
      producerGroup: this.options.group,
      tranStateTableOffset: half.queueOffset,
      commitLogOffset: half.commitLogOffset,
      outcome,
      fromTransactionCheck: false,
      msgId: half.msgId,
      transactionId: half.transactionId,
      brokerName: half.brokerName,
    });
    await this.instance.invokeOneway(addr, request);
  }

  private async sendOne(
    message: OutgoingMessage,
    extraProperties: Record<string, string>,
    sysFlag: number,
  ): Promise<{ result: SendResult; transactionId: string; offsetMsgId: string }> {
    this.checkOpen();
    if (message.body.length === 0) throw new UsageError('message body is empty; RocketMQ rejects empty bodies');
    if (message.body.length > MAX_MESSAGE_SIZE)
      throw new MessageTooLargeError(message.body.length, MAX_MESSAGE_SIZE, 'message body');
    const started = Date.now();
    const uniqId = createUniqId(started);
    const properties = formatProperties({ ...this.systemProperties(message, uniqId), ...extraProperties });
    let transactionId = '';
    const stored = await this.sendWithRetries(
      message.topic,
      message.shardingKey,
      RequestCode.SEND_MESSAGE_V2,
      started,
      (mq, addr, remaining) =>
        this.sendTo(mq, addr, message.body, properties, started, remaining, false, sysFlag, (id) => {
          transactionId = id;
        }),
    );
    // sendTo reports the broker's offset message id as msgId; callers get the unique id.
    return { result: { ...stored, msgId: uniqId }, transactionId, offsetMsgId: stored.msgId };
  }

  /**
   * Java's `send(Collection<Message>)`: one SEND_BATCH_MESSAGE request whose body is every
   * message encoded (`MessageBatch.encode`), to one queue, with the single send's retries.
   * The broker stores the batch at consecutive offsets of that queue and answers with the
   * first, so message i's offset is first + i. Each message keeps its own unique id. Like
   * Java, one message or the whole batch over maxMessageSize fails the batch before it leaves.
   */
  async sendBatch(messages: readonly OutgoingMessage[]): Promise<SendResult[]> {
    this.checkOpen();
    const first = messages[0];
    if (!first) throw new UsageError('a batch needs at least one message');
    for (const m of messages) {
      if (m.topic !== first.topic)
        throw new UsageError(`a batch goes to one topic; it holds ${first.topic} and ${m.topic}`);
      if (m.deliverAfterMs !== undefined || m.delayLevel !== undefined || m.shardingKey !== undefined)
        throw new UsageError('a batch holds no delayed or ordered messages (the broker refuses them in a batch)');
      if (m.body.length === 0) throw new UsageError('message body is empty; RocketMQ rejects empty bodies');
      if (m.body.length > MAX_MESSAGE_SIZE)
        throw new MessageTooLargeError(m.body.length, MAX_MESSAGE_SIZE, 'message body');
    }
    const started = Date.now();
    const uniqIds = messages.map(() => createUniqId(started));
    const body = encodeBatchBody(
      messages.map((m, i) => ({
        flag: 0,
        body: m.body,
        properties: formatProperties(this.systemProperties(m, uniqIds[i]!)),
      })),
    );
    // Java checks the encoded batch against maxMessageSize as if it were one message's body.
    if (body.length > MAX_MESSAGE_SIZE) throw new MessageTooLargeError(body.length, MAX_MESSAGE_SIZE, 'batch body');
    const batchProperties = formatProperties({ [MessageProperty.WAIT_STORE_MSG_OK]: 'true' });
    const stored = await this.sendWithRetries(
      first.topic,
      undefined,
      RequestCode.SEND_BATCH_MESSAGE,
      started,
      (mq, addr, remaining) => this.sendTo(mq, addr, body, batchProperties, started, remaining, true),
    );
    return uniqIds.map((msgId, i) => ({
      msgId,
      brokerName: stored.brokerName,
      queueId: stored.queueId,
      queueOffset: stored.queueOffset < 0 ? -1 : stored.queueOffset + i,
    }));
  }

  private checkOpen(): void {
    if (this.closed) throw new UsageError(`producer ${this.options.group} is closed`);
  }

  /** `sendDefaultImpl`: pick a queue, send, retry elsewhere on transport errors and retryable codes. */
  private async sendWithRetries(
    topic: string,
    shardingKey: string | undefined,
    requestCode: RequestCode,
    started: number,
    attempt: (mq: MessageQueueRef, addr: string, remainingMs: number) => Promise<SendResult>,
  ): Promise<SendResult> {
    const timeoutMs = this.options.sendTimeoutMs ?? 3000;
    const firstRoute = this.instance.brokerAddrs().length === 0;
    const route = await this.instance.route(topic);
    // Like Java's first send, the new broker learns about this producer right away.
    if (firstRoute) void this.instance.sendHeartbeats();
    const queues = publishQueues(topic, route);
    if (queues.length === 0) throw new SendFailedError(topic, []);

    const attempts: { brokerName: string; error: RemotingError }[] = [];
    const timesTotal = 1 + (this.options.retryTimesWhenSendFailed ?? 2);
    let lastBroker: string | undefined;
    for (let times = 0; times < timesTotal; times++) {
      const remaining = timeoutMs - (Date.now() - started);
      if (remaining <= 0) break; // Java: "sendDefaultImpl call timeout"
      // Ordered messages stay on their sharding key's queue, retries included (Java's
      // SelectMessageQueueByHash: |hashCode| % queue count).
      const mq =
        shardingKey === undefined
          ? this.selectQueue(queues, lastBroker)
          : queues[Math.abs(javaStringHashCode(shardingKey)) % queues.length]!;
      lastBroker = mq.brokerName;
      try {
        return await attempt(mq, this.instance.requireMaster(mq.brokerName, requestCode), remaining);
      } catch (err) {
        if (!(err instanceof RemotingError)) throw err;
        attempts.push({ brokerName: mq.brokerName, error: err });
        if (err instanceof RemotingResponseError && !RETRYABLE_SEND_CODES.has(err.responseCode)) break;
      }
    }
    if (attempts.length === 0)
      attempts.push({
        brokerName: lastBroker ?? '?',
        error: new RemotingTimeoutError('-', requestCode, timeoutMs),
      });
    throw new SendFailedError(topic, attempts);
  }

  private systemProperties(message: OutgoingMessage, uniqId: string): Record<string, string> {
    const props: Record<string, string> = { ...message.properties };
    if (message.tag !== undefined && message.tag !== '') props[MessageProperty.TAGS] = message.tag;
    if (message.keys && message.keys.length > 0) props[MessageProperty.KEYS] = message.keys.join(KEY_SEPARATOR);
    props[MessageProperty.WAIT_STORE_MSG_OK] = 'true';
    if (message.deliverAfterMs !== undefined) props[MessageProperty.TIMER_DELAY_MS] = String(message.deliverAfterMs);
    if (message.delayLevel !== undefined) props[MessageProperty.DELAY] = String(message.delayLevel);
    props[MessageProperty.UNIQ_KEY] = uniqId;
    return props;
  }

  /** Java's `selectOneMessageQueue(lastBrokerName)`: next queue round-robin, avoiding the broker that just failed. */
  private selectQueue(queues: MessageQueueRef[], lastBroker: string | undefined): MessageQueueRef {
    for (let i = 0; i < queues.length; i++) {
      const mq = queues[this.sendWhichQueue++ % queues.length]!;
      if (lastBroker === undefined || mq.brokerName !== lastBroker) return mq;
    }
    return queues[this.sendWhichQueue++ % queues.length]!;
  }

  private async sendTo(
    mq: MessageQueueRef,
    addr: string,
    body: Buffer,
    properties: string,
    bornTimestamp: number,
    timeoutMs: number,
    batch = false,
    sysFlag = 0,
    onTransactionId?: (id: string) => void,
  ): Promise<SendResult> {
    const requestCode = batch ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE_V2;
    const request = createRequest(
      requestCode,
      {
        a: this.options.group,
        b: mq.topic,
        c: 'TBW102', // defaultTopic: only used when the broker auto-creates topics
        d: 4, // defaultTopicQueueNums
        e: mq.queueId,
        f: sysFlag, // not compressed; prepared for a transactional half
        g: bornTimestamp,
        h: 0, // flag
        i: properties,
        j: 0, // reconsumeTimes
        k: false, // unitMode
        m: batch,
        n: mq.brokerName,
      },
      body,
    );
    const response = await this.instance.invoke(addr, request, timeoutMs);
    if (!STORED_CODES.includes(response.code))
      throw new RemotingResponseError(response.code, response.remark, addr, requestCode);
    onTransactionId?.(String(response.extFields?.['transactionId'] ?? ''));
    const queueId = Number(response.extFields?.['queueId'] ?? mq.queueId);
    return {
      msgId: String(response.extFields?.['msgId'] ?? ''), // the offset id; callers report unique ids
      brokerName: mq.brokerName,
      queueId,
      queueOffset: Number(response.extFields?.['queueOffset'] ?? -1),
    };
  }

  /** Unregisters the producer group from every broker (as Java's shutdown does), then closes sockets. */
  async close(options: { unregister?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.instance.unregisterProducer(this.options.group);
    if (options.unregister !== false) await this.instance.unregister({ producerGroup: this.options.group });
    await this.instance.close();
  }
}
