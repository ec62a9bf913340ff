/** Builds ClusterSnapshots for rule tests: a group on brokers with clients, queues and lags. */
import type {
  ClientView,
  ClusterSnapshot,
  GroupSnapshot,
  ProcessState,
  QueueRef,
} from '../../../src/observe/snapshot.ts';

export interface ClientSpec {
  id: string;
  /** Topic → tag expression, or {sql} for a SQL92 subscription. */
  subs?: Record<string, string | { sql: string }> | null;
  queues?: string[];
  brokers?: string[];
  process?: ProcessState;
  runningInfoError?: string;
  /** lastConsumeTimestamp (and lastPullTimestamp) of every queue it holds. */
  idleSince?: number;
  /** Its running info's PROP_CONSUME_TYPE (CONSUME_ACTIVELY: a pull consumer). */
  consumeType?: string;
  /** The subVersion of each of its subscriptions (what its pulls carry); absent: not reported. */
  subVersion?: number;
}

function versionOf(c: ClientSpec): { subVersion?: number } {
  return c.subVersion === undefined ? {} : { subVersion: c.subVersion };
}

export function queues(topic: string, brokers: string[], perBroker: number): QueueRef[] {
  return brokers.flatMap((broker) => Array.from({ length: perBroker }, (_, queueId) => ({ topic, broker, queueId })));
}

function parseQueue(name: string): QueueRef {
  const m = /^(.+)@(.+)\/(\d+)$/.exec(name)!;
  return { topic: m[1]!, broker: m[2]!, queueId: Number(m[3]) };
}

export function group(spec: {
  name?: string;
  brokers?: string[];
  clients: ClientSpec[];
  topics: Record<string, number>;
  lag?: Record<string, number>;
  consumed?: Record<string, number>;
  emptyBrokers?: string[];
  model?: string;
  /** The group's subscription table on every broker (what it filters pulls with); default empty. */
  brokerSubs?: Record<string, string>;
  /** The subVersion of each topic's subscription in that table; absent: not reported. */
  brokerSubVersions?: Record<string, number>;
  /** Queues left out of the consume stats, with where their lag counts from (nothing committed). */
  uncommitted?: Record<string, { brokerOffset: number; startOffset: number }>;
}): GroupSnapshot {
  const brokers = spec.brokers ?? ['broker-a'];
  const clients: ClientView[] = spec.clients.map((c) => ({
    clientId: `127.0.0.3@${c.id}`,
    addr: '127.0.0.3:1234',
    language: 'NODE_JS',
    version: 1,
    brokers: c.brokers ?? brokers.filter((b) => !spec.emptyBrokers?.includes(b)),
    ...(c.subs === null
      ? {}
      : {
          subscriptions: Object.entries(c.subs ?? {}).map(([topic, expression]) =>
            typeof expression !== 'string'
              ? { topic, expression: expression.sql, type: 'SQL92' as const, tags: [], ...versionOf(c) }
              : {
                  topic,
                  expression,
                  tags: expression === '*' ? [] : expression.split('||').map((t) => t.trim()),
                  ...versionOf(c),
                },
          ),
        }),
    ...(c.subs === null
      ? {}
      : {
          queues: (c.queues ?? []).map((q) => ({
            ...parseQueue(q),
            ...(c.idleSince !== undefined ? { lastConsumeTimestamp: c.idleSince, lastPullTimestamp: c.idleSince } : {}),
          })),
        }),
    ...(c.runningInfoError ? { runningInfoError: c.runningInfoError } : {}),
    ...(c.consumeType ? { consumeType: c.consumeType } : {}),
    process: c.process ?? 'running',
  }));
  const topicQueues = Object.fromEntries(
    Object.entries(spec.topics).map(([topic, n]) => [topic, queues(topic, brokers, n)]),
  );
  return {
    group: spec.name ?? 'g',
    messageModel: spec.model ?? 'CLUSTERING',
    brokers: brokers.map((broker) => ({
      broker,
      addr: `127.0.0.2:${broker.length}`,
      clientIds: spec.emptyBrokers?.includes(broker)
        ? []
        : clients.filter((c) => c.brokers.includes(broker)).map((c) => c.clientId),
      subscriptions: Object.entries(spec.brokerSubs ?? {}).map(([topic, expression]) => ({
        topic,
        expression,
        ...(spec.brokerSubVersions?.[topic] !== undefined ? { subVersion: spec.brokerSubVersions[topic] } : {}),
      })),
    })),
    clients,
    queues: Object.values(topicQueues)
      .flat()
      .map((q) => {
        const name = `${q.topic}@${q.broker}/${q.queueId}`;
        const uncommitted = spec.uncommitted?.[name];
        if (uncommitted) return { ...q, consumerOffset: -1, lastTimestamp: 0, ...uncommitted };
        const consumerOffset = spec.consumed?.[name] ?? 100;
        return { ...q, brokerOffset: consumerOffset + (spec.lag?.[name] ?? 0), consumerOffset, lastTimestamp: 0 };
      }),
    topicQueues,
  };
}

export function snapshot(at: number, ...groups: GroupSnapshot[]): ClusterSnapshot {
  return { at, brokers: [{ name: 'broker-a', addr: '127.0.0.2:1' }], groups, errors: [] };
}

/** The same group seen at each time. */
export function over(times: number[], make: (at: number, i: number) => GroupSnapshot): ClusterSnapshot[] {
  return times.map((at, i) => snapshot(at, make(at, i)));
}
