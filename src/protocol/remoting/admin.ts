/**
 * Admin requests the harness needs to set up a run and to observe the cluster from the
 * broker's side (kept next to client-side numbers, because where they disagree is a
 * finding): cluster info, topic creation, max offsets, the consumer list and connections
 * a broker holds for a group, consume stats (per-queue broker and consumer offsets), a
 * consumer instance's running info (which the broker fetches from the client), and the
 * subscription groups a broker knows.
 */
import type { AclCredentials } from './acl-signature.ts';
import {
  ConsumeStatsSchema,
  ConsumerConnectionSchema,
  ConsumerIdListSchema,
  QuerySubscriptionSchema,
  QueueKeySchema,
  RunningInfoSchema,
  SubscriptionGroupWrapperSchema,
  type ConsumerConnection,
  type ConsumerRunningInfo,
  type QueueConsumeStats,
  type SubscriptionBody,
} from './admin-bodies.ts';
import { createRequest, expectCode } from './connection.ts';
import { objectKey } from './lenient-json.ts';
import { RemotingClient } from './remoting-client.ts';
import { RequestCode, ResponseCode } from './request-codes.ts';
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

/** GET_CONSUMER_LIST_BY_GROUP on one broker: the client ids it holds for the group (what rebalance divides by). */
export async function consumerIdList(client: RemotingClient, brokerAddr: string, group: string): Promise<string[]> {
  const response = await client.invoke(
    brokerAddr,
    createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group }),
  );
  expectCode(response, brokerAddr, RequestCode.GET_CONSUMER_LIST_BY_GROUP);
  return parseBody(ConsumerIdListSchema, response.body, `consumer list of ${group}`).consumerIdList;
}

export class RemotingAdmin {
  private constructor(private readonly client: RemotingClient) {}

  /**
   * `brokerAddressMap` rewrites broker addresses from routes and cluster info (e.g. around Toxiproxy for observers).
   */
  static create(options: {
    namesrvAddr: string;
    instanceName?: string;
    requestTimeoutMs?: number;
    brokerAddressMap?: Record<string, string>;
    /** An admin user's keys, for a cluster with authentication on. */
    credentials?: AclCredentials;
  }): RemotingAdmin {
    return new RemotingAdmin(
      new RemotingClient(options.namesrvAddr, options.instanceName ?? `admin-${process.pid}`, {
        requestTimeoutMs: options.requestTimeoutMs ?? 5000,
        brokerAddressMap: options.brokerAddressMap,
        ...(options.credentials ? { credentials: options.credentials } : {}),
      }),
    );
  }

  async clusterInfo(): Promise<ClusterInfo> {
    const { response, addr } = await this.client.invokeNamesrv(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO));
    expectCode(response, addr, RequestCode.GET_BROKER_CLUSTER_INFO);
    const info = parseBody(ClusterInfoSchema, response.body, 'cluster info');
    const names = Object.keys(info.brokerAddrTable);
    const mapped = mapBrokerAddrs(Object.values(info.brokerAddrTable), this.client.brokerAddressMap);
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
        const response = await this.client.invoke(
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

  /** Plain ACL: creates or replaces one (non-admin) account on one broker, which persists it to its file. */
  async updatePlainAccount(
    brokerAddr: string,
    account: {
      accessKey: string;
      secretKey: string;
      topicPerms: readonly string[];
      groupPerms: readonly string[];
      defaultTopicPerm: string;
      defaultGroupPerm: string;
    },
  ): Promise<void> {
    const response = await this.client.invoke(
      brokerAddr,
      createRequest(RequestCode.UPDATE_AND_CREATE_ACL_CONFIG, {
        accessKey: account.accessKey,
        secretKey: account.secretKey,
        admin: false,
        defaultTopicPerm: account.defaultTopicPerm,
        defaultGroupPerm: account.defaultGroupPerm,
        // An empty list does not parse on the broker; absent, the account keeps the one it has.
        topicPerms: account.topicPerms.length > 0 ? account.topicPerms.join(',') : undefined,
        groupPerms: account.groupPerms.length > 0 ? account.groupPerms.join(',') : undefined,
      }),
    );
    expectCode(response, brokerAddr, RequestCode.UPDATE_AND_CREATE_ACL_CONFIG);
  }

  /** ACL 2.0: a normal user on one broker (each broker keeps its own user store). */
  async createAclUser(brokerAddr: string, user: { username: string; password: string }): Promise<void> {
    const body = Buffer.from(JSON.stringify({ ...user, userType: 'Normal', userStatus: 'enable' }));
    const response = await this.client.invoke(
      brokerAddr,
      createRequest(RequestCode.AUTH_CREATE_USER, { username: user.username }, body),
    );
    expectCode(response, brokerAddr, RequestCode.AUTH_CREATE_USER);
  }

  /** ACL 2.0: Allow entries for `subject` (`User:name`), merged into its ACL on one broker. */
  async allowAcl(
    brokerAddr: string,
    subject: string,
    entries: readonly { resource: string; actions: readonly string[] }[],
  ): Promise<void> {
    const acl = {
      subject,
      policies: [
        {
          policyType: 'Custom',
          entries: entries.map((e) => ({ resource: e.resource, actions: e.actions, decision: 'Allow' })),
        },
      ],
    };
    const response = await this.client.invoke(
      brokerAddr,
      createRequest(RequestCode.AUTH_UPDATE_ACL, { subject }, Buffer.from(JSON.stringify(acl))),
    );
    expectCode(response, brokerAddr, RequestCode.AUTH_UPDATE_ACL);
  }

  /** ACL 2.0: removes `subject`'s entry for `resource` on one broker (what it was allowed there is gone). */
  async deleteAclEntry(brokerAddr: string, subject: string, resource: string): Promise<void> {
    const response = await this.client.invoke(
      brokerAddr,
      createRequest(RequestCode.AUTH_DELETE_ACL, { subject, policyType: 'Custom', resource }),
    );
    expectCode(response, brokerAddr, RequestCode.AUTH_DELETE_ACL);
  }

  /** Fresh route from the name server (no cache: admin callers want the current truth). */
  route(topic: string): Promise<TopicRoute> {
    return this.client.route(topic, 0);
  }

  async maxOffset(brokerAddr: string, topic: string, queueId: number): Promise<number> {
    const response = await this.client.invoke(
      brokerAddr,
      createRequest(RequestCode.GET_MAX_OFFSET, { topic, queueId }),
    );
    expectCode(response, brokerAddr, RequestCode.GET_MAX_OFFSET);
    return Number(response.extFields?.['offset']);
  }

  /**
   * One PULL_MESSAGE that reads a queue without a consumer: the request carries its own
   * subscription (`*`, the subscription flag), so the broker needs no heartbeat of `group`, and
   * it neither waits for new messages nor commits an offset. For reading a queue back (a
   * dead-letter queue after a run); the body is the stored messages, undecoded.
   */
  async pullOnce(
    brokerAddr: string,
    request: { group: string; topic: string; queueId: number; offset: number; maxMsgNums: number },
  ): Promise<{ code: number; nextBeginOffset: number; body: Buffer }> {
    const FLAG_SUBSCRIPTION = 0x4;
    const response = await this.client.invoke(
      brokerAddr,
      createRequest(RequestCode.PULL_MESSAGE, {
        consumerGroup: request.group,
        topic: request.topic,
        queueId: request.queueId,
        queueOffset: request.offset,
        maxMsgNums: request.maxMsgNums,
        sysFlag: FLAG_SUBSCRIPTION,
        commitOffset: 0,
        suspendTimeoutMillis: 0,
        subscription: '*',
        subVersion: Date.now(),
        expressionType: 'TAG',
        maxMsgBytes: 2147483647,
      }),
    );
    return {
      code: response.code,
      nextBeginOffset: Number(response.extFields?.['nextBeginOffset']),
      body: response.body ?? Buffer.alloc(0),
    };
  }

  async minOffset(brokerAddr: string, topic: string, queueId: number): Promise<number> {
    const response = await this.client.invoke(
      brokerAddr,
      createRequest(RequestCode.GET_MIN_OFFSET, { topic, queueId }),
    );
    expectCode(response, brokerAddr, RequestCode.GET_MIN_OFFSET);
    return Number(response.extFields?.['offset']);
  }

  /** QUERY_CONSUMER_OFFSET: the group's committed offset of one queue, undefined when it has none. */
  async committedOffset(
    brokerAddr: string,
    group: string,
    topic: string,
    queueId: number,
  ): Promise<number | undefined> {
    const response = await this.client.invoke(
      brokerAddr,
      createRequest(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId }),
    );
    expectCode(response, brokerAddr, RequestCode.QUERY_CONSUMER_OFFSET, [
      ResponseCode.SUCCESS,
      ResponseCode.QUERY_NOT_FOUND,
    ]);
    if (response.code !== ResponseCode.SUCCESS) return undefined;
    const offset = Number(response.extFields?.['offset']);
    return Number.isFinite(offset) && offset >= 0 ? offset : undefined;
  }

  consumerIdList(brokerAddr: string, group: string): Promise<string[]> {
    return consumerIdList(this.client, brokerAddr, group);
  }

  /** GET_CONSUME_STATS: per queue, the broker's max offset and the group's committed offset. */
  async consumeStats(
    brokerAddr: string,
    group: string,
    topic?: string,
  ): Promise<{ consumeTps: number; queues: QueueConsumeStats[] }> {
    const response = await this.client.invoke(
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
    const response = await this.client.invoke(
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
    const response = await this.client.invoke(
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
      ...(pq.lastPullTimestamp !== undefined ? { lastPullTimestamp: pq.lastPullTimestamp } : {}),
      ...(pq.lastConsumeTimestamp !== undefined ? { lastConsumeTimestamp: pq.lastConsumeTimestamp } : {}),
    }));
    return { properties: info.properties, subscriptions: info.subscriptionSet, queues };
  }

  /**
   * QUERY_SUBSCRIPTION_BY_CONSUMER: the broker's subscription of `group` to `topic`. For a group
   * consumed by pop through a proxy (no heartbeat reaches the broker) it is the expression of the
   * group's latest pop of the topic (ConsumerManager.compensateSubscribeData, 5.x); undefined
   * when the broker has none.
   */
  async querySubscription(brokerAddr: string, group: string, topic: string): Promise<SubscriptionBody | undefined> {
    const response = await this.client.invoke(
      brokerAddr,
      createRequest(RequestCode.QUERY_SUBSCRIPTION_BY_CONSUMER, { group, topic }),
    );
    expectCode(response, brokerAddr, RequestCode.QUERY_SUBSCRIPTION_BY_CONSUMER);
    const body = parseBody(QuerySubscriptionSchema, response.body, `subscription of ${group} to ${topic}`);
    return body.subscriptionData ?? undefined;
  }

  /**
   * GET_ALL_SUBSCRIPTIONGROUP_CONFIG: the names of every subscription group the broker knows
   * (created by a consumer's first heartbeat, or by `mqadmin updateSubGroup`), system ones included.
   */
  async allSubscriptionGroups(brokerAddr: string): Promise<string[]> {
    const response = await this.client.invoke(brokerAddr, createRequest(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG));
    expectCode(response, brokerAddr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
    const wrapper = parseBody(SubscriptionGroupWrapperSchema, response.body, `subscription groups of ${brokerAddr}`);
    return Object.keys(wrapper.subscriptionGroupTable).sort();
  }

  /** GET_BROKER_CONFIG: every setting the broker runs with (what `mqadmin getBrokerConfig` prints). */
  async brokerConfig(brokerAddr: string): Promise<Record<string, string>> {
    const response = await this.client.invoke(brokerAddr, createRequest(RequestCode.GET_BROKER_CONFIG));
    expectCode(response, brokerAddr, RequestCode.GET_BROKER_CONFIG);
    return parseProperties(response.body?.toString('utf8') ?? '');
  }

  /**
   * Has a broker register with its name servers now rather than at its next periodic turn (10 s
   * after boot, then every 30 s): UPDATE_BROKER_CONFIG of `brokerPermission` with the value it
   * already has, on which the broker registers at once (AdminBrokerProcessor.updateBrokerConfig,
   * 4.9 and 5.x). A 5.x broker's registration at the end of its boot goes only to the name
   * servers its client has already found reachable (an asynchronous scan), so on a busy machine
   * it is often skipped and the broker stays unlisted for those 10 s. The broker also rewrites
   * its conf file with every setting it runs with (Configuration.persist): the same values.
   */
  async registerBrokerNow(brokerAddr: string): Promise<void> {
    const permission = (await this.brokerConfig(brokerAddr))['brokerPermission'] ?? String(Perm.READ_WRITE);
    const response = await this.client.invoke(
      brokerAddr,
      createRequest(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from(`brokerPermission=${permission}\n`, 'utf8')),
    );
    expectCode(response, brokerAddr, RequestCode.UPDATE_BROKER_CONFIG);
  }

  /**
   * UPDATE_BROKER_CONFIG: sets broker settings at runtime (`mqadmin updateBrokerConfig`), e.g.
   * enablePropertyFilter, which the broker reads on every heartbeat and pull. The broker also
   * persists them to its conf file.
   */
  async updateBrokerConfig(brokerAddr: string, settings: Readonly<Record<string, string>>): Promise<void> {
    const body = Object.entries(settings)
      .map(([key, value]) => `${key}=${value}\n`)
      .join('');
    const response = await this.client.invoke(
      brokerAddr,
      createRequest(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from(body, 'utf8')),
    );
    expectCode(response, brokerAddr, RequestCode.UPDATE_BROKER_CONFIG);
  }

  /** Deletes a topic from its brokers and the name server (for cleanup between runs). */
  async deleteTopic(topic: string, clusterName?: string): Promise<void> {
    for (const { addr } of await this.masterAddrs(clusterName)) {
      expectCode(
        await this.client.invoke(addr, createRequest(RequestCode.DELETE_TOPIC_IN_BROKER, { topic })),
        addr,
        RequestCode.DELETE_TOPIC_IN_BROKER,
      );
    }
    const { response, addr } = await this.client.invokeNamesrv(
      createRequest(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic, clusterName }),
    );
    expectCode(response, addr, RequestCode.DELETE_TOPIC_IN_NAMESRV);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** `key=value` lines (java.util.Properties as MixAll.properties2String writes them: no escapes, no continuations). */
export function parseProperties(text: string): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq > 0) properties[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return properties;
}
