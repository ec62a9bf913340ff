/**
 * collectSnapshot against a fake admin: clients merged across brokers, running info asked once
 * per client with the short timeout, CONSUMER_NOT_ONLINE as "nobody here", a failing broker
 * recorded instead of thrown, retry topics left out of stats and routes.
 */
import { queueLag } from '../../../src/checks/diagnoses/group-view.ts';
import { describe, expect, it } from 'vitest';
import {
  RemotingConnectError,
  RemotingResponseError,
  RemotingTimeoutError,
  RequestCode,
  ResponseCode,
  type ConsumerConnection,
  type ConsumerRunningInfo,
  type QueueConsumeStats,
  type RemotingAdmin,
  type TopicRoute,
} from '../../../src/protocol/index.ts';
import { collectSnapshot, limiter, subscriptionOf } from '../../../src/observe/collect-snapshot.ts';

const A = '10.0.0.1:10911';
const B = '10.0.0.2:10911';

interface FakeSpec {
  masters?: { brokerName: string; addr: string }[];
  connections: Record<string, Record<string, ConsumerConnection | Error>>;
  stats?: Record<string, Record<string, QueueConsumeStats[] | Error>>;
  runningInfo?: Record<string, ConsumerRunningInfo | Error>;
  routes?: Record<string, TopicRoute | Error>;
  /** `topic@addr/queueId` → offsets of a queue the consume stats leave out (default: empty queue). */
  offsets?: Record<string, { max: number; committed?: number; min?: number }>;
  /** broker addr → topic → the expression of the group's latest pop there. */
  lastPop?: Record<string, Record<string, string>>;
}

function fakeAdmin(spec: FakeSpec) {
  const calls = {
    runningInfo: [] as { addr: string; clientId: string; timeoutMs: number | undefined }[],
    routes: [] as string[],
    querySubscription: [] as string[],
  };
  const admin = {
    masterAddrs: async () =>
      spec.masters ?? [
        { brokerName: 'broker-a', addr: A },
        { brokerName: 'broker-b', addr: B },
      ],
    consumerConnections: async (addr: string, group: string) => {
      const c = spec.connections[addr]?.[group];
      if (c === undefined)
        throw new RemotingResponseError(
          ResponseCode.CONSUMER_NOT_ONLINE,
          `the consumer group[${group}] not online`,
          addr,
          RequestCode.GET_CONSUMER_CONNECTION_LIST,
        );
      if (c instanceof Error) throw c;
      return c;
    },
    consumeStats: async (addr: string, group: string) => {
      const s = spec.stats?.[addr]?.[group] ?? [];
      if (s instanceof Error) throw s;
      return { consumeTps: 0, queues: s };
    },
    consumerRunningInfo: async (
      addr: string,
      _group: string,
      clientId: string,
      options: { timeoutMs?: number } = {},
    ) => {
      calls.runningInfo.push({ addr, clientId, timeoutMs: options.timeoutMs });
      const info = spec.runningInfo?.[clientId];
      if (!info) throw new RemotingTimeoutError(addr, RequestCode.GET_CONSUMER_RUNNING_INFO, options.timeoutMs ?? 0);
      if (info instanceof Error) throw info;
      return info;
    },
    maxOffset: async (addr: string, topic: string, queueId: number) =>
      spec.offsets?.[`${topic}@${addr}/${queueId}`]?.max ?? 0,
    minOffset: async (addr: string, topic: string, queueId: number) =>
      spec.offsets?.[`${topic}@${addr}/${queueId}`]?.min ?? 0,
    committedOffset: async (addr: string, _group: string, topic: string, queueId: number) =>
      spec.offsets?.[`${topic}@${addr}/${queueId}`]?.committed,
    querySubscription: async (addr: string, group: string, topic: string) => {
      calls.querySubscription.push(`${group}@${addr}/${topic}`);
      const expression = spec.lastPop?.[addr]?.[topic];
      return expression === undefined ? undefined : sub(topic, expression);
    },
    route: async (topic: string) => {
      calls.routes.push(topic);
      const r = spec.routes?.[topic];
      if (!r)
        throw new RemotingResponseError(
          ResponseCode.TOPIC_NOT_EXIST,
          `No topic route info in name server for the topic: ${topic}`,
          '127.0.0.1:9876',
          RequestCode.GET_ROUTEINFO_BY_TOPIC,
        );
      if (r instanceof Error) throw r;
      return r;
    },
  };
  return { admin: admin as unknown as RemotingAdmin, calls };
}

const sub = (topic: string, subString: string, tagsSet: string[] = []) => ({
  topic,
  subString,
  tagsSet,
  subVersion: 1,
});
const conn = (clientIds: string[], subs: ReturnType<typeof sub>[]): ConsumerConnection => ({
  connectionSet: clientIds.map((clientId) => ({
    clientId,
    clientAddr: `${clientId.split('@')[0]}:5555`,
    language: 'JAVA',
    version: 479,
  })),
  subscriptionTable: Object.fromEntries(subs.map((s) => [s.topic, s])),
  messageModel: 'CLUSTERING',
});
const route = (brokers: string[], queues: number): TopicRoute => ({
  brokerDatas: brokers.map((b) => ({ cluster: 'c', brokerName: b, brokerAddrs: { '0': b === 'broker-a' ? A : B } })),
  queueDatas: brokers.map((b) => ({ brokerName: b, readQueueNums: queues, writeQueueNums: queues, perm: 6 })),
});
const stat = (
  topic: string,
  brokerName: string,
  queueId: number,
  brokerOffset: number,
  consumerOffset: number,
): QueueConsumeStats => ({ topic, brokerName, queueId, brokerOffset, consumerOffset, pullOffset: 0, lastTimestamp: 0 });

describe('collectSnapshot', () => {
  it(
    'merges clients across brokers, ' + 'asks each one for running info once, and reads routes of subscribed topics',
    async () => {
      const { admin, calls } = fakeAdmin({
        connections: {
          [A]: {
            g: conn(['1.1.1.1@x', '1.1.1.1@y'], [sub('T', 'TagA || TagB', ['TagA', 'TagB']), sub('%RETRY%g', '*')]),
          },
          [B]: { g: conn(['1.1.1.1@x'], [sub('T', 'TagA', ['TagA'])]) },
        },
        stats: {
          [A]: {
            g: [stat('T', 'broker-a', 1, 10, 4), stat('T', 'broker-a', 0, 5, 5), stat('%RETRY%g', 'broker-a', 0, 3, 0)],
          },
        },
        runningInfo: {
          '1.1.1.1@x': {
            properties: {},
            subscriptions: [sub('T', 'TagA', ['TagA']), sub('%RETRY%g', '*')],
            queues: [
              { topic: 'T', brokerName: 'broker-b', queueId: 0, commitOffset: 1 },
              { topic: 'T', brokerName: 'broker-a', queueId: 0, commitOffset: 1 },
            ],
          },
          '1.1.1.1@y': { properties: {}, subscriptions: [sub('T', 'TagA || TagB', ['TagA', 'TagB'])], queues: [] },
        },
        routes: { T: route(['broker-a', 'broker-b'], 2) },
        // broker-b's consume stats are empty (nothing committed there, as a broker lists only
        // topics with commits): its queues are asked for one by one.
        offsets: { [`T@${B}/0`]: { max: 7, committed: 2 }, [`T@${B}/1`]: { max: 9, min: 3 } },
      });
      const snapshot = await collectSnapshot(admin, ['g'], {
        runningInfoTimeoutMs: 1234,
        processOf: (id) => (id.endsWith('@y') ? 'paused' : undefined),
      });
      expect(snapshot.errors).toEqual([]);
      expect(snapshot.brokers).toEqual([
        { name: 'broker-a', addr: A },
        { name: 'broker-b', addr: B },
      ]);
      const [g] = snapshot.groups;
      expect(g!.messageModel).toBe('CLUSTERING');
      expect(
        g!.brokers.map((b) => [b.broker, b.clientIds, b.subscriptions.map((s) => `${s.topic}=${s.expression}`)]),
      ).toEqual([
        ['broker-a', ['1.1.1.1@x', '1.1.1.1@y'], ['%RETRY%g=*', 'T=TagA || TagB']],
        ['broker-b', ['1.1.1.1@x'], ['T=TagA']],
      ]);
      expect(g!.clients.map((c) => [c.clientId, c.brokers, c.process])).toEqual([
        ['1.1.1.1@x', ['broker-a', 'broker-b'], undefined],
        ['1.1.1.1@y', ['broker-a'], 'paused'],
      ]);
      expect(g!.clients[0]!.subscriptions).toEqual([
        { topic: '%RETRY%g', expression: '*', tags: [], subVersion: 1 },
        { topic: 'T', expression: 'TagA', tags: ['TagA'], subVersion: 1 },
      ]);
      expect(g!.clients[0]!.queues).toEqual([
        { topic: 'T', broker: 'broker-a', queueId: 0 },
        { topic: 'T', broker: 'broker-b', queueId: 0 },
      ]);
      expect(calls.runningInfo.map((c) => c.clientId).sort()).toEqual(['1.1.1.1@x', '1.1.1.1@y']);
      expect(calls.runningInfo.every((c) => c.timeoutMs === 1234 && c.addr === A)).toBe(true);
      expect(g!.queues.map((q) => `${q.topic}@${q.broker}/${q.queueId}:${queueLag(q)}`)).toEqual([
        'T@broker-a/0:0',
        'T@broker-a/1:6',
        'T@broker-b/0:5',
        // Nothing committed: lag counts from the start offset (here the min offset, as doctor has no start).
        'T@broker-b/1:6',
      ]);
      expect(g!.queues.find((q) => q.broker === 'broker-b' && q.queueId === 1)).toMatchObject({
        consumerOffset: -1,
        startOffset: 3,
      });
      expect(Object.keys(g!.topicQueues)).toEqual(['T']);
      expect(g!.topicQueues['T']).toHaveLength(4);
      expect(calls.routes).toEqual(['T']);
    },
  );

  it('a group nobody is connected to has empty views and no errors; a missing topic has no queues', async () => {
    const { admin } = fakeAdmin({ connections: {} });
    const snapshot = await collectSnapshot(admin, ['nobody']);
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.groups[0]).toEqual({
      group: 'nobody',
      brokers: [
        { broker: 'broker-a', addr: A, clientIds: [], subscriptions: [] },
        { broker: 'broker-b', addr: B, clientIds: [], subscriptions: [] },
      ],
      clients: [],
      queues: [],
      topicQueues: {},
    });
  });

  it(
    'records a failing broker in errors and in its view, ' + 'and a client that does not answer in runningInfoError',
    async () => {
      const down = new RemotingConnectError(B, new Error('connect ECONNREFUSED'));
      const { admin } = fakeAdmin({
        connections: { [A]: { g: conn(['1.1.1.1@x'], [sub('T', '*')]) }, [B]: { g: down } },
        stats: { [B]: { g: down } },
        routes: { T: route(['broker-a'], 1) },
      });
      const snapshot = await collectSnapshot(admin, ['g']);
      const [g] = snapshot.groups;
      expect(g!.brokers[1]!.error).toMatch(/consumer connections: cannot connect.*; consume stats: cannot connect/);
      expect(g!.brokers[1]!.clientIds).toEqual([]);
      expect(snapshot.errors).toHaveLength(2);
      expect(snapshot.errors[0]).toMatch(/^broker-b\/g /);
      expect(g!.clients[0]!.runningInfoError).toMatch(/got no answer within 3000 ms/);
      expect(g!.clients[0]!.subscriptions).toBeUndefined();
      expect(g!.topicQueues).toEqual({ T: [{ topic: 'T', broker: 'broker-a', queueId: 0 }] });
    },
  );

  it("a pop group: clients from the proxy, each broker's latest pop, the run's subscriptions", async () => {
    const P = '10.0.0.9:8080';
    const grpc = ['vm@101@0@abc', 'vm@102@0@abd'];
    const { admin, calls } = fakeAdmin({
      // The brokers answer CONSUMER_NOT_ONLINE; the proxy lists both gRPC clients.
      connections: { [P]: { g: { ...conn(grpc, [sub('T', 'TagA', ['TagA'])]), consumeType: 'CONSUME_ACTIVELY' } } },
      stats: { [A]: { g: [stat('T', 'broker-a', 0, 10, 7)] } },
      routes: { T: route(['broker-a'], 1) },
      lastPop: { [A]: { T: 'TagA || TagB' } },
      masters: [{ brokerName: 'broker-a', addr: A }],
    });
    const plan: Record<string, { instance: string; expression: string }> = {
      [grpc[0]!]: { instance: 'g#0', expression: 'TagA' },
    };
    const snapshot = await collectSnapshot(admin, ['g'], {
      proxies: [P],
      popSamples: 3,
      processOf: (clientId) => (plan[clientId] ? 'paused' : undefined),
      popClientOf: (clientId) => {
        const known = plan[clientId];
        return (
          known && { instance: known.instance, subscriptions: [subscriptionOf(sub('T', known.expression, ['TagA']))] }
        );
      },
    });
    const g = snapshot.groups[0]!;
    expect(snapshot.errors).toEqual([]);
    expect(calls.runningInfo).toEqual([]);
    // Asked three times; the same answer is kept once.
    expect(calls.querySubscription).toEqual([`g@${A}/T`, `g@${A}/T`, `g@${A}/T`]);
    expect(g.messageModel).toBe('CLUSTERING');
    expect(g.pop).toEqual({
      proxies: [
        {
          addr: P,
          clientIds: grpc,
          subscriptions: [{ topic: 'T', expression: 'TagA' }],
          consumeType: 'CONSUME_ACTIVELY',
        },
      ],
    });
    expect(g.brokers).toEqual([
      {
        broker: 'broker-a',
        addr: A,
        clientIds: [],
        subscriptions: [],
        lastPop: [{ topic: 'T', expression: 'TagA || TagB' }],
      },
    ]);
    expect(g.clients).toEqual([
      {
        clientId: grpc[0],
        via: 'pop',
        addr: 'vm:5555',
        language: 'JAVA',
        version: 479,
        brokers: [],
        proxies: [P],
        instance: 'g#0',
        subscriptions: [{ topic: 'T', expression: 'TagA', tags: ['TagA'], subVersion: 1 }],
        subscriptionsFrom: 'plan',
        process: 'paused',
      },
      // Not one of the run's: nothing says what it subscribes.
      { clientId: grpc[1], via: 'pop', addr: 'vm:5555', language: 'JAVA', version: 479, brokers: [], proxies: [P] },
    ]);
    expect(g.queues.map(queueLag)).toEqual([3]);
  });

  it('a name server that fails leaves an empty snapshot with the error', async () => {
    const admin = {
      masterAddrs: async () => {
        throw new RemotingConnectError('127.0.0.1:1', new Error('refused'));
      },
    } as unknown as RemotingAdmin;
    const snapshot = await collectSnapshot(admin, ['g']);
    expect(snapshot.groups).toEqual([]);
    expect(snapshot.errors).toEqual(['cluster info: cannot connect to 127.0.0.1:1: refused']);
  });
});

describe('subscriptionOf', () => {
  it('`*` subscribes every tag: no tag list', () => {
    expect(subscriptionOf(sub('T', '*', ['*']))).toEqual({ topic: 'T', expression: '*', tags: [], subVersion: 1 });
    expect(subscriptionOf(sub('T', 'TagA || TagB', ['TagA', 'TagB']))).toEqual({
      topic: 'T',
      expression: 'TagA || TagB',
      tags: ['TagA', 'TagB'],
      subVersion: 1,
    });
  });

  it('a SQL92 subscription keeps its expression, typed, with no tags (even `*` as SQL text)', () => {
    expect(subscriptionOf({ ...sub('T', 'a > 5', []), expressionType: 'SQL92' })).toEqual({
      topic: 'T',
      expression: 'a > 5',
      type: 'SQL92',
      tags: [],
      subVersion: 1,
    });
    expect(subscriptionOf({ ...sub('T', 'TagA', ['TagA']), expressionType: 'TAG' })).toEqual({
      topic: 'T',
      expression: 'TagA',
      tags: ['TagA'],
      subVersion: 1,
    });
  });
});

describe('limiter', () => {
  it('runs at most n at once and all of them in the end', async () => {
    const limit = limiter(2);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
          if (i === 3) throw new Error('x');
          return i;
        }).catch(() => -1),
      ),
    );
    expect(peak).toBe(2);
    expect(results).toEqual([0, 1, 2, -1, 4, 5, 6]);
  });
});
