/**
 * What the brokers say about consumer groups at one moment: the raw material of diagnoses,
 * read the way `mqadmin consumerConnection`, `consumerStatus` and `consumerProgress` read it
 * (consumer connection list, each client's running info through the broker, consume stats,
 * topic routes). The same shape comes from a run's observer (with process facts the harness
 * knows) and from `doctor` against any cluster (without them).
 */
import type { Subscription } from '../protocol/index.ts';

export interface QueueRef {
  topic: string;
  broker: string;
  queueId: number;
}

export interface QueueOffsets extends QueueRef {
  /** The broker's max offset of the queue. */
  brokerOffset: number;
  /** The group's committed offset on the broker (-1 or 0 when none yet). */
  consumerOffset: number;
  /** Store time of the last consumed message, epoch ms (0 when none). */
  lastTimestamp: number;
  /**
   * Set for queues of a subscribed topic that the broker's consume stats leave out (it lists
   * only topics the group has committed offsets for and its subscription table holds): where
   * lag counts from while nothing is committed, i.e. the queue's offset when the run started
   * (runs) or its oldest retained message (doctor).
   */
  startOffset?: number;
}

/** A queue a client holds, with what its running info says of it (Java's ProcessQueueInfo). */
export interface HeldQueue extends QueueRef {
  /** When the client last pulled it / last handed one of its messages to the listener, epoch ms. */
  lastPullTimestamp?: number;
  lastConsumeTimestamp?: number;
}

/** A client's `Subscription` (expression as the client wrote it: `*`, `TagA || TagB`), as it reports it. */
export interface ClientSubscription extends Subscription {
  /** The tags the client parsed from the expression (its `tagsSet`); empty for `*`. */
  tags: string[];
  /**
   * The subVersion its pulls carry: Java stamps it when it subscribes and again on every
   * rebalance that changes the topic's queues (RebalancePushImpl.messageQueueChanged).
   */
  subVersion?: number;
}

/** A subscription in a broker's table for the group. */
export interface BrokerSubscription extends Subscription {
  /** The subVersion of the heartbeat it came from: the broker refuses pulls carrying a newer one. */
  subVersion?: number;
}

/**
 * What the harness knows of a client's process, when the client is one of its fleet
 * instances: `running`, `paused` (SIGSTOP), `gone` (exited or killed). Absent in doctor.
 */
export type ProcessState = 'running' | 'paused' | 'gone';

export interface ClientView {
  /**
   * As the broker (or, for a gRPC client, the proxy) lists it: `127.0.0.3@billing#1` for a
   * remoting client, `host@pid@index@time` for a gRPC one.
   */
  clientId: string;
  /**
   * `pop`: a gRPC client the proxy lists; it consumes by pop through the proxy, holds no queue,
   * and no broker lists it or can ask it for running info. Absent: a remoting client the brokers list.
   */
  via?: 'pop';
  /** The run's instance id behind the client (`billing#1`), when the harness knows it (runs only). */
  instance?: string;
  /** The client's address as the broker sees the connection. */
  addr: string;
  language: string;
  version: number;
  /** Master brokers whose connection list holds this client (none for a pop client). */
  brokers: string[];
  /** For a pop client: the proxies (remoting addresses) whose connection list holds it. */
  proxies?: string[];
  /**
   * From the client's own running info; for a pop client (whose running info nothing can
   * fetch), what the run configured its instance with (runs only; `subscriptionsFrom: plan`).
   */
  subscriptions?: ClientSubscription[];
  subscriptionsFrom?: 'running-info' | 'plan';
  /** Queues the client holds (its running info's mqTable); absent when unknown. */
  queues?: HeldQueue[];
  /**
   * Its running info's PROP_CONSUME_TYPE: CONSUME_ACTIVELY for pull consumers, whose every pull
   * carries its own subscription (the broker does not filter it with the group's table).
   */
  consumeType?: string;
  /** Why running info is missing (the client did not answer the broker in time, ...). */
  runningInfoError?: string;
  /** Harness knowledge of the process behind the client (runs only). */
  process?: ProcessState;
}

export interface BrokerGroupView {
  broker: string;
  addr: string;
  /** Client ids this broker holds a live connection for (empty: none registered here). */
  clientIds: string[];
  /** The group's subscription table on this broker (what it filters pulls with). */
  subscriptions: BrokerSubscription[];
  /**
   * For a pop group (no heartbeat reaches the broker): the expression of the group's latest
   * pop of each topic on this broker (QUERY_SUBSCRIPTION_BY_CONSUMER), asked a few times in a
   * row, in the order seen, a repeat left out (`T: A, B, A` when it changed twice). Each pop
   * filters with its own expression, so instances that disagree make it change from pop to pop.
   */
  lastPop?: Subscription[];
  /** Set when the broker did not answer; `clientIds` is then empty and unknown. */
  error?: string;
}

/** A proxy's view of a group consumed through it (GET_CONSUMER_CONNECTION_LIST on its remoting port). */
export interface ProxyGroupView {
  /** The proxy's remoting address. */
  addr: string;
  /** gRPC clients of the group connected to this proxy. */
  clientIds: string[];
  /**
   * The proxy's table: the subscriptions of the client whose settings it received last (it
   * filters nothing with it; every pop carries the popping client's own expression).
   */
  subscriptions: Subscription[];
  /** CONSUME_ACTIVELY for simple consumers (the Node driver), CONSUME_PASSIVELY for push ones. */
  consumeType?: string;
  /** Set when the proxy did not answer. */
  error?: string;
}

export interface GroupSnapshot {
  group: string;
  /**
   * Present when the group is consumed by pop through proxies (gRPC clients): each proxy's
   * view. Its members are the clients the proxies list; the brokers list none of them.
   */
  pop?: { proxies: ProxyGroupView[] };
  /** `CLUSTERING` / `BROADCASTING` as a broker reports it; absent when no broker had a connection. */
  messageModel?: string;
  /** One entry per master broker. */
  brokers: BrokerGroupView[];
  /** Every client any broker lists, merged by client id. */
  clients: ClientView[];
  /** The group's consume stats on every master, retry and DLQ topics left out. */
  queues: QueueOffsets[];
  /** Per topic the group subscribes (per any client or broker): every queue its route has. */
  topicQueues: Record<string, QueueRef[]>;
}

export interface ClusterSnapshot {
  /** When collection started, epoch ms. */
  at: number;
  /** Master brokers, by name. */
  brokers: { name: string; addr: string }[];
  groups: GroupSnapshot[];
  /** Requests that failed in a way that makes the snapshot partial (one line each). */
  errors: string[];
}
