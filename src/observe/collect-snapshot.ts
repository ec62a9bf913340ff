/**
 * One `ClusterSnapshot` through the classic admin protocol, the way `mqadmin consumerConnection`,
 * `consumerStatus` and `consumerProgress` read a group: per master broker its connection list
 * (with the subscription table it filters pulls with) and consume stats; per client, once, its
 * own running info (the broker fetches it from the client: subscriptions and held queues); per
 * subscribed topic its route. A broker that fails is written down (in `errors` and in its
 * view), never thrown: a snapshot taken while a broker is cut off is exactly the one that
 * matters. Only the name server failing leaves the snapshot empty (with the error).
 * A group consumed by pop through a proxy (gRPC clients) is read through the proxies' remoting
 * ports (its clients, which no broker lists) and each broker's latest-pop expression.
 */
import {
  RemotingResponseError,
  ResponseCode,
  SUB_ALL,
  compareJava,
  isRetryOrDlqTopic,
  parseTagExpression,
  subscribeQueues,
  type RemotingAdmin,
  type Subscription,
} from '../protocol/index.ts';
import type {
  BrokerGroupView,
  BrokerSubscription,
  ClientSubscription,
  ClientView,
  ClusterSnapshot,
  GroupSnapshot,
  ProcessState,
  ProxyGroupView,
  QueueOffsets,
  QueueRef,
} from './snapshot.ts';
import { sleep } from '../util/sleep.ts';

export interface CollectOptions {
  /** How long to wait for one client's running info (through its broker); default 3000 ms. */
  runningInfoTimeoutMs?: number;
  /** What the harness knows of the process behind a client id (runs only). */
  processOf?: (clientId: string) => ProcessState | undefined;
  /** Broker requests in flight at once (connections, stats, routes); default 16. */
  concurrency?: number;
  /**
   * Where lag counts from on a queue the group never committed (runs: the queue's max offset
   * when the run started, see run/observer.ts). Without it, or when it returns undefined, the
   * queue's min offset: every retained message counts.
   */
  startOffsetOf?: (queue: QueueRef) => number | undefined;
  /**
   * Remoting addresses of the cluster's proxies: gRPC clients register with a proxy, which
   * keeps them to itself (in cluster mode no broker lists them: its connection list answers
   * CONSUMER_NOT_ONLINE), so a group consumed by pop is seen through the proxies.
   */
  proxies?: readonly string[];
  /**
   * What the harness knows of a gRPC client (runs only): its instance and the subscriptions
   * the run gave it, which nothing in the cluster reports per client.
   */
  popClientOf?: (clientId: string) => { instance: string; subscriptions: ClientSubscription[] } | undefined;
  /** How often (`POP_SAMPLE_GAP_MS` apart) a pop group's latest-pop expression is asked per snapshot; default 5. */
  popSamples?: number;
}

/** Apart enough for another instance's pop to come in between, short enough for a snapshot. */
export const POP_SAMPLE_GAP_MS = 150;

export const DEFAULT_RUNNING_INFO_TIMEOUT_MS = 3000;
/** Running-info requests may each wait a full timeout on a frozen client; they get their own, larger bound. */
const RUNNING_INFO_CONCURRENCY = 64;

type Limit = <T>(work: () => Promise<T>) => Promise<T>;

/** At most `n` of the given tasks run at once; the rest wait in order. */
export function limiter(n: number): Limit {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Topic, then broker name, then queue id (Java's `MessageQueue` order). */
export function compareRefs(a: QueueRef, b: QueueRef): number {
  return compareJava(a.topic, b.topic) || compareJava(a.broker, b.broker) || a.queueId - b.queueId;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The broker's answer to a connection-list request for a group nobody is connected to. */
export function isConsumerNotOnline(error: unknown): boolean {
  return error instanceof RemotingResponseError && error.responseCode === ResponseCode.CONSUMER_NOT_ONLINE;
}

/**
 * `*` (or nothing) subscribes every tag: no tag list; otherwise the tags the client reports.
 * A SQL92 subscription keeps its expression and has no tags.
 */
export function subscriptionOf(sub: {
  topic: string;
  subString: string;
  tagsSet: string[];
  subVersion?: number | undefined;
  expressionType?: string | undefined;
}): ClientSubscription {
  const version = sub.subVersion === undefined ? {} : { subVersion: sub.subVersion };
  if (sub.expressionType === 'SQL92')
    return { topic: sub.topic, expression: sub.subString, type: 'SQL92', tags: [], ...version };
  const all = parseTagExpression(sub.subString) === SUB_ALL;
  return { topic: sub.topic, expression: sub.subString, tags: all ? [] : [...sub.tagsSet], ...version };
}

export async function collectSnapshot(
  admin: RemotingAdmin,
  groups: readonly string[],
  options: CollectOptions = {},
): Promise<ClusterSnapshot> {
  const at = Date.now();
  const errors: string[] = [];
  let masters: { name: string; addr: string }[];
  try {
    masters = (await admin.masterAddrs()).map((m) => ({ name: m.brokerName, addr: m.addr }));
  } catch (error) {
    return { at, brokers: [], groups: [], errors: [`cluster info: ${messageOf(error)}`] };
  }
  const limit = limiter(options.concurrency ?? 16);
  const routes = new Map<string, Promise<QueueRef[] | undefined>>();
  const topicQueues = (topic: string): Promise<QueueRef[] | undefined> => {
    let queues = routes.get(topic);
    if (!queues) {
      queues = limit(() => admin.route(topic)).then(
        (route) =>
          subscribeQueues(topic, route)
            .map((q) => ({ topic, broker: q.brokerName, queueId: q.queueId }))
            .sort(compareRefs),
        (error: unknown) => {
          // A subscribed topic that does not exist has no queues; that is a fact, not a failure.
          if (error instanceof RemotingResponseError && error.responseCode === ResponseCode.TOPIC_NOT_EXIST) return [];
          errors.push(`route of ${topic}: ${messageOf(error)}`);
          return undefined;
        },
      );
      routes.set(topic, queues);
    }
    return queues;
  };
  const runningInfoLimit = limiter(RUNNING_INFO_CONCURRENCY);
  const collected = await Promise.all(
    groups.map((group) =>
      collectGroup(admin, group, masters, {
        limit,
        runningInfoLimit,
        topicQueues,
        errors,
        runningInfoTimeoutMs: options.runningInfoTimeoutMs ?? DEFAULT_RUNNING_INFO_TIMEOUT_MS,
        processOf: options.processOf,
        startOffsetOf: options.startOffsetOf,
        proxies: options.proxies ?? [],
        popClientOf: options.popClientOf,
        popSamples: options.popSamples ?? 5,
      }),
    ),
  );
  return { at, brokers: masters, groups: collected, errors };
}

interface GroupContext {
  limit: Limit;
  runningInfoLimit: Limit;
  topicQueues: (topic: string) => Promise<QueueRef[] | undefined>;
  errors: string[];
  runningInfoTimeoutMs: number;
  processOf: ((clientId: string) => ProcessState | undefined) | undefined;
  startOffsetOf: ((queue: QueueRef) => number | undefined) | undefined;
  proxies: readonly string[];
  popClientOf: CollectOptions['popClientOf'];
  popSamples: number;
}

function subscriptionsOfTable(
  table: Record<string, { topic: string; subString: string; subVersion: number; expressionType?: string | undefined }>,
): BrokerSubscription[] {
  return Object.values(table)
    .map((s) => ({
      topic: s.topic,
      expression: s.subString,
      ...(s.expressionType === 'SQL92' ? { type: 'SQL92' as const } : {}),
      subVersion: s.subVersion,
    }))
    .sort((a, b) => compareJava(a.topic, b.topic));
}

async function collectGroup(
  admin: RemotingAdmin,
  group: string,
  masters: readonly { name: string; addr: string }[],
  ctx: GroupContext,
): Promise<GroupSnapshot> {
  let messageModel: string | undefined;
  const clients = new Map<string, ClientView>();
  const queues: QueueOffsets[] = [];
  const brokers = await Promise.all(
    masters.map(async (broker): Promise<BrokerGroupView> => {
      const view: BrokerGroupView = { broker: broker.name, addr: broker.addr, clientIds: [], subscriptions: [] };
      const failures: string[] = [];
      const [connections, stats] = await Promise.allSettled([
        ctx.limit(() => admin.consumerConnections(broker.addr, group)),
        ctx.limit(() => admin.consumeStats(broker.addr, group)),
      ]);
      if (connections.status === 'fulfilled') {
        const c = connections.value;
        messageModel ??= c.messageModel;
        view.clientIds = [...new Set(c.connectionSet.map((x) => x.clientId))].sort();
        view.subscriptions = subscriptionsOfTable(c.subscriptionTable);
        for (const x of c.connectionSet) {
          const client = clients.get(x.clientId) ?? {
            clientId: x.clientId,
            addr: x.clientAddr,
            language: x.language,
            version: x.version,
            brokers: [],
          };
          if (!client.brokers.includes(broker.name)) client.brokers.push(broker.name);
          clients.set(x.clientId, client);
        }
      } else if (!isConsumerNotOnline(connections.reason)) {
        failures.push(`consumer connections: ${messageOf(connections.reason)}`);
      }
      if (stats.status === 'fulfilled') {
        for (const q of stats.value.queues) {
          if (isRetryOrDlqTopic(q.topic)) continue;
          queues.push({
            topic: q.topic,
            broker: q.brokerName,
            queueId: q.queueId,
            brokerOffset: q.brokerOffset,
            consumerOffset: q.consumerOffset,
            lastTimestamp: q.lastTimestamp,
          });
        }
      } else {
        failures.push(`consume stats: ${messageOf(stats.reason)}`);
      }
      if (failures.length > 0) {
        view.error = failures.join('; ');
        for (const f of failures) ctx.errors.push(`${broker.name}/${group} ${f}`);
      }
      return view;
    }),
  );

  const proxies = await Promise.all(ctx.proxies.map((addr) => proxyView(admin, group, addr, clients, ctx)));
  // Pop is clustering only: the proxy registers every gRPC consumer as CLUSTERING.
  if (proxies.some((p) => p.clientIds.length > 0)) messageModel ??= 'CLUSTERING';
  const addrOf = new Map(masters.map((m) => [m.name, m.addr]));
  const clientViews = [...clients.values()].sort((a, b) => compareJava(a.clientId, b.clientId));
  await Promise.all(
    clientViews.map(async (client) => {
      client.brokers.sort();
      if (client.via === 'pop') {
        // Nothing answers running info for a gRPC client (the broker does not hold it; the
        // proxy's remoting port does not take the request): the run says what it subscribes.
        const known = ctx.popClientOf?.(client.clientId);
        if (known) {
          client.instance = known.instance;
          client.subscriptions = [...known.subscriptions].sort((a, b) => compareJava(a.topic, b.topic));
          client.subscriptionsFrom = 'plan';
          const state = ctx.processOf?.(client.clientId);
          if (state !== undefined) client.process = state;
        }
        return;
      }
      const state = ctx.processOf?.(client.clientId);
      if (state !== undefined) client.process = state;
      const addr = addrOf.get(client.brokers[0]!)!;
      try {
        const info = await ctx.runningInfoLimit(() =>
          admin.consumerRunningInfo(addr, group, client.clientId, { timeoutMs: ctx.runningInfoTimeoutMs }),
        );
        client.subscriptions = info.subscriptions.map(subscriptionOf).sort((a, b) => compareJava(a.topic, b.topic));
        client.subscriptionsFrom = 'running-info';
        const consumeType = info.properties.PROP_CONSUME_TYPE;
        if (typeof consumeType === 'string') client.consumeType = consumeType;
        client.queues = info.queues
          .map((q) => ({
            topic: q.topic,
            broker: q.brokerName,
            queueId: q.queueId,
            ...(q.lastPullTimestamp !== undefined ? { lastPullTimestamp: q.lastPullTimestamp } : {}),
            ...(q.lastConsumeTimestamp !== undefined ? { lastConsumeTimestamp: q.lastConsumeTimestamp } : {}),
          }))
          .sort(compareRefs);
      } catch (error) {
        client.runningInfoError = messageOf(error);
      }
    }),
  );

  const topics = new Set<string>();
  for (const c of clientViews) for (const s of c.subscriptions ?? []) topics.add(s.topic);
  for (const b of brokers) for (const s of b.subscriptions) topics.add(s.topic);
  for (const p of proxies) for (const s of p.subscriptions) topics.add(s.topic);
  const pop = proxies.some((p) => p.clientIds.length > 0);
  if (pop) await lastPops(admin, group, [...topics].filter((t) => !isRetryOrDlqTopic(t)).sort(), brokers, ctx);
  const topicQueues: Record<string, QueueRef[]> = {};
  await Promise.all(
    [...topics]
      .filter((t) => !isRetryOrDlqTopic(t))
      .sort()
      .map(async (topic) => {
        const refs = await ctx.topicQueues(topic);
        if (refs) topicQueues[topic] = refs;
      }),
  );

  queues.push(...(await uncommittedQueues(admin, group, topicQueues, queues, brokers, ctx)));
  queues.sort(compareRefs);
  return {
    group,
    ...(pop ? { pop: { proxies } } : {}),
    ...(messageModel !== undefined ? { messageModel } : {}),
    brokers,
    clients: clientViews,
    queues,
    topicQueues: Object.fromEntries(Object.entries(topicQueues).sort(([a], [b]) => compareJava(a, b))),
  };
}

/**
 * Offsets of the subscribed queues the consume stats left out. The broker's consume stats
 * list only topics the group has committed offsets for, and skip a topic its subscription
 * table lacks: a topic nobody consumed (or one the table lost to another member's heartbeat)
 * would look like "lag 0" while holding every message sent to it. Asked queue by queue,
 * for masters that answered.
 */
async function uncommittedQueues(
  admin: RemotingAdmin,
  group: string,
  topicQueues: Record<string, QueueRef[]>,
  listed: readonly QueueOffsets[],
  brokers: readonly BrokerGroupView[],
  ctx: GroupContext,
): Promise<QueueOffsets[]> {
  const key = (q: QueueRef) => `${q.topic}@${q.broker}/${q.queueId}`;
  const have = new Set(listed.map(key));
  const answered = new Map(brokers.filter((b) => !b.error).map((b) => [b.broker, b.addr]));
  const missing = Object.values(topicQueues)
    .flat()
    .filter((q) => !have.has(key(q)) && answered.has(q.broker));
  const found = await Promise.all(
    missing.map(async (q): Promise<QueueOffsets | undefined> => {
      const addr = answered.get(q.broker)!;
      try {
        const [brokerOffset, committed] = await Promise.all([
          ctx.limit(() => admin.maxOffset(addr, q.topic, q.queueId)),
          ctx.limit(() => admin.committedOffset(addr, group, q.topic, q.queueId)),
        ]);
        const startOffset =
          ctx.startOffsetOf?.(q) ?? (await ctx.limit(() => admin.minOffset(addr, q.topic, q.queueId)));
        return { ...q, brokerOffset, consumerOffset: committed ?? -1, lastTimestamp: 0, startOffset };
      } catch (error) {
        ctx.errors.push(`${q.broker}/${group} offsets of ${key(q)}: ${messageOf(error)}`);
        return undefined;
      }
    }),
  );
  return found.filter((q): q is QueueOffsets => q !== undefined);
}

/**
 * GET_CONSUMER_CONNECTION_LIST on a proxy's remoting port: the gRPC clients of the group it
 * holds (added to `clients` as pop clients) and its subscription table.
 */
async function proxyView(
  admin: RemotingAdmin,
  group: string,
  addr: string,
  clients: Map<string, ClientView>,
  ctx: GroupContext,
): Promise<ProxyGroupView> {
  const view: ProxyGroupView = { addr, clientIds: [], subscriptions: [] };
  try {
    const c = await ctx.limit(() => admin.consumerConnections(addr, group));
    view.clientIds = [...new Set(c.connectionSet.map((x) => x.clientId))].sort();
    // The proxy filters nothing with its table (each pop carries its own expression): versions left out.
    view.subscriptions = subscriptionsOfTable(c.subscriptionTable).map(({ subVersion: _, ...s }) => s);
    if (c.consumeType !== undefined) view.consumeType = c.consumeType;
    for (const x of c.connectionSet) {
      const client = clients.get(x.clientId) ?? {
        clientId: x.clientId,
        via: 'pop' as const,
        addr: x.clientAddr,
        language: x.language,
        version: x.version,
        brokers: [],
        proxies: [],
      };
      if (!client.proxies?.includes(addr)) client.proxies = [...(client.proxies ?? []), addr].sort();
      clients.set(x.clientId, client);
    }
  } catch (error) {
    if (!isConsumerNotOnline(error)) {
      view.error = `consumer connections: ${messageOf(error)}`;
      ctx.errors.push(`proxy ${addr}/${group} ${view.error}`);
    }
  }
  return view;
}

/**
 * For a pop group, each answering master's subscription of each topic: the expression of the
 * group's latest pop there (set on every pop, so it changes as instances with different
 * expressions take turns), asked `popSamples` times: one look often catches the same
 * instance's pop snapshot after snapshot.
 */
async function lastPops(
  admin: RemotingAdmin,
  group: string,
  topics: readonly string[],
  brokers: BrokerGroupView[],
  ctx: GroupContext,
): Promise<void> {
  await Promise.all(
    brokers
      .filter((b) => !b.error)
      .map(async (b) => {
        const found: Subscription[] = [];
        for (const topic of topics) {
          let previous: string | undefined;
          for (let i = 0; i < ctx.popSamples; i++) {
            if (i > 0) await sleep(POP_SAMPLE_GAP_MS);
            try {
              const sub = await ctx.limit(() => admin.querySubscription(b.addr, group, topic));
              const key = sub && `${sub.expressionType ?? ''}|${sub.subString}`;
              if (sub && key !== previous)
                found.push({
                  topic,
                  expression: sub.subString,
                  ...(sub.expressionType === 'SQL92' ? { type: 'SQL92' as const } : {}),
                });
              previous = key;
            } catch (error) {
              ctx.errors.push(`${b.broker}/${group} subscription of ${topic}: ${messageOf(error)}`);
              break;
            }
          }
        }
        b.lastPop = found;
      }),
  );
}
