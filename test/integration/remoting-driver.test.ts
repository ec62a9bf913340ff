/**
 * The remoting driver against a real name server and broker: clustering shares queues as a
 * disjoint cover and delivers each message once, broadcasting delivers everything to every
 * instance, a joining consumer triggers a rebalance seen through onAssignment, tags and SQL92 filter,
 * retries come back through %RETRY%, and a closed client lets its process exit.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageQueueRef, ReceivedMessage } from '../../src/drivers/driver.ts';
import { RemotingProducer, RemotingPushConsumer, remotingDriver } from '../../src/drivers/remoting/index.ts';
import { RemotingAdmin, subscriptionsOf } from '../../src/protocol/index.ts';
import { getDriver } from '../../src/drivers/registry.ts';
import { matches, parseSql92 } from '../../src/filter/index.ts';
import { ROCKETMQ_VERSION } from '../../src/setup/versions.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';

const TOPICS = {
  clustering: 'RdClustering',
  broadcasting: 'RdBroadcasting',
  join: 'RdJoin',
  tags: 'RdTags',
  sql: 'RdSql',
  retry: 'RdRetry',
  exit: 'RdExit',
};

let cluster: TestCluster;
let admin: RemotingAdmin;
let producer: RemotingProducer;
let brokerAddr: string;

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 1, topics: Object.values(TOPICS).map((name) => ({ name, queues: 4 })) });
  admin = RemotingAdmin.create({ namesrvAddr: cluster.namesrvAddr });
  producer = await RemotingProducer.start({
    namesrvAddr: cluster.namesrvAddr,
    group: 'rd-producers',
    instanceName: 'rd-producer',
  });
  brokerAddr = cluster.brokers[0]!.addr;
});

afterAll(async () => {
  await producer?.close();
  await admin?.close();
  await cluster?.[Symbol.asyncDispose]();
});

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function produce(
  topic: string,
  count: number,
  tagOf: (i: number) => string | undefined = () => undefined,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    await producer.send({ topic, tag: tagOf(i), body: Buffer.from(`message ${i}`), properties: { seq: String(i) } });
  }
}

/** A consumer that records what it receives and every assignment it is given. */
async function recordingConsumer(
  group: string,
  instanceName: string,
  subscription: Record<string, string | { sql: string }>,
  model: 'clustering' | 'broadcasting' = 'clustering',
) {
  const received: ReceivedMessage[] = [];
  const assignments: { queues: MessageQueueRef[]; atMs: number }[] = [];
  const consumer = await RemotingPushConsumer.start(
    {
      namesrvAddr: cluster.namesrvAddr,
      group,
      instanceName,
      model,
      subscriptions: subscriptionsOf(subscription),
      onAssignment: (queues, atMs) => assignments.push({ queues, atMs }),
    },
    (message) => {
      received.push(message);
      return 'success';
    },
  );
  return { consumer, received, assignments };
}

const ids = (queues: MessageQueueRef[]): number[] => queues.map((q) => q.queueId).sort((a, b) => a - b);
const seqs = (messages: ReceivedMessage[]): string[] => messages.map((m) => m.properties['seq']!);

describe('remoting driver on a real broker', () => {
  it('is registered under its name', () => {
    expect(getDriver('remoting')).toBe(remotingDriver);
    expect(remotingDriver.name).toBe('remoting');
  });

  it('clustering: two consumers split 4 queues 2/2 and together receive 200 messages exactly once', async () => {
    const a = await recordingConsumer('rd-clustering', 'rd-a', { [TOPICS.clustering]: '*' });
    const b = await recordingConsumer('rd-clustering', 'rd-b', { [TOPICS.clustering]: '*' });
    await waitFor('a 2/2 split', () => a.consumer.assignment().length === 2 && b.consumer.assignment().length === 2);
    expect([...ids(a.consumer.assignment()), ...ids(b.consumer.assignment())].sort()).toEqual([0, 1, 2, 3]);
    // The broker answers in its own order (seen: [rd-b, rd-a] right after another cluster's run); compare as sets.
    expect((await admin.consumerIdList(brokerAddr, 'rd-clustering')).sort()).toEqual(
      [a.consumer.clientId, b.consumer.clientId].sort(),
    );

    await produce(TOPICS.clustering, 200);
    await waitFor('200 receipts', () => a.received.length + b.received.length >= 200);
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would arrive now
    const all = [...seqs(a.received), ...seqs(b.received)];
    expect(all).toHaveLength(200);
    expect(new Set(all).size).toBe(200);
    // Each consumer only saw its own queues.
    expect(new Set(a.received.map((m) => m.queueId))).toEqual(new Set(ids(a.consumer.assignment())));
    expect(new Set(b.received.map((m) => m.queueId))).toEqual(new Set(ids(b.consumer.assignment())));

    await Promise.all([a.consumer.close(), b.consumer.close()]);
    // Close committed every offset: the broker sees no backlog for the group.
    const stats = await admin.consumeStats(brokerAddr, 'rd-clustering', TOPICS.clustering);
    expect(stats.queues.map((q) => q.brokerOffset - q.consumerOffset)).toEqual([0, 0, 0, 0]);
    expect(stats.queues.reduce((sum, q) => sum + q.brokerOffset, 0)).toBe(200);
  });

  it('broadcasting: each of two instances receives all 200 messages', async () => {
    const a = await recordingConsumer('rd-broadcasting', 'rd-a', { [TOPICS.broadcasting]: '*' }, 'broadcasting');
    const b = await recordingConsumer('rd-broadcasting', 'rd-b', { [TOPICS.broadcasting]: '*' }, 'broadcasting');
    expect(ids(a.consumer.assignment())).toEqual([0, 1, 2, 3]);
    expect(ids(b.consumer.assignment())).toEqual([0, 1, 2, 3]);
    await produce(TOPICS.broadcasting, 200);
    await waitFor('200 receipts on each', () => a.received.length >= 200 && b.received.length >= 200);
    await new Promise((r) => setTimeout(r, 500));
    for (const c of [a, b]) {
      expect(c.received).toHaveLength(200);
      expect(new Set(seqs(c.received)).size).toBe(200);
    }
    await Promise.all([a.consumer.close(), b.consumer.close()]);
  });

  it('a third consumer joining triggers a rebalance visible through onAssignment', async () => {
    const a = await recordingConsumer('rd-join', 'rd-a', { [TOPICS.join]: '*' });
    const b = await recordingConsumer('rd-join', 'rd-b', { [TOPICS.join]: '*' });
    await waitFor('a 2/2 split', () => a.consumer.assignment().length === 2 && b.consumer.assignment().length === 2);
    const joinedAt = Date.now();
    const c = await recordingConsumer('rd-join', 'rd-c', { [TOPICS.join]: '*' });
    const all = [a, b, c];
    // The latest event of each instance is what it claims; together they must cover 0..3 once.
    const claimed = () => all.map((x) => ids(x.assignments[x.assignments.length - 1]?.queues ?? []));
    await waitFor(
      'a 2/1/1 disjoint cover in the events',
      () => claimed().flat().sort().join(',') === '0,1,2,3' && claimed().every((q) => q.length > 0),
    );
    expect(
      claimed()
        .map((q) => q.length)
        .sort(),
    ).toEqual([1, 1, 2]);
    expect(claimed()).toEqual(all.map((x) => ids(x.consumer.assignment())));
    // Java order: rd-a keeps 0,1; rd-b gives up 3 to rd-c.
    expect(claimed()).toEqual([[0, 1], [2], [3]]);
    const bGaveUp = b.assignments.find((e) => e.atMs >= joinedAt);
    expect(ids(bGaveUp!.queues)).toEqual([2]);
    // The broker's NOTIFY_CONSUMER_IDS_CHANGED made that happen well before the 20 s timer.
    expect(bGaveUp!.atMs - joinedAt).toBeLessThan(3000);
    expect(c.assignments[0]!.atMs).toBeGreaterThanOrEqual(joinedAt);
    await Promise.all(all.map((x) => x.consumer.close()));
  });

  it('filters by tag on the broker and commits past filtered messages', async () => {
    const a = await recordingConsumer('rd-tags', 'rd-a', { [TOPICS.tags]: 'TagA || TagC' });
    await produce(TOPICS.tags, 40, (i) => (i % 2 === 0 ? 'TagA' : 'TagB'));
    await waitFor('20 TagA receipts', () => a.received.length >= 20);
    await new Promise((r) => setTimeout(r, 500));
    expect(a.received).toHaveLength(20);
    expect(new Set(a.received.map((m) => m.tag))).toEqual(new Set(['TagA']));
    await waitFor(
      'offsets past the TagB messages',
      async () => {
        const stats = await admin.consumeStats(brokerAddr, 'rd-tags', TOPICS.tags);
        return stats.queues.every((q) => q.consumerOffset === q.brokerOffset);
      },
      15_000,
    );
    const connections = await admin.consumerConnections(brokerAddr, 'rd-tags');
    expect(connections.subscriptionTable[TOPICS.tags]?.tagsSet.sort()).toEqual(['TagA', 'TagC']);
    const running = await admin.consumerRunningInfo(brokerAddr, 'rd-tags', a.consumer.clientId);
    expect(running.queues.filter((q) => q.topic === TOPICS.tags).map((q) => q.queueId)).toEqual([0, 1, 2, 3]);
    await a.consumer.close();
  });

  it('filters by SQL92 on the broker exactly as src/filter decides, over the properties the broker holds', async () => {
    // Off by default; the broker reads it on every heartbeat and pull, so setting it at runtime suffices.
    await admin.updateBrokerConfig(brokerAddr, { enablePropertyFilter: 'true' });
    const sql = "a > 5 AND region = 'eu' OR TAGS = 'TagZ'";
    const a = await recordingConsumer('rd-sql', 'rd-a', { [TOPICS.sql]: { sql } });
    const propertiesOf = (i: number) => ({ a: String(i % 11), region: i % 3 === 0 ? 'us' : 'eu' });
    const tagOf = (i: number) => (i % 7 === 0 ? 'TagZ' : 'TagA');
    for (let i = 0; i < 60; i++)
      await producer.send({
        topic: TOPICS.sql,
        tag: tagOf(i),
        body: Buffer.from(`m ${i}`),
        properties: { seq: String(i), ...propertiesOf(i) },
      });
    const filter = parseSql92(sql, { version: ROCKETMQ_VERSION });
    const expected = Array.from({ length: 60 }, (_, i) => i).filter((i) =>
      matches(filter, { ...propertiesOf(i), TAGS: tagOf(i), seq: String(i) }),
    );
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.length).toBeLessThan(50);
    await waitFor(`${expected.length} SQL92 receipts`, () => a.received.length >= expected.length);
    await new Promise((r) => setTimeout(r, 500));
    expect(a.received.map((m) => Number(m.properties['seq'])).sort((x, y) => x - y)).toEqual(expected);
    const connections = await admin.consumerConnections(brokerAddr, 'rd-sql');
    expect(connections.subscriptionTable[TOPICS.sql]).toMatchObject({ subString: sql, expressionType: 'SQL92' });
    await a.consumer.close();
  });

  it('a retry outcome comes back through %RETRY% with reconsumeTimes 1', async () => {
    const seen: { seq: string; reconsumeTimes: number; topic: string }[] = [];
    const consumer = await remotingDriver.createConsumer(
      {
        namesrvAddr: cluster.namesrvAddr,
        group: 'rd-retry',
        instanceName: 'rd-a',
        model: 'clustering',
        subscriptions: [{ topic: TOPICS.retry, expression: '*' }],
      },
      (m) => {
        seen.push({ seq: m.properties['seq']!, reconsumeTimes: m.reconsumeTimes, topic: m.topic });
        return m.reconsumeTimes === 0 ? 'retry' : 'success';
      },
    );
    await produce(TOPICS.retry, 1);
    // The broker delays the first retry by level 3 (10 s).
    await waitFor('the redelivery', () => seen.length >= 2, 25_000);
    expect(seen).toEqual([
      { seq: '0', reconsumeTimes: 0, topic: TOPICS.retry },
      { seq: '0', reconsumeTimes: 1, topic: TOPICS.retry },
    ]);
    await consumer.close();
  }, 40_000);

  it('a closed producer and consumer leave nothing that keeps the process alive', async () => {
    const script = join(import.meta.dirname, 'support', 'remoting-exit-child.ts');
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', script, cluster.namesrvAddr, TOPICS.exit], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code, output).toBe(0);
    expect(output).toMatch(/received 1, closed/);
    expect(Date.now() - started).toBeLessThan(25_000);
  }, 30_000);
});
