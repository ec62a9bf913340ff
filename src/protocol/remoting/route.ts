/**
 * Name-server route data (`TopicRouteData`, `ClusterInfo`) validated at the edge, and the
 * queue lists Java derives from it: publish queues (writable, master present, brokers sorted
 * by name: `topicRouteData2TopicPublishInfo`) and subscribe queues (readable:
 * `topicRouteData2TopicSubscribeInfo`).
 */
import { z } from 'zod';
import { compareJava, type MessageQueueRef } from './message-queue.ts';
import { parseLenientJson } from './lenient-json.ts';
import { RemotingProtocolError } from './errors.ts';

/** `PermName`: 4 read, 2 write, 1 inherit. */
export const Perm = { READ: 4, WRITE: 2, INHERIT: 1, READ_WRITE: 6 } as const;
export const MASTER_ID = '0';

const BrokerDataSchema = z.object({
  cluster: z.string(),
  brokerName: z.string(),
  /** brokerId (as text: "0" is the master) → "ip:port" */
  brokerAddrs: z.record(z.string(), z.string()),
});

const QueueDataSchema = z.object({
  brokerName: z.string(),
  readQueueNums: z.number().int(),
  writeQueueNums: z.number().int(),
  perm: z.number().int(),
  topicSysFlag: z.number().int().optional(),
});

export const TopicRouteSchema = z.object({
  brokerDatas: z.array(BrokerDataSchema),
  queueDatas: z.array(QueueDataSchema),
  orderTopicConf: z.string().optional(),
});
export type TopicRoute = z.infer<typeof TopicRouteSchema>;

export const ClusterInfoSchema = z.object({
  brokerAddrTable: z.record(z.string(), BrokerDataSchema),
  clusterAddrTable: z.record(z.string(), z.array(z.string())),
});
export type ClusterInfo = z.infer<typeof ClusterInfoSchema>;

/** Parses a fastjson body and validates it; the error names what was being read. */
export function parseBody<T>(schema: z.ZodType<T>, body: Buffer | undefined, what: string): T {
  if (!body || body.length === 0) throw new RemotingProtocolError(`${what}: empty body`);
  let raw;
  try {
    raw = parseLenientJson(body.toString('utf8'));
  } catch (err) {
    throw new RemotingProtocolError(`${what}: body does not parse: ${(err as Error).message}`, err);
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new RemotingProtocolError(`${what}: unexpected shape: ${result.error.message}`);
  return result.data;
}

/**
 * Rewrites broker addresses through `map` (listed address → address to dial), leaving
 * unmapped ones as they are. Applied where route and cluster data enter the client, so
 * every later use (sends, pulls, offsets, heartbeats, consumer lists) dials the mapped one.
 */
export function mapBrokerAddrs<T extends { brokerAddrs: Record<string, string> }>(
  brokers: readonly T[],
  map: Readonly<Record<string, string>>,
): T[] {
  return brokers.map((b) => ({
    ...b,
    brokerAddrs: Object.fromEntries(Object.entries(b.brokerAddrs).map(([id, addr]) => [id, map[addr] ?? addr])),
  }));
}

export function masterAddr(route: Pick<TopicRoute, 'brokerDatas'>, brokerName: string): string | undefined {
  return route.brokerDatas.find((b) => b.brokerName === brokerName)?.brokerAddrs[MASTER_ID];
}

/** Queues a producer may write to, in Java's order (brokers by name, then queue id). */
export function publishQueues(topic: string, route: TopicRoute): MessageQueueRef[] {
  const out: MessageQueueRef[] = [];
  const queueDatas = [...route.queueDatas].sort((a, b) => compareJava(a.brokerName, b.brokerName));
  for (const qd of queueDatas) {
    if ((qd.perm & Perm.WRITE) === 0) continue;
    if (!masterAddr(route, qd.brokerName)) continue;
    for (let i = 0; i < qd.writeQueueNums; i++) out.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return out;
}

/** Queues a consumer may read (any replica could serve them; we read from masters). */
export function subscribeQueues(topic: string, route: TopicRoute): MessageQueueRef[] {
  const out: MessageQueueRef[] = [];
  for (const qd of route.queueDatas) {
    if ((qd.perm & Perm.READ) === 0) continue;
    for (let i = 0; i < qd.readQueueNums; i++) out.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return out;
}
