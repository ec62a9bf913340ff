/**
 * Client-side rebalance, as Java's `RebalanceService` + `RebalanceImpl` run it: at start,
 * every 20 s, and at once when a broker sends NOTIFY_CONSUMER_IDS_CHANGED. Each round, per
 * subscribed topic: read the route (readable queues), ask one of the topic's brokers, picked
 * at random like `findBrokerAddrByTopic`, for the group's consumer ids, and allocate
 * averagely. Clustering only; broadcasting takes every queue.
 *
 * Because every instance computes its share from what *its* broker said, instances that see
 * different consumer lists (a zombie still registered, a broker the instance cannot reach)
 * compute overlapping or gappy shares: that is the production behaviour the harness measures.
 */
import {
  allocateAveragely,
  consumerIdList,
  isRetryTopic,
  masterAddr,
  subscribeQueues,
  type MessageQueueRef,
} from '../../protocol/index.ts';
import type { ClientInstance } from './client-instance.ts';

/**
 * Why a round ran: at start, the periodic timer, a broker's NOTIFY_CONSUMER_IDS_CHANGED, a
 * caller, or a retry an orderly consumer asked for because a queue's lock was not granted.
 */
export type RebalanceReason = 'start' | 'timer' | 'notify' | 'manual' | 'retry';

export interface RebalanceRound {
  reason: RebalanceReason;
  startedAtMs: number;
  finishedAtMs: number;
}

export interface RebalanceOptions {
  instance: ClientInstance;
  group: string;
  model: 'CLUSTERING' | 'BROADCASTING';
  /** Topics to balance (clustering includes the group's %RETRY% topic). */
  topics: () => string[];
  /** Applies one topic's target queues; called every round, whether or not they changed. */
  apply: (topic: string, queues: MessageQueueRef[]) => Promise<void>;
  /** After each round (rounds never overlap), with why it ran and when. */
  onRound?: (round: RebalanceRound) => void;
  /** Java `RebalanceService` wait interval: 20 s. */
  intervalMs?: number;
  log?: (message: string) => void;
}

export class RebalanceService {
  private timer: NodeJS.Timeout | undefined;
  private laterTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again: RebalanceReason | undefined;
  private stopped = false;

  constructor(private readonly options: RebalanceOptions) {}

  /** Runs the first round now and schedules the next ones. */
  async start(): Promise<void> {
    await this.requestNow('start');
    if (!this.stopped) this.timer = setInterval(() => void this.requestNow('timer'), this.options.intervalMs ?? 20_000);
  }

  /**
   * Runs a round now; if one is already running, exactly one more follows it, so a notify
   * that arrives mid-round is never lost and bursts of notifies do not pile up rounds.
   */
  requestNow(reason: RebalanceReason = 'manual'): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = reason;
      return this.running;
    }
    this.running = (async () => {
      try {
        let next: RebalanceReason | undefined = reason;
        while (next && !this.stopped) {
          this.again = undefined;
          await this.round(next);
          next = this.again;
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * One round `delayMs` from now (Java 5's `MQClientInstance.rebalanceLater`, which an
   * orderly consumer asks for, 500 ms, when a queue it was given is still locked by another).
   */
  requestLater(delayMs: number, reason: RebalanceReason = 'retry'): void {
    if (this.stopped || this.laterTimer) return;
    this.laterTimer = setTimeout(() => {
      this.laterTimer = undefined;
      void this.requestNow(reason);
    }, delayMs);
  }

  /** Stops scheduling and waits for a round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.laterTimer);
    await this.running;
  }

  private async round(reason: RebalanceReason): Promise<void> {
    const startedAtMs = Date.now();
    for (const topic of this.options.topics()) {
      if (this.stopped) return;
      try {
        const target = await this.targetQueues(topic);
        if (target && !this.stopped) await this.options.apply(topic, target);
      } catch (err) {
        // Java keeps the current assignment when a round fails for a topic; so do we. A retry
        // topic has no route until the broker registers it (after the first heartbeat or
        // send-back), which is normal, not worth a log line every round.
        if (!isRetryTopic(topic))
          this.options.log?.(`rebalance of ${this.options.group}/${topic} failed: ${(err as Error).message}`);
      }
    }
    this.options.onRound?.({ reason, startedAtMs, finishedAtMs: Date.now() });
  }

  private async targetQueues(topic: string): Promise<MessageQueueRef[] | undefined> {
    const { instance, group, model } = this.options;
    const route = await instance.route(topic);
    const queues = subscribeQueues(topic, route);
    if (model === 'BROADCASTING') return queues;
    const brokers = route.brokerDatas;
    if (brokers.length === 0) return undefined;
    const broker = brokers[Math.floor(Math.random() * brokers.length)]!;
    const addr = masterAddr(route, broker.brokerName) ?? Object.values(broker.brokerAddrs)[0];
    if (!addr) return undefined;
    const cids = await consumerIdList(instance, addr, group);
    if (cids.length === 0) return undefined;
    return allocateAveragely(instance.clientId, queues, cids);
  }
}
