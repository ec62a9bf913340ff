import { afterEach, describe, expect, it } from 'vitest';
import type { ConsumeOutcome, MessageQueueRef, ReceivedMessage } from '../../../../src/drivers/driver.ts';
import { RemotingProducer, createRemotingDriver, queuesByHand } from '../../../../src/drivers/remoting/index.ts';
import { RequestCode } from '../../../../src/protocol/index.ts';
import { UsageError } from '../../../../src/util/errors.ts';
import { LoopbackRocketMQ } from '../../fleet/loopback-rocketmq.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const q = (topic: string, brokerName: string, queueId: number): MessageQueueRef => ({ topic, brokerName, queueId });
const driver = createRemotingDriver({ pollTimeoutMs: 200, autoCommitIntervalMs: 100, persistOffsetIntervalMs: 100 });

async function loopbackWith(messages: number): Promise<LoopbackRocketMQ> {
  const loop = await new LoopbackRocketMQ().start();
  cleanups.push(() => loop.stop());
  const producer = await RemotingProducer.start({ namesrvAddr: loop.addr, group: 'p', instanceName: 'p' });
  for (let i = 0; i < messages; i++)
    await producer.send({ topic: 'LP', body: Buffer.from(String(i)), properties: { seq: String(i) } });
  await producer.close();
  return loop;
}

describe('queuesByHand', () => {
  it('takes the queues sorted by topic, broker and queue id at positions p % count == index', () => {
    const all = [q('B', 'broker-a', 0), q('A', 'broker-b', 0), q('A', 'broker-a', 1), q('A', 'broker-a', 0)];
    expect(queuesByHand(all, { index: 0, count: 2 })).toEqual([q('A', 'broker-a', 0), q('A', 'broker-b', 0)]);
    expect(queuesByHand(all, { index: 1, count: 2 })).toEqual([q('A', 'broker-a', 1), q('B', 'broker-a', 0)]);
    expect(queuesByHand(all, { index: 2, count: 3 })).toEqual([q('A', 'broker-b', 0)]);
    expect(() => queuesByHand(all, { index: 2, count: 2 })).toThrow(UsageError);
  });
});

describe('remoting lite pull consumer (loopback broker)', () => {
  it('assign: takes its share, reports it once, never asks for the group, and commits what it polled', async () => {
    const loop = await loopbackWith(10);
    const seen: ReceivedMessage[] = [];
    const assignments: MessageQueueRef[][] = [];
    const consumer = await driver.createConsumer(
      {
        namesrvAddr: loop.addr,
        group: 'g',
        instanceName: 'c1',
        model: 'clustering',
        mode: 'pull',
        assign: { index: 1, count: 2 },
        subscriptions: [{ topic: 'LP', expression: '*' }],
        onAssignment: (queues) => assignments.push(queues),
      },
      (m) => {
        seen.push(m);
        return 'success';
      },
    );
    cleanups.push(() => consumer.close());
    expect(consumer.assignment()).toEqual([q('LP', 'broker-a', 1)]);
    expect(assignments).toEqual([[q('LP', 'broker-a', 1)]]);
    await expect.poll(() => seen.length).toBe(5);
    expect(new Set(seen.map((m) => m.queueId))).toEqual(new Set([1]));
    expect(seen.map((m) => m.queueOffset)).toEqual([0, 1, 2, 3, 4]);
    await expect.poll(() => loop.codes.includes(RequestCode.UPDATE_CONSUMER_OFFSET)).toBe(true);
    expect(loop.codes).not.toContain(RequestCode.GET_CONSUMER_LIST_BY_GROUP);
  });

  it('subscribe: a retry seeks back to the failed message, which comes again with the rest of its queue', async () => {
    const loop = await loopbackWith(12);
    const seen: [number, number, number][] = [];
    let failed = false;
    const consumer = await driver.createConsumer(
      {
        namesrvAddr: loop.addr,
        group: 'g',
        instanceName: 'c1',
        model: 'clustering',
        mode: 'pull',
        subscriptions: [{ topic: 'LP', expression: '*' }],
      },
      (m): ConsumeOutcome => {
        seen.push([m.queueId, m.queueOffset, m.reconsumeTimes]);
        if (m.queueId === 0 && m.queueOffset === 2 && !failed) {
          failed = true;
          return 'retry';
        }
        return 'success';
      },
    );
    cleanups.push(() => consumer.close());
    expect(consumer.assignment()).toEqual([q('LP', 'broker-a', 0), q('LP', 'broker-a', 1)]);
    await expect.poll(() => seen.length).toBe(13);
    const queue0 = seen.filter(([queueId]) => queueId === 0).map(([, offset, times]) => [offset, times]);
    expect(queue0).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
    ]);
    expect(loop.codes).toContain(RequestCode.GET_CONSUMER_LIST_BY_GROUP);
  });

  it('refuses mode simple and assign outside pull', async () => {
    const base = {
      namesrvAddr: '127.0.0.1:1',
      group: 'g',
      instanceName: 'c',
      model: 'clustering' as const,
      subscriptions: [{ topic: 'LP', expression: '*' }],
    };
    await expect(driver.createConsumer({ ...base, mode: 'simple' }, () => 'success')).rejects.toThrow(UsageError);
    await expect(
      driver.createConsumer({ ...base, mode: 'push', assign: { index: 0, count: 1 } }, () => 'success'),
    ).rejects.toThrow(/assign is for mode pull/);
  });
});
