import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocateAveragely } from '../../../../src/protocol/remoting/allocate-averagely.ts';
import { queueKey, type MessageQueueRef } from '../../../../src/protocol/remoting/message-queue.ts';

interface JavaCase {
  queues: string;
  cids: string;
  expected: Record<string, string[]>;
}
const cases = JSON.parse(
  readFileSync(new URL('../../../fixtures/remoting/allocate-averagely-java.json', import.meta.url), 'utf8'),
) as JavaCase[];

function queuesOf(spec: string): MessageQueueRef[] {
  return spec.split(',').flatMap((part) => {
    const [brokerName, n] = part.split(':') as [string, string];
    return Array.from({ length: Number(n) }, (_, queueId) => ({ topic: 'TopicX', brokerName, queueId }));
  });
}

describe('allocateAveragely', () => {
  it.each(cases)('matches Java for queues $queues and consumers $cids', ({ queues, cids, expected }) => {
    const mqAll = queuesOf(queues);
    const cidAll = cids.split(',');
    for (const cid of cidAll) {
      // Inputs are given unsorted on purpose: the allocation sorts like RebalanceImpl does.
      const got = allocateAveragely(cid, [...mqAll].reverse(), cidAll).map((q) => `${q.brokerName}/${q.queueId}`);
      expect(got).toEqual(expected[cid]);
    }
  });

  it('gives nothing to a consumer the broker does not list yet', () => {
    expect(allocateAveragely('late', queuesOf('broker-a:4'), ['a', 'b'])).toEqual([]);
  });

  it('always yields a disjoint cover of the queues across all listed consumers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('broker-a', 'broker-b', 'broker-c'), fc.integer({ min: 1, max: 16 })), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 20 }),
        (brokers, cids) => {
          const seen = new Map<string, MessageQueueRef>();
          for (const [b, n] of brokers)
            for (let q = 0; q < n; q++) seen.set(`${b}/${q}`, { topic: 'T', brokerName: b, queueId: q });
          const mqAll = [...seen.values()];
          const owned = cids.flatMap((cid) => allocateAveragely(cid, mqAll, cids).map(queueKey));
          expect(new Set(owned).size).toBe(owned.length);
          expect(owned.length).toBe(mqAll.length);
        },
      ),
    );
  });
});
