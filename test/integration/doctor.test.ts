/**
 * `doctor` against a real broker: two consumers of one group, in this process, subscribe one
 * topic with different tag expressions (the seed's problem 1). The snapshot shows each
 * client's own subscription and queues next to the broker's connection list and consume
 * stats; the CLI names the inconsistency (exit 99), finds the group without --group, and
 * fails cleanly on an unreachable or malformed name-server address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingProducer, RemotingPushConsumer } from '../../src/drivers/remoting/index.ts';
import { RemotingAdmin } from '../../src/protocol/index.ts';
import { collectSnapshot } from '../../src/observe/collect-snapshot.ts';
import { doctorCli } from '../support/cli.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';

const TOPIC = 'DoctorTags';
const GROUP = 'doctor-tags';

let cluster: TestCluster;
let admin: RemotingAdmin;
let producer: RemotingProducer;
let narrow: RemotingPushConsumer;
let wide: RemotingPushConsumer;

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 1, topics: [{ name: TOPIC, queues: 4 }] });
  admin = RemotingAdmin.create({ namesrvAddr: cluster.namesrvAddr });
  const tuning = { heartbeatIntervalMs: 1000, persistOffsetIntervalMs: 1000 };
  const options = { namesrvAddr: cluster.namesrvAddr, group: GROUP, model: 'clustering' as const, tuning };
  narrow = await RemotingPushConsumer.start(
    { ...options, instanceName: 'doctor-narrow', subscriptions: [{ topic: TOPIC, expression: 'TagA' }] },
    () => 'success',
  );
  wide = await RemotingPushConsumer.start(
    { ...options, instanceName: 'doctor-wide', subscriptions: [{ topic: TOPIC, expression: 'TagA || TagB' }] },
    () => 'success',
  );
  await waitUntil('a 2/2 split', () => narrow.assignment().length === 2 && wide.assignment().length === 2);
  producer = await RemotingProducer.start({
    namesrvAddr: cluster.namesrvAddr,
    group: 'doctor-producers',
    instanceName: 'doctor-producer',
  });
  for (let i = 0; i < 20; i++)
    await producer.send({
      topic: TOPIC,
      tag: i % 2 === 0 ? 'TagA' : 'TagB',
      body: Buffer.from(`m${i}`),
      properties: {},
    });
  // Offsets are committed every second: then the broker has consume stats for every queue. A
  // queue's max offset counts what the broker has dispatched to its consume queue, which trails
  // the acks on a busy machine (15 of 20 seen beside other integration files): wait for all 20.
  await waitUntil('consume stats of 4 queues holding the 20 messages', async () => {
    const queues = (
      await admin.consumeStats(cluster.brokers[0]!.addr, GROUP).catch(() => ({ queues: [] }))
    ).queues.filter((q) => q.topic === TOPIC);
    return queues.length === 4 && queues.reduce((sum, q) => sum + q.brokerOffset, 0) === 20;
  });
});

afterAll(async () => {
  await Promise.all([narrow?.close(), wide?.close(), producer?.close()]);
  await admin?.close();
  await cluster?.[Symbol.asyncDispose]();
});

describe('doctor on a real broker', () => {
  it(
    'collectSnapshot shows each client with its own subscription ' +
      'and queues, the connection list and consume stats',
    async () => {
      const snapshot = await collectSnapshot(admin, [GROUP]);
      expect(snapshot.errors).toEqual([]);
      expect(snapshot.brokers).toEqual([{ name: cluster.brokers[0]!.name, addr: cluster.brokers[0]!.addr }]);
      const [group] = snapshot.groups;
      expect(group!.group).toBe(GROUP);
      expect(group!.messageModel).toBe('CLUSTERING');
      const broker = cluster.brokers[0]!.name;
      expect(group!.brokers).toHaveLength(1);
      expect(group!.brokers[0]!.clientIds).toEqual([narrow.clientId, wide.clientId].sort());
      expect(group!.brokers[0]!.error).toBeUndefined();
      // The broker keeps one expression per topic: whichever heartbeat came last.
      expect(['TagA', 'TagA || TagB']).toContain(
        group!.brokers[0]!.subscriptions.find((s) => s.topic === TOPIC)?.expression,
      );

      const byId = new Map(group!.clients.map((c) => [c.clientId, c]));
      expect([...byId.keys()].sort()).toEqual([narrow.clientId, wide.clientId].sort());
      const n = byId.get(narrow.clientId)!;
      const w = byId.get(wide.clientId)!;
      expect(n.runningInfoError).toBeUndefined();
      expect(n.subscriptions?.find((s) => s.topic === TOPIC)).toEqual({
        topic: TOPIC,
        expression: 'TagA',
        tags: ['TagA'],
        // What unconsumed-queues compares with the broker's (SUBSCRIPTION_NOT_LATEST).
        subVersion: expect.any(Number),
      });
      expect(w.subscriptions?.find((s) => s.topic === TOPIC)?.expression).toBe('TagA || TagB');
      expect(w.subscriptions?.find((s) => s.topic === TOPIC)?.tags.sort()).toEqual(['TagA', 'TagB']);
      expect(n.brokers).toEqual([broker]);
      const topicQueues = (c: typeof n) => (c.queues ?? []).filter((q) => q.topic === TOPIC).map((q) => q.queueId);
      expect(topicQueues(n)).toEqual(narrow.assignment().map((q) => q.queueId));
      expect(topicQueues(w)).toEqual(wide.assignment().map((q) => q.queueId));
      expect([...topicQueues(n), ...topicQueues(w)].sort()).toEqual([0, 1, 2, 3]);

      expect(group!.topicQueues[TOPIC]).toEqual([0, 1, 2, 3].map((queueId) => ({ topic: TOPIC, broker, queueId })));
      expect(group!.queues.map((q) => q.queueId)).toEqual([0, 1, 2, 3]);
      expect(group!.queues.every((q) => q.topic === TOPIC && q.broker === broker)).toBe(true);
      expect(group!.queues.reduce((sum, q) => sum + q.brokerOffset, 0)).toBe(20);
    },
  );

  it(
    'doctor --json names the inconsistent subscription: ' + 'exit 99, the group, both clients and both expressions',
    async () => {
      const result = await doctorCli('--namesrv', cluster.namesrvAddr, '--group', GROUP, '--json', '--window', '4s');
      expect(result.code, result.stderr).toBe(99);
      expect(result.stderr).toMatch(/snapshot 3\/3/);
      const report = JSON.parse(result.stdout) as {
        schema: string;
        schemaVersion: number;
        namesrv: string;
        groups: { group: string; clients: unknown[] }[];
        findings: { id: string; group: string; summary: string; evidence: unknown }[];
        errors: string[];
      };
      expect(report).toMatchObject({
        schema: 'rmq-chaos/doctor',
        schemaVersion: 1,
        namesrv: cluster.namesrvAddr,
        errors: [],
      });
      expect(report.groups).toEqual([expect.objectContaining({ group: GROUP, clients: expect.any(Array) })]);
      expect(report.groups[0]!.clients).toHaveLength(2);
      const finding = report.findings.find((f) => f.id === 'inconsistent-subscription');
      expect(finding, result.stdout).toBeDefined();
      expect(finding!.group).toBe(GROUP);
      const text = `${finding!.summary} ${JSON.stringify(finding!.evidence)}`;
      for (const needle of [narrow.clientId, wide.clientId, '"TagA"', 'TagA || TagB']) expect(text).toContain(needle);
    },
  );

  it('doctor without --group finds the group and prints a readable report', async () => {
    const result = await doctorCli('--namesrv', cluster.namesrvAddr, '--window', '0s');
    expect(result.code, result.stderr).toBe(99);
    expect(result.stderr).toContain(`found ${GROUP}`);
    expect(result.stdout).toContain(`groups   ${GROUP}: 2 clients, clustering`);
    expect(result.stdout).toMatch(/^CRITICAL inconsistent-subscription {2}group doctor-tags$/m);
    expect(result.stdout).toMatch(/^ {2}remedy: /m);
    expect(result.stdout).toMatch(/problems? found/);
  });

  it('an unknown --group is reported as such, not a crash', async () => {
    const result = await doctorCli('--namesrv', cluster.namesrvAddr, '--group', 'no-such-group', '--window', '0s');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('no-such-group: no such consumer group on any broker');
    expect(result.stdout).toContain('no problems found');
  });

  it('an unreachable name server exits 1 with one line (and its fix); a malformed address exits 2', async () => {
    const unreachable = await doctorCli('--namesrv', '127.0.0.1:1');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toBe('');
    const lines = unreachable.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^rmq-chaos: cannot reach the name server at 127\.0\.0\.1:1: /);
    expect(lines.slice(1).every((l) => l.startsWith('  fix: '))).toBe(true);
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);

    const malformed = await doctorCli('--namesrv', 'nonsense');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^rmq-chaos: --namesrv: expected host:port/);
  });
});
