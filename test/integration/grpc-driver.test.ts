/**
 * The grpc driver against a real name server, broker and proxy (RocketMQ 5.3.3): one push
 * consumer gets 200 messages exactly once with tag, keys and identity properties intact, two
 * consumers of one group share the work, a tag subscription filters, `retry` comes back after
 * the chosen invisible time, errors carry countable reasons, and a process whose clients are
 * closed exits by itself. Topics are created the harness's way (UPDATE_AND_CREATE_TOPIC, no
 * message.type attribute): the proxy treats them as NORMAL, which these sends rely on.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage, Producer, ReceivedMessage } from '../../src/drivers/driver.ts';
import {
  GrpcDriverError,
  GrpcPushConsumer,
  createGrpcDriver,
  grpcDriver,
  type GrpcConsumerTuning,
} from '../../src/drivers/grpc/index.ts';
import { getDriver } from '../../src/drivers/registry.ts';
import { buildMessage, readIdentity } from '../../src/fleet/identity.ts';
import { subscriptionsOf } from '../../src/protocol/index.ts';
import { UsageError } from '../../src/util/errors.ts';
import { waitFor } from '../support/wait-for.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';

const TOPICS = { once: 'g', share: 'GdShare', tags: 'GdTags', retry: 'GdRetry', exit: 'GdExit' };
const RUN = `grpc-test-${process.pid}`;

let cluster: TestCluster;
let endpoint: string;
let producer: Producer;

beforeAll(async () => {
  cluster = await startTestCluster({ proxy: true, topics: Object.values(TOPICS).map((name) => ({ name, queues: 4 })) });
  endpoint = cluster.endpoints.proxy!.grpc;
  producer = await grpcDriver.createProducer({
    namesrvAddr: cluster.namesrvAddr,
    endpoint,
    group: 'gd-producers',
    instanceName: 'gd-producer',
  });
});

afterAll(async () => {
  await producer?.close();
  await cluster?.[Symbol.asyncDispose]();
});

/** A consumer that keeps what it receives of this run (other messages on a topic are ignored). */
async function recordingConsumer(
  group: string,
  instanceName: string,
  subscription: Record<string, string>,
  tuning: GrpcConsumerTuning = {},
  outcome: (m: ReceivedMessage) => 'success' | 'retry' = () => 'success',
) {
  const received: { message: ReceivedMessage; at: number }[] = [];
  const consumer = (await createGrpcDriver(tuning).createConsumer(
    {
      namesrvAddr: cluster.namesrvAddr,
      endpoint,
      group,
      instanceName,
      model: 'clustering',
      subscriptions: subscriptionsOf(subscription),
    },
    (message) => {
      if (readIdentity(message)?.runId === RUN) received.push({ message, at: Date.now() });
      return outcome(message);
    },
  )) as GrpcPushConsumer;
  return { consumer, received };
}

const seqs = (received: { message: ReceivedMessage }[]): number[] =>
  received.map((r) => readIdentity(r.message)!.seq).sort((a, b) => a - b);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const message = (topic: string, seq: number, tag?: string): OutgoingMessage =>
  buildMessage(RUN, `p-${topic}`, seq, topic, 128, tag);

describe('grpc driver through a real proxy', () => {
  it('is registered under its name; pop consumption has no assignment and no broadcasting', async () => {
    expect(getDriver('grpc')).toBe(grpcDriver);
    expect(grpcDriver.name).toBe('grpc');
    await expect(
      grpcDriver.createConsumer(
        {
          namesrvAddr: cluster.namesrvAddr,
          endpoint,
          group: 'gd-b',
          instanceName: 'b',
          model: 'broadcasting',
          subscriptions: [{ topic: TOPICS.once, expression: '*' }],
        },
        () => 'success',
      ),
    ).rejects.toBeInstanceOf(UsageError);
  });

  it('one push consumer receives 200 messages exactly once, with tag, keys and properties', async () => {
    const a = await recordingConsumer('gd-once', 'gd-a', { [TOPICS.once]: '*' });
    expect(a.consumer.assignment()).toEqual([]);
    // Sequential sends give latency, concurrent ones throughput; both are printed for the record.
    let started = performance.now();
    for (let seq = 0; seq < 100; seq++) await producer.send(message(TOPICS.once, seq, 'TagA'));
    const sequentialMs = performance.now() - started;
    started = performance.now();
    const results = await Promise.all(range(100).map((i) => producer.send(message(TOPICS.once, 100 + i, 'TagA'))));
    const concurrentMs = performance.now() - started;
    console.log(
      `grpc send: 100 sequential in ${sequentialMs.toFixed(0)} ms ` +
        `(${(100_000 / sequentialMs).toFixed(0)}/s), 100 concurrent in ${concurrentMs.toFixed(0)} ms ` +
        `(${(100_000 / concurrentMs).toFixed(0)}/s)`,
    );
    // The proxy picks the queue; the response names no broker or queue.
    expect(results[0]).toMatchObject({ brokerName: '', queueId: -1 });
    expect(new Set(results.map((r) => r.msgId)).size).toBe(100);

    await waitFor(() => (a.received.length >= 200 ? true : undefined), 20_000, '200 receipts');
    await new Promise((r) => setTimeout(r, 1000)); // a duplicate would arrive now
    expect(seqs(a.received)).toEqual(range(200));
    const first = a.received[0]!.message;
    expect(first).toMatchObject({
      topic: TOPICS.once,
      tag: 'TagA',
      brokerName: cluster.brokers[0]!.name,
      reconsumeTimes: 0,
    });
    expect(first.keys).toEqual([`p-${TOPICS.once}:${readIdentity(first)!.seq}`]);
    expect(first.body.length).toBe(128);
    expect(Math.abs(first.bornTimestamp - Date.now())).toBeLessThan(60_000);
    // The proxy spread the messages over all four queues (queue ids come from the receipt handle).
    expect(new Set(a.received.map((r) => r.message.queueId))).toEqual(new Set([0, 1, 2, 3]));
    const started2 = Date.now();
    await a.consumer.close();
    expect(a.consumer.stats()).toEqual({
      received: 200,
      acked: 200,
      nacked: 0,
      released: 0,
      expired: 0,
      settleFailures: {},
      receiveFailures: {},
    });
    console.log(`grpc consumer close: ${Date.now() - started2} ms`);
  }, 60_000);

  it('two consumers of one group share the work, each message once', async () => {
    const a = await recordingConsumer('gd-share', 'gd-a', { [TOPICS.share]: '*' });
    const b = await recordingConsumer('gd-share', 'gd-b', { [TOPICS.share]: '*' });
    await Promise.all(range(200).map((seq) => producer.send(message(TOPICS.share, seq))));
    await waitFor(
      () => (a.received.length + b.received.length >= 200 ? true : undefined),
      20_000,
      '200 receipts in the group',
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect([...seqs(a.received), ...seqs(b.received)].sort((x, y) => x - y)).toEqual(range(200));
    console.log(`grpc share: ${a.received.length} / ${b.received.length}`);
    expect(a.received.length).toBeGreaterThan(0);
    expect(b.received.length).toBeGreaterThan(0);
    await Promise.all([a.consumer.close(), b.consumer.close()]);
  }, 60_000);

  it('a tag subscription gets only its tags (the broker filters)', async () => {
    const a = await recordingConsumer('gd-tags', 'gd-a', { [TOPICS.tags]: 'TagA || TagC' });
    await Promise.all(
      range(40).map((seq) => producer.send(message(TOPICS.tags, seq, seq % 2 === 0 ? 'TagA' : 'TagB'))),
    );
    await waitFor(() => (a.received.length >= 20 ? true : undefined), 20_000, '20 TagA receipts');
    await new Promise((r) => setTimeout(r, 1000));
    expect(seqs(a.received)).toEqual(range(20).map((i) => 2 * i));
    expect(new Set(a.received.map((r) => r.message.tag))).toEqual(new Set(['TagA']));
    await a.consumer.close();
  }, 40_000);

  it('retry comes back after the chosen invisible time, with reconsumeTimes 1', async () => {
    const retryDelayMs = 2000;
    const awaitDurationMs = 5000;
    const a = await recordingConsumer(
      'gd-retry',
      'gd-a',
      { [TOPICS.retry]: '*' },
      { retryDelayMs, awaitDurationMs },
      (m) => (m.reconsumeTimes === 0 ? 'retry' : 'success'),
    );
    await producer.send(message(TOPICS.retry, 0));
    await waitFor(() => (a.received.length >= 2 ? true : undefined), 20_000, 'the redelivery');
    const [first, second] = a.received as [(typeof a.received)[0], (typeof a.received)[0]];
    const gapMs = second.at - first.at;
    console.log(
      `grpc retry: redelivered ${gapMs} ms after the nack (retryDelayMs ${retryDelayMs}, awaitDurationMs ` +
        `${awaitDurationMs})`,
    );
    expect(readIdentity(second.message)).toEqual(readIdentity(first.message));
    expect(second.message.msgId).toBe(first.message.msgId);
    expect([first.message.reconsumeTimes, second.message.reconsumeTimes]).toEqual([0, 1]);
    // Not before the invisible time; at most one long poll later (the waiting receive is not woken by a revived
    // message).
    expect(gapMs).toBeGreaterThanOrEqual(retryDelayMs - 100);
    expect(gapMs).toBeLessThan(retryDelayMs + awaitDurationMs + 3000);
    await new Promise((r) => setTimeout(r, 500));
    expect(a.received).toHaveLength(2);
    await a.consumer.close();
    expect(a.consumer.stats()).toMatchObject({ nacked: 1, acked: 1 });
  }, 40_000);

  it('failures carry a countable reason', async () => {
    const error = await producer.send(message('GdNoSuchTopic', 0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrpcDriverError);
    expect((error as GrpcDriverError).reason).toBe('proxy:TOPIC_NOT_FOUND(40402)');
    expect((error as GrpcDriverError).code).toBe('grpc-send-failed');
    const closed = await grpcDriver.createProducer({
      namesrvAddr: cluster.namesrvAddr,
      endpoint,
      group: 'gd-closed',
      instanceName: 'gd-closed',
    });
    await closed.close();
    await expect(closed.send(message(TOPICS.once, 0))).rejects.toMatchObject({ reason: 'closed' });
    const refused = await grpcDriver
      .createProducer({
        namesrvAddr: '127.0.0.1:1',
        group: 'gd-refused',
        instanceName: 'gd-refused',
        sendTimeoutMs: 1000,
      })
      .then((p) => p.send(message(TOPICS.once, 0)).finally(() => p.close()))
      .catch((e: unknown) => e);
    expect((refused as GrpcDriverError).reason).toBe('grpc:UNAVAILABLE(14)');
  }, 30_000);

  it('a closed producer and consumer leave nothing that keeps the process alive', async () => {
    const script = join(import.meta.dirname, 'support', 'grpc-exit-child.ts');
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', script, endpoint, TOPICS.exit], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    console.log(`grpc exit child: ${output.trim()}; exited ${Date.now() - started} ms after spawn`);
    expect(code, output).toBe(0);
    expect(output).toMatch(/received 1, closed/);
  }, 35_000);
});
