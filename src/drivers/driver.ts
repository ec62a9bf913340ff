/**
 * The client-driver extension point: one implementation per client protocol
 * (`remoting` speaks the classic RocketMQ protocol, `grpc` the RocketMQ 5 proxy protocol).
 * A driver instance lives inside one fleet worker process, so each client instance is a
 * real OS process that faults can kill, pause or restart.
 */
import type { AclCredentials, MessageQueueRef, Subscription } from '../protocol/index.ts';

/** What a producer asks to send. Identity (run, producer, seq) travels in `properties`. */
export interface OutgoingMessage {
  topic: string;
  tag?: string;
  keys?: string[];
  body: Buffer;
  /** User properties; the harness puts its message identity here. */
  properties: Record<string, string>;
  /** Messages with the same sharding key go to the same queue (ordered messages). */
  shardingKey?: string;
  /** Deliver this long after sending (a 5.x timer message: TIMER_DELAY_MS). */
  deliverAfterMs?: number;
  /** Deliver after this delay level's time (message property DELAY; 4.x and 5.x). */
  delayLevel?: number;
}

export interface SendResult {
  msgId: string;
  brokerName: string;
  queueId: number;
  queueOffset: number;
}

/** One message as a consumer sees it, with the broker-side coordinates. */
export interface ReceivedMessage {
  msgId: string;
  topic: string;
  tag?: string;
  keys?: string[];
  brokerName: string;
  queueId: number;
  queueOffset: number;
  body: Buffer;
  properties: Record<string, string>;
  /** Producer's clock at send, ms since epoch (same host as the consumer in this harness). */
  bornTimestamp: number;
  storeTimestamp: number;
  reconsumeTimes: number;
}

// RocketMQ's `MessageQueue`: every driver reports assignments in the protocol's terms.
export type { MessageQueueRef };

/** `success` acknowledges; `retry` asks for redelivery (send-back / nack), as a Java listener's RECONSUME_LATER. */
export type ConsumeOutcome = 'success' | 'retry';

export type MessageHandler = (message: ReceivedMessage) => Promise<ConsumeOutcome> | ConsumeOutcome;

export interface ProducerOptions {
  namesrvAddr: string;
  /**
   * The proxy's gRPC endpoint (`host:port`) for drivers that talk to a proxy (`grpc` uses `endpoint ?? namesrvAddr`).
   */
  endpoint?: string;
  group: string;
  /** Stable per process; shows in the broker's connection list. */
  instanceName: string;
  sendTimeoutMs?: number;
  /**
   * Listed broker address → the address to dial instead (`host:port` both). Applied to every
   * broker address a driver takes from route or cluster data, so a client role can reach a
   * broker through its own path (with the network on, consumers pass `consumers->broker-a`
   * while the name server lists the producers' listener). Drivers that never dial brokers
   * themselves (`grpc`: the proxy does) ignore it.
   */
  brokerAddressMap?: Record<string, string>;
  /** A cluster with authentication on: the user's keys; every request is signed with them. */
  credentials?: AclCredentials;
  /** How often to refresh topic routes from the name servers (Java pollNameServerInterval, default 30 s). */
  routeRefreshMs?: number;
  /** A transactional producer's answer to the broker's check-backs (Java's TransactionMQProducer listener). */
  transactionChecker?: TransactionChecker;
}

export type ConsumptionModel = 'clustering' | 'broadcasting';

/**
 * How the client fetches: `push` (a listener the client feeds, Java `DefaultMQPushConsumer`),
 * `pull` (a lite pull consumer the driver polls, Java `DefaultLitePullConsumer`), `simple`
 * (receive and ack, the gRPC `SimpleConsumer`). A driver refuses a mode it cannot run.
 */
export type ConsumerMode = 'push' | 'pull' | 'simple';

/**
 * `concurrently`: messages of a queue are handled in parallel, a `retry` comes back later
 * (Java `MessageListenerConcurrently`); `orderly`: one message at a time per queue under a
 * broker lock, a `retry` suspends the queue and redelivers the same message
 * (`MessageListenerOrderly`). Pull mode has no listener: it consumes a queue in order anyway.
 */
export type ConsumeStyle = 'concurrently' | 'orderly';

/** Pull mode's hand assignment: take the sorted queues at positions p with p % count == index. */
export interface QueueAssignmentByHand {
  index: number;
  count: number;
}

export interface ConsumerOptions {
  namesrvAddr: string;
  /**
   * The proxy's gRPC endpoint (`host:port`) for drivers that talk to a proxy (`grpc` uses `endpoint ?? namesrvAddr`).
   */
  endpoint?: string;
  group: string;
  instanceName: string;
  model: ConsumptionModel;
  /** One entry per topic, with its tag expression (`*`, `TagA || TagB`). */
  subscriptions: readonly Subscription[];
  /** Called after every rebalance that changed this instance's queues. */
  onAssignment?: (queues: MessageQueueRef[], atMs: number) => void;
  /** As `ProducerOptions.brokerAddressMap` (the cluster's `clientAddressMaps.consumers`). */
  brokerAddressMap?: Record<string, string>;
  /** A cluster with authentication on: the user's keys; every request is signed with them. */
  credentials?: AclCredentials;
  /**
   * A pull failed (the client waits and pulls again, as Java's does): `reason` is countable,
   * `broker:NO_PERMISSION(16)`, `timeout`, `connect` (RemotingError.reason).
   */
  onRequestError?: (reason: string) => void;
  /** As `ProducerOptions.routeRefreshMs`. */
  routeRefreshMs?: number;
  /** Default `push`. */
  mode?: ConsumerMode;
  /** Default `concurrently`. */
  consume?: ConsumeStyle;
  /**
   * Pull mode only: assign these queues by hand (no rebalance; `onAssignment` reports them
   * once). Absent: subscribe, and the group's rebalance shares the queues.
   */
  assign?: QueueAssignmentByHand;
  /**
   * Concurrent push consumers in clustering: redeliveries of a failed message before the broker
   * moves it to `%DLQ%<group>` (Java `setMaxReconsumeTimes`, default 16). Other drivers and
   * modes do not read it (plan validation refuses `deadLetter` there).
   */
  maxReconsumeTimes?: number;
}

/** A local transaction's outcome, as END_TRANSACTION reports it (Java's LocalTransactionState). */
export type TransactionOutcome = 'commit' | 'rollback' | 'unknown';

/** A half (prepared) message the broker stored, with what END_TRANSACTION needs to name it. */
export interface HalfSendResult extends SendResult {
  /** The broker's transaction id, else the message's unique id (Java's sendResult.getTransactionId()). */
  transactionId: string;
  /** Where the half sits in the broker's commit log (from its offset message id). */
  commitLogOffset: number;
}

/** A broker's check-back (CHECK_TRANSACTION_STATE): the half message, as the broker stored it. */
export interface TransactionCheck {
  topic: string;
  /** The half's tag, if it has one. */
  tag?: string;
  /** The half's user and system properties; the harness's identity is among them. */
  properties: Record<string, string>;
  /** When the half was sent, the sender's clock. */
  bornTimestamp: number;
  /** The message's unique id (UNIQ_KEY). */
  msgId: string;
}

/**
 * Answers check-backs for a producer group (Java's TransactionListener.checkLocalTransaction);
 * any live instance of the group may be asked about any instance's half.
 */
export type TransactionChecker = (check: TransactionCheck) => Promise<TransactionOutcome> | TransactionOutcome;

export interface Producer {
  send(message: OutgoingMessage): Promise<SendResult>;
  /**
   * Transactional messages (Java's sendMessageInTransaction, split in two so the caller runs
   * the local transaction in between): store a half the broker keeps from consumers, then
   * commit, roll back or leave it unknown (the broker then checks back, see
   * `ProducerOptions.transactionChecker`). Only drivers that speak it have them (remoting);
   * plan validation refuses `transaction` elsewhere.
   */
  sendHalf?(message: OutgoingMessage): Promise<HalfSendResult>;
  endTransaction?(topic: string, half: HalfSendResult, outcome: TransactionOutcome): Promise<void>;
  /**
   * One request carrying all `messages` (one topic, no delay, no sharding key), one result per
   * message in order; all fail together. Only drivers whose protocol has a batch send have it
   * (remoting: SEND_BATCH_MESSAGE); plan validation refuses `batch` elsewhere.
   */
  sendBatch?(messages: readonly OutgoingMessage[]): Promise<SendResult[]>;
  close(): Promise<void>;
}

export interface ConsumerCloseOptions {
  /**
   * false: skip the unregister request (the instance vanishes without a goodbye). The broker
   * still notices the closed sockets at once; only `pauseHeartbeats` keeps a zombie around.
   */
  unregister?: boolean;
}

export interface Consumer {
  /** Queues this instance currently owns (clustering) or reads (broadcasting). */
  assignment(): MessageQueueRef[];
  /** Stop fetching, persist offsets, unregister from brokers. */
  close(options?: ConsumerCloseOptions): Promise<void>;
  /**
   * Optional fault hooks, for drivers whose protocol has client heartbeats (remoting):
   * stop heartbeating while sockets stay open and consumption goes on (a zombie the broker
   * expires only after its channel timeout, ~120 s), and start again.
   */
  pauseHeartbeats?(): void;
  resumeHeartbeats?(): void;
}

export interface ClientDriver {
  readonly name: string;
  createProducer(options: ProducerOptions): Promise<Producer>;
  createConsumer(options: ConsumerOptions, handler: MessageHandler): Promise<Consumer>;
}
