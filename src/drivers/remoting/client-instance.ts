/**
 * The Node counterpart of Java's `MQClientInstance`: on top of the protocol's `RemotingClient`
 * (connections, name servers, route cache), the heartbeat loop, route refresh, and dispatch of
 * broker-initiated requests to the consumer of the named group. Unlike Java, every producer and
 * consumer owns its own instance (and sockets): the broker keys producers and consumers by
 * channel, so two instances with one client id work, and a fault on one client never silently
 * affects another living in the same process.
 *
 * The harness needs two things Java hides: `pauseHeartbeats()` (a zombie: the process and
 * its sockets stay up, the broker stops hearing from it and expires it after ~120 s) and
 * close without UNREGISTER_CLIENT (an instance that vanishes without saying goodbye).
 */
import { UsageError } from '../../util/errors.ts';
import {
  RemotingClient,
  RequestCode,
  ResponseCode,
  createRequest,
  expectCode,
  type AclCredentials,
  type RemotingCommand,
  type SubscriptionData,
} from '../../protocol/index.ts';
import type { TransactionChecker } from '../driver.ts';
import { MessageProperty, decodeMessage } from './message-decoder.ts';
import { endTransactionRequest } from './transaction.ts';

export interface ClientTuning {
  /** Java `heartbeatBrokerInterval`: 30 s. */
  heartbeatIntervalMs?: number;
  /** Java `pollNameServerInterval`: 30 s. */
  pollNameServerIntervalMs?: number;
  /** Java `mqClientApiTimeout`: 3 s. */
  requestTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface ConsumerData {
  groupName: string;
  /** Push consumers are passive (the client feeds a listener); lite pull consumers active. */
  consumeType: 'CONSUME_PASSIVELY' | 'CONSUME_ACTIVELY';
  messageModel: 'CLUSTERING' | 'BROADCASTING';
  consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET';
  subscriptionDataSet: SubscriptionData[];
  unitMode: false;
}

/** What a consumer gives the instance so it can heartbeat for it and answer the broker about it. */
export interface ConsumerHooks {
  consumerData(): ConsumerData;
  onConsumerIdsChanged(): void;
  runningInfo(): Buffer;
}

/** The plan's route refresh (a fleet's `routeRefresh`) over the driver's tuning. */
export function withRouteRefresh(tuning: ClientTuning | undefined, routeRefreshMs: number | undefined): ClientTuning {
  return routeRefreshMs === undefined ? (tuning ?? {}) : { ...tuning, pollNameServerIntervalMs: routeRefreshMs };
}

export class ClientInstance extends RemotingClient {
  private readonly producers = new Set<string>();
  /** Producer groups that answer check-backs (transactional producers), by group. */
  private readonly checkers = new Map<string, TransactionChecker>();
  private readonly consumers = new Map<string, ConsumerHooks>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private routeTimer: NodeJS.Timeout | undefined;
  private heartbeatsPaused = false;
  private closed = false;

  /** `brokerAddressMap`: listed broker address → address to dial (see `ProducerOptions.brokerAddressMap`). */
  constructor(
    namesrvAddr: string,
    instanceName: string,
    private readonly tuning: ClientTuning = {},
    brokerAddressMap: Readonly<Record<string, string>> = {},
    credentials?: AclCredentials,
  ) {
    super(namesrvAddr, instanceName, {
      requestTimeoutMs: tuning.requestTimeoutMs,
      routeMaxAgeMs: tuning.pollNameServerIntervalMs,
      brokerAddressMap,
      ...(credentials ? { credentials } : {}),
    });
  }

  // ---- participants and heartbeats --------------------------------------------------

  /** `checker`: the group sends transactional messages, and answers the broker's check-backs with it. */
  registerProducer(group: string, checker?: TransactionChecker): void {
    this.producers.add(group);
    if (checker) this.checkers.set(group, checker);
    this.startTimers();
  }

  unregisterProducer(group: string): void {
    this.producers.delete(group);
    this.checkers.delete(group);
  }

  registerConsumer(group: string, hooks: ConsumerHooks): void {
    if (this.consumers.has(group)) {
      throw new UsageError(
        `consumer group ${group} already has a consumer in client instance ${this.clientId}`,
        'give each consumer of a group its own instanceName',
      );
    }
    this.consumers.set(group, hooks);
    this.startTimers();
  }

  unregisterConsumer(group: string): void {
    this.consumers.delete(group);
  }

  get isIdle(): boolean {
    return this.producers.size === 0 && this.consumers.size === 0;
  }

  /** Zombie simulation: sockets stay open, pulls go on, but the broker hears no heartbeat. */
  pauseHeartbeats(): void {
    this.heartbeatsPaused = true;
  }

  resumeHeartbeats(): void {
    this.heartbeatsPaused = false;
    void this.sendHeartbeats();
  }

  get heartbeatsArePaused(): boolean {
    return this.heartbeatsPaused;
  }

  /** HEART_BEAT to every known broker; failures are logged and retried next round, as Java does. */
  async sendHeartbeats(): Promise<void> {
    if (this.heartbeatsPaused || this.closed || this.isIdle) return;
    await Promise.all(this.brokerAddrs().map((addr) => this.heartbeatTo(addr)));
  }

  /**
   * Java 5.x's `enableHeartbeatChannelEventListener` (on by default since 5.1; 4.9 clients lack
   * it): a connection to a broker that opens again (after a dropped link, a broker restart)
   * heartbeats at once. Without it a member whose channel the broker closed stays unregistered
   * there until its next 30 s heartbeat, and the others rebalance its queues away meanwhile:
   * measured, 36 times the duplicates of the Java client across the flap-duplicates plan.
   */
  protected override onConnected(addr: string): void {
    if (this.heartbeatsPaused || this.closed || this.isIdle || !this.brokerAddrs().includes(addr)) return;
    void this.heartbeatTo(addr);
  }

  private async heartbeatTo(addr: string): Promise<void> {
    const body = Buffer.from(
      JSON.stringify({
        clientID: this.clientId,
        producerDataSet: [...this.producers].map((groupName) => ({ groupName })),
        consumerDataSet: [...this.consumers.values()].map((c) => c.consumerData()),
        heartbeatFingerprint: 0,
        withoutSub: false,
      }),
    );
    try {
      expectCode(
        await this.invoke(addr, createRequest(RequestCode.HEART_BEAT, {}, body)),
        addr,
        RequestCode.HEART_BEAT,
      );
    } catch (err) {
      this.tuning.log?.(`heartbeat to ${addr} failed: ${(err as Error).message}`);
    }
  }

  /** UNREGISTER_CLIENT on every known broker, so the group rebalances at once instead of after expiry. */
  async unregister(groups: { producerGroup?: string; consumerGroup?: string }): Promise<void> {
    await Promise.all(
      this.brokerAddrs().map(async (addr) => {
        try {
          const req = createRequest(RequestCode.UNREGISTER_CLIENT, { clientID: this.clientId, ...groups });
          expectCode(await this.invoke(addr, req), addr, RequestCode.UNREGISTER_CLIENT);
        } catch (err) {
          this.tuning.log?.(`unregister from ${addr} failed: ${(err as Error).message}`);
        }
      }),
    );
  }

  private startTimers(): void {
    if (this.heartbeatTimer || this.closed) return;
    this.heartbeatTimer = setInterval(() => void this.sendHeartbeats(), this.tuning.heartbeatIntervalMs ?? 30_000);
    this.routeTimer = setInterval(() => void this.refreshRoutes(), this.tuning.pollNameServerIntervalMs ?? 30_000);
  }

  private async refreshRoutes(): Promise<void> {
    for (const topic of this.routedTopics()) {
      try {
        await this.route(topic, 0);
      } catch (err) {
        this.tuning.log?.(`route refresh of ${topic} failed: ${(err as Error).message}`);
      }
    }
  }

  protected override onServerRequest(request: RemotingCommand, addr: string): RemotingCommand | undefined {
    if (request.code === RequestCode.CHECK_TRANSACTION_STATE) {
      void this.answerCheck(request, addr);
      return undefined; // sent oneway by the broker; the answer is an END_TRANSACTION
    }
    const group = request.extFields?.['consumerGroup'];
    const consumer = group === undefined ? undefined : this.consumers.get(group);
    switch (request.code) {
      case RequestCode.NOTIFY_CONSUMER_IDS_CHANGED:
        consumer?.onConsumerIdsChanged();
        return undefined; // sent oneway by the broker
      case RequestCode.GET_CONSUMER_RUNNING_INFO: {
        if (!consumer)
          return {
            ...createRequest(ResponseCode.SYSTEM_ERROR),
            remark: `The Consumer Group <${group}> not exist in this consumer`,
          };
        return { ...createRequest(ResponseCode.SUCCESS), body: consumer.runningInfo() };
      }
      default:
        return undefined;
    }
  }

  /**
   * Java's `checkTransactionState`: decode the half the broker sent, ask the checker of its
   * producer group (PGROUP), and answer on the same connection with a oneway END_TRANSACTION
   * marked fromTransactionCheck. A half of a group this instance does not send for is ignored,
   * as Java logs and drops it; a checker that throws answers nothing (the broker asks again).
   */
  private async answerCheck(request: RemotingCommand, addr: string): Promise<void> {
    try {
      if (!request.body) throw new Error('check-back without a message body');
      const message = decodeMessage(request.body);
      const group = message.properties[MessageProperty.PRODUCER_GROUP] ?? '';
      const checker = this.checkers.get(group);
      if (!checker) {
        this.tuning.log?.(`check-back for producer group ${JSON.stringify(group)}, which this instance does not run`);
        return;
      }
      const msgId = message.properties[MessageProperty.UNIQ_KEY] ?? message.offsetMsgId;
      const tag = message.properties[MessageProperty.TAGS];
      const outcome = await checker({
        topic: message.topic,
        ...(tag ? { tag } : {}),
        properties: message.properties,
        bornTimestamp: message.bornTimestamp,
        msgId,
      });
      const header = request.extFields ?? {};
      if (this.closed) return;
      await this.invokeOneway(
        addr,
        endTransactionRequest({
          topic: message.topic,
          producerGroup: group,
          tranStateTableOffset: Number(header['tranStateTableOffset']),
          commitLogOffset: Number(header['commitLogOffset']),
          outcome,
          fromTransactionCheck: true,
          msgId,
          transactionId: header['transactionId'] ?? msgId,
          brokerName: header['bname'] ?? '',
        }),
      );
    } catch (err) {
      this.tuning.log?.(`check-back from ${addr} not answered: ${(err as Error).message}`);
    }
  }

  /** Stops timers and closes every connection; waiting requests fail with RemotingClosedError. */
  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.routeTimer);
    await super.close();
  }
}
