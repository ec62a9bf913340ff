/**
 * Admin requests the harness needs to set up a run and to observe the cluster from the
 * broker's side (kept next to client-side numbers, because where they disagree is a
 * finding): cluster info, topic creation, max offsets, the consumer list and connections
 * a broker holds for a group, consume stats (per-queue broker and consumer offsets), a
 * consumer instance's running info (which the broker fetches from the client), and the
 * subscription groups a broker knows.
 */
import { z } from 'zod';
import { ClientInstance } from './client-instance.ts';
import { createRequest, expectCode } from './connection.ts';
import { RequestCode } from './request-codes.ts';
import { objectKey } from './lenient-json.ts';
import { consumerIdList } from './rebalance.ts';
import { ClusterInfoSchema, Perm, mapBrokerAddrs, parseBody, type ClusterInfo, type TopicRoute } from './route.ts';

export interface CreateTopicOptions {
  topic: string;
  readQueueNums: number;
  writeQueueNums: number;
  /** Default 6 (read + write). */
  perm?: number;
  /** Only brokers of this cluster; default every cluster the name server knows. */
  clusterName?: string;
}

export interface QueueConsumeStats {
  topic: string;
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  pullOffset: number;
  /** Store time of the last consumed message (0 when none). */
  lastTimestamp: number;
}

const OffsetWrapperSchema = z.object({
  brokerOffset: z.number(),
  consumerOffset: z.number(),
  pullOffset: z.number().default(0),
  lastTimestamp: z.number().default(0),
});
const ConsumeStatsSchema = z.object({
  consumeTps: z.number().default(0),
  offsetTable: z.record(z.string(), OffsetWrapperSchema),
});
const QueueKeySchema = z.object({ topic: z.string(), brokerName: z.string(), queueId: z.number() });
const SubscriptionSchema = z.object({
  topic: z.string(),
  subString: z.string(),
  tagsSet: z.array(z.string()).default([]),
  subVersion: z.number(),
});
const ConsumerConnectionSchema = z.object({
  connectionSet: z.array(
    z.object({ clientId: z.string(), clientAddr: z.string(), language: z.string(), version: z.number() }),
  ),
  subscriptionTable: z.record(z.string(), SubscriptionSchema).default({}),
  consumeType: z.string().optional(),
  messageModel: z.string().optional(),
  consumeFromWhere: z.string().optional(),
});
export type ConsumerConnection = z.infer<typeof ConsumerConnectionSchema>;
const RunningInfoSchema = z
  .object({
    properties: z.record(z.string(), z.unknown()).default({}),
    subscriptionSet: z.array(SubscriptionSchema).default([]),
    mqTable: z.record(z.string(), z.object({ commitOffset: z.number() }).passthrough()).default({}),
  })
  .passthrough();
/** `SubscriptionGroupWrapper`: group name → `SubscriptionGroupConfig` (only the names are read). */
const SubscriptionGroupWrapperSchema = z.object({
  subscriptionGroupTable: z.record(z.string(), z.unknown()).default({}),
});
export interface ConsumerRunningInfo {
  properties: Record<string, unknown>;
  subscriptions: z.infer<typeof SubscriptionSchema>[];
  queues: { topic: string; brokerName: string; queueId: number; commitOffset: number }[];
}

export class RemotingAdmin {
  private constructor(private readonly instance: ClientInstance) {}

  /** `brokerAddressMap` rewrites broker addresses from routes and cluster info (e.g. around Toxiproxy for observers). */
  static create(options: {
    namesrvAddr: string;
    instanceName?: string;
    requestTimeoutMs?: number;
    brokerAddressMap?: Record<string, string>;
  }): RemotingAdmin {
    return new RemotingAdmin(
      new ClientInstance(
        options.namesrvAddr,
        options.instanceName ?? `admin-${process.pid}`,
        { requestTimeoutMs: options.requestTimeoutMs ?? 5000 },
        options.brokerAddressMap,
      ),
    );
  }

  async clusterInfo(): Promise<ClusterInfo> {
    const { response, addr } = await this.instance.invokeNamesrv(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO));
    expectCode(response, addr, RequestCode.GET_BROKER_CLUSTER_INFO);
    const info = parseBody(ClusterInfoSchema, response.body, 'cluster info');
    const names = Object.keys(info.brokerAddrTable);
    const mapped = mapBrokerAddrs(Object.values(info.brokerAddrTable), this.instance.brokerAddressMap);
    return { ...info, brokerAddrTable: Object.fromEntries(names.map((name, i) => [name, mapped[i]!])) };
  }

  /** Master addresses of the brokers of `clusterName` (or of every cluster). */
  async masterAddrs(clusterName?: string): Promise<{ brokerName: string; addr: string }[]> {
    const info = await this.clusterInfo();
    const names = clusterName ? (info.clusterAddrTable[clusterName] ?? []) : Object.keys(info.brokerAddrTable);
    return names.sort().flatMap((brokerName) => {
      const addr = info.brokerAddrTable[brokerName]?.brokerAddrs['0'];
      return addr ? [{ brokerName, addr }] : [];
    });
  }

  /** UPDATE_AND_CREATE_TOPIC on every master (what `mqadmin updateTopic -c` does); returns the brokers. */
  async createTopic(options: CreateTopicOptions): Promise<{ brokerName: string; addr: string }[]> {
    const masters = await this.masterAddrs(options.clusterName);
    await Promise.all(
      masters.map(async ({ addr }) => {
        const response = await this.instance.invoke(
          addr,
          createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
            topic: options.topic,
            defaultTopic: 'TBW102',
            readQueueNums: options.readQueueNums,
            writeQueueNums: options.writeQueueNums,
            perm: options.perm ?? Perm.READ_WRITE,
            topicFilterType: 'SINGLE_TAG',
            topicSysFlag: 0,
            order: false,
          }),
        );
        expectCode(response, addr, RequestCode.UPDATE_AND_CREATE_TOPIC);
      }),
    );
    return masters;
  }

  /** Fresh route from the name server (no cache: admin callers want the current truth). */
  route(topic: string): Promise<TopicRoute> {
    return this.instance.route(topic, 0);
  }

  async maxOffset(brokerAddr: string, topic: string, queueId: number): Promise<number> {
    const response = await this.instance.invoke(
      brokerAddr,
      createRequest(RequestCode.GET_MAX_OFFSET, { topic, queueId }),
    );
    expectCode(response, brokerAddr, RequestCode.GET_MAX_OFFSET);
    return Number(response.extFields?.['offset']);
  }

  consumerIdList(brokerAddr: string, group: string): Promise<string[]> {
    return consumerIdList(this.instance, brokerAddr, group);
  }

  /** GET_CONSUME_STATS: per queue, the broker's max offset and the group's committed offset. */
  async consumeStats(
    brokerAddr: string,
    group: string,
    topic?: string,
  ): Promise<{ consumeTps: number; queues: QueueConsumeStats[] }> {
    const response = await this.instance.invoke(
      brokerAddr,
      createRequest(RequestCode.GET_CONSUME_STATS, { consumerGroup: group, topic }),
    );
    expectCode(response, brokerAddr, RequestCode.GET_CONSUME_STATS);
    const stats = parseBody(ConsumeStatsSchema, response.body, `consume stats of ${group}`);
    const queues = Object.entries(stats.offsetTable).map(([key, offsets]) => ({
      ...QueueKeySchema.parse(objectKey(key)),
      ...offsets,
    }));
    queues.sort((a, b) =>
      a.topic < b.topic
        ? -1
        : a.topic > b.topic
          ? 1
          : a.brokerName < b.brokerName
            ? -1
            : a.brokerName > b.brokerName
              ? 1
              : a.queueId - b.queueId,
    );
    return { consumeTps: stats.consumeTps, queues };
  }

  /** GET_CONSUMER_CONNECTION_LIST: who the broker thinks is in the group, and the group's subscriptions. */
  async consumerConnections(brokerAddr: string, group: string): Promise<ConsumerConnection> {
    const response = await this.instance.invoke(
      brokerAddr,
      createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group }),
    );
    expectCode(response, brokerAddr, RequestCode.GET_CONSUMER_CONNECTION_LIST);
    return parseBody(ConsumerConnectionSchema, response.body, `consumer connections of ${group}`);
  }

  /**
   * GET_CONSUMER_RUNNING_INFO: the broker asks the client itself; shows the client's own queues.
   * The broker waits up to 10 s for the client; `timeoutMs` (default 10 s) is how long we wait
   * for the broker, so an observer can give up on a frozen client sooner.
   */
  async consumerRunningInfo(
    brokerAddr: string,
    group: string,
    clientId: string,
    options: { timeoutMs?: number } = {},
  ): Promise<ConsumerRunningInfo> {
    const response = await this.instance.invoke(
      brokerAddr,
      createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, {
        consumerGroup: group,
        clientId,
        jstackEnable: false,
      }),
      options.timeoutMs ?? 10_000,
    );
    expectCode(response, brokerAddr, RequestCode.GET_CONSUMER_RUNNING_INFO);
    const info = parseBody(RunningInfoSchema, response.body, `running info of ${clientId}`);
    const queues = Object.entries(info.mqTable).map(([key, pq]) => ({
      ...QueueKeySchema.parse(objectKey(key)),
      commitOffset: pq.commitOffset,
    }));
    return { properties: info.properties, subscriptions: info.subscriptionSet, queues };
  }

  /**
   * GET_ALL_SUBSCRIPTIONGROUP_CONFIG: the names of every subscription group the broker knows
   * (created by a consumer's first heartbeat, or by `mqadmin updateSubGroup`), system ones included.
   */
  async allSubscriptionGroups(brokerAddr: string): Promise<string[]> {
    const response = await this.instance.invoke(
      brokerAddr,
      createRequest(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG),
    );
    expectCode(response, brokerAddr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
    const wrapper = parseBody(SubscriptionGroupWrapperSchema, response.body, `subscription groups of ${brokerAddr}`);
    return Object.keys(wrapper.subscriptionGroupTable).sort();
  }

  /** Deletes a topic from its brokers and the name server (for cleanup between runs). */
  async deleteTopic(topic: string, clusterName?: string): Promise<void> {
    for (const { addr } of await this.masterAddrs(clusterName)) {
      expectCode(
        await this.instance.invoke(addr, createRequest(RequestCode.DELETE_TOPIC_IN_BROKER, { topic })),
        addr,
        RequestCode.DELETE_TOPIC_IN_BROKER,
      );
    }
    const { response, addr } = await this.instance.invokeNamesrv(
      createRequest(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic, clusterName }),
    );
    expectCode(response, addr, RequestCode.DELETE_TOPIC_IN_NAMESRV);
  }

  close(): Promise<void> {
    return this.instance.close();
  }
}
