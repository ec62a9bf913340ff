/**
 * Producer speaking SEND_MESSAGE_V2 (the short-field header Java sends by default).
 * Behaviour follows `DefaultMQProducerImpl.sendDefaultImpl` with its defaults: round-robin
 * over the topic's writable queues across brokers, up to 2 retries that prefer a broker
 * other than the one that just failed, retries only on transport errors and the broker codes
 * in `retryResponseCodes`, and one send timeout budget shared by all attempts.
 */
import type { OutgoingMessage, Producer, ProducerOptions, SendResult, MessageQueueRef } from '../driver.ts';
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
import { UsageError } from '../../util/errors.ts';

export interface RemotingProducerOptions extends ProducerOptions {
  /** Java `retryTimesWhenSendFailed`: 2. */
  retryTimesWhenSendFailed?: number;
  tuning?: ClientTuning;
}

/** Java `maxMessageSize`: 4 MiB. */
const MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
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
    );
    instance.registerProducer(options.group);
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
    if (this.closed) throw new UsageError(`producer ${this.options.group} is closed`);
    if (message.body.length === 0) throw new UsageError('message body is empty; RocketMQ rejects empty bodies');
    if (message.body.length > MAX_MESSAGE_SIZE)
      throw new UsageError(`message body is ${message.body.length} bytes; the limit is ${MAX_MESSAGE_SIZE}`);
    const timeoutMs = this.options.sendTimeoutMs ?? 3000;
    const started = Date.now();
    const uniqId = createUniqId(started);
    const properties = formatProperties(this.systemProperties(message, uniqId));

    const firstRoute = this.instance.brokerAddrs().length === 0;
    const route = await this.instance.route(message.topic);
    // Like Java's first send, the new broker learns about this producer right away.
    if (firstRoute) void this.instance.sendHeartbeats();
    const queues = publishQueues(message.topic, route);
    if (queues.length === 0) throw new SendFailedError(message.topic, []);

    const attempts: { brokerName: string; error: RemotingError }[] = [];
    const timesTotal = 1 + (this.options.retryTimesWhenSendFailed ?? 2);
    let lastBroker: string | undefined;
    for (let times = 0; times < timesTotal; times++) {
      const remaining = timeoutMs - (Date.now() - started);
      if (remaining <= 0) break; // Java: "sendDefaultImpl call timeout"
      // Ordered messages stay on their sharding key's queue, retries included (Java's
      // SelectMessageQueueByHash: |hashCode| % queue count).
      const mq =
        message.shardingKey === undefined
          ? this.selectQueue(queues, lastBroker)
          : queues[Math.abs(javaStringHashCode(message.shardingKey)) % queues.length]!;
      lastBroker = mq.brokerName;
      try {
        return await this.sendTo(mq, message, properties, uniqId, started, remaining);
      } catch (err) {
        if (!(err instanceof RemotingError)) throw err;
        attempts.push({ brokerName: mq.brokerName, error: err });
        if (err instanceof RemotingResponseError && !RETRYABLE_SEND_CODES.has(err.responseCode)) break;
      }
    }
    if (attempts.length === 0)
      attempts.push({
        brokerName: lastBroker ?? '?',
        error: new RemotingTimeoutError('-', RequestCode.SEND_MESSAGE_V2, timeoutMs),
      });
    throw new SendFailedError(message.topic, attempts);
  }

  private systemProperties(message: OutgoingMessage, uniqId: string): Record<string, string> {
    const props: Record<string, string> = { ...message.properties };
    if (message.tag !== undefined && message.tag !== '') props[MessageProperty.TAGS] = message.tag;
    if (message.keys && message.keys.length > 0) props[MessageProperty.KEYS] = message.keys.join(KEY_SEPARATOR);
    props[MessageProperty.WAIT_STORE_MSG_OK] = 'true';
    if (message.deliverAfterMs !== undefined) props[MessageProperty.TIMER_DELAY_MS] = String(message.deliverAfterMs);
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
    message: OutgoingMessage,
    properties: string,
    uniqId: string,
    bornTimestamp: number,
    timeoutMs: number,
  ): Promise<SendResult> {
    const addr = this.instance.masterOf(mq.brokerName);
    if (!addr)
      throw new RemotingResponseError(
        ResponseCode.BROKER_NOT_EXIST,
        `no master for ${mq.brokerName}`,
        mq.brokerName,
        RequestCode.SEND_MESSAGE_V2,
      );
    const request = createRequest(
      RequestCode.SEND_MESSAGE_V2,
      {
        a: this.options.group,
        b: mq.topic,
        c: 'TBW102', // defaultTopic: only used when the broker auto-creates topics
        d: 4, // defaultTopicQueueNums
        e: mq.queueId,
        f: 0, // sysFlag: not compressed, not transactional
        g: bornTimestamp,
        h: 0, // flag
        i: properties,
        j: 0, // reconsumeTimes
        k: false, // unitMode
        m: false, // batch
        n: mq.brokerName,
      },
      message.body,
    );
    const response = await this.instance.invoke(addr, request, timeoutMs);
    if (!STORED_CODES.includes(response.code))
      throw new RemotingResponseError(response.code, response.remark, addr, RequestCode.SEND_MESSAGE_V2);
    const queueId = Number(response.extFields?.['queueId'] ?? mq.queueId);
    return {
      msgId: uniqId,
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
