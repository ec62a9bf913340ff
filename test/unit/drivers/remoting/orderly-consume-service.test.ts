import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsumeOutcome, ReceivedMessage } from '../../../../src/drivers/driver.ts';
import type { StoredMessage } from '../../../../src/drivers/remoting/message-decoder.ts';
import { OrderlyConsumeService } from '../../../../src/drivers/remoting/orderly-consume-service.ts';
import { LOCK_MAX_LIVE_MS, ProcessQueue } from '../../../../src/drivers/remoting/process-queue.ts';

const mq = { topic: 'T', brokerName: 'broker-a', queueId: 0 };

function stored(queueOffset: number): StoredMessage {
  return {
    magicVersion: 1,
    storeSize: 0,
    bodyCrc: 0,
    queueId: 0,
    flag: 0,
    queueOffset,
    commitLogOffset: queueOffset * 100,
    sysFlag: 0,
    bornTimestamp: 0,
    bornHost: '127.0.0.1:1',
    storeTimestamp: 0,
    storeHost: '127.0.0.1:2',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    body: Buffer.alloc(0),
    topic: 'T',
    properties: { UNIQ_KEY: `id${queueOffset}` },
    offsetMsgId: `o${queueOffset}`,
  };
}

/** A queue as the push consumer hands it over: pulled offsets registered, lock held. */
function lockedQueue(offsets: number[]): ProcessQueue {
  const pq = new ProcessQueue(mq, offsets[0] ?? 0);
  pq.add(offsets);
  pq.nextOffset = (offsets.at(-1) ?? -1) + 1;
  pq.locked = true;
  pq.lastLockTimestamp = Date.now();
  return pq;
}

afterEach(() => vi.useRealTimers());

describe('OrderlyConsumeService', () => {
  it('consumes one message at a time in offset order and commits after each', async () => {
    let inHandler = 0;
    let maxInHandler = 0;
    const seen: number[] = [];
    const commits: number[] = [];
    const service = new OrderlyConsumeService({
      model: 'CLUSTERING',
      handler: async (m): Promise<ConsumeOutcome> => {
        maxInHandler = Math.max(maxInHandler, ++inHandler);
        seen.push(m.queueOffset);
        await new Promise((r) => setTimeout(r, 2));
        inHandler--;
        return 'success';
      },
      onConsumed: (_pq, committable) => commits.push(committable),
      relock: async () => true,
    });
    const pq = lockedQueue([0, 1, 2, 3, 4]);
    service.submit(pq, [0, 1, 2].map(stored));
    service.submit(pq, [3, 4].map(stored));
    await vi.waitFor(() => expect(seen).toHaveLength(5));
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(maxInHandler).toBe(1);
    await vi.waitFor(() => expect(commits).toEqual([1, 2, 3, 4, 5]));
    expect(service.backlog).toBe(0);
  });

  it('retry: the queue waits 1 s, then the same message again with reconsumeTimes + 1, nothing after it', async () => {
    vi.useFakeTimers();
    const seen: [number, number][] = [];
    const commits: number[] = [];
    const service = new OrderlyConsumeService({
      model: 'CLUSTERING',
      handler: (m: ReceivedMessage): ConsumeOutcome => {
        seen.push([m.queueOffset, m.reconsumeTimes]);
        return m.queueOffset === 1 && m.reconsumeTimes < 2 ? 'retry' : 'success';
      },
      onConsumed: (_pq, committable) => commits.push(committable),
      relock: async () => true,
    });
    const pq = lockedQueue([0, 1, 2]);
    service.submit(pq, [0, 1, 2].map(stored));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(commits).toEqual([1]);
    await vi.advanceTimersByTimeAsync(999);
    expect(seen).toHaveLength(2); // suspended: offset 2 waits too
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.at(-1)).toEqual([1, 1]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen.slice(3)).toEqual([
      [1, 2],
      [2, 0],
    ]);
    expect(commits).toEqual([1, 2, 3]);
  });

  it('a throwing handler counts as a retry', async () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    let threw = false;
    const service = new OrderlyConsumeService({
      model: 'CLUSTERING',
      handler: (m) => {
        seen.push(m.reconsumeTimes);
        if (!threw) {
          threw = true;
          throw new Error('boom');
        }
        return 'success';
      },
      onConsumed: () => undefined,
      relock: async () => true,
    });
    service.submit(lockedQueue([0]), [stored(0)]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual([0, 1]);
  });

  it('clustering: an unlocked or expired queue waits; relocked 100 ms later, consumed 10 ms after', async () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const relocks: number[] = [];
    let grant = false;
    const service = new OrderlyConsumeService({
      model: 'CLUSTERING',
      handler: (m) => {
        seen.push(m.queueOffset);
        return 'success';
      },
      onConsumed: () => undefined,
      relock: async (pq) => {
        relocks.push(Date.now());
        pq.locked = grant;
        if (grant) pq.lastLockTimestamp = Date.now();
        return grant;
      },
    });
    const pq = lockedQueue([0, 1]);
    pq.lastLockTimestamp = Date.now() - LOCK_MAX_LIVE_MS - 1; // not renewed for 30 s
    service.submit(pq, [stored(0)]);
    await vi.advanceTimersByTimeAsync(100);
    expect(relocks).toHaveLength(1);
    expect(seen).toEqual([]);
    // Refused: try again 3 s later.
    grant = true;
    await vi.advanceTimersByTimeAsync(2999);
    expect(relocks).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1 + 100 + 10);
    expect(relocks).toHaveLength(2);
    expect(seen).toEqual([0]);
    service.submit(pq, [stored(1)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([0, 1]);
  });

  it('broadcasting needs no lock', async () => {
    const seen: number[] = [];
    const service = new OrderlyConsumeService({
      model: 'BROADCASTING',
      handler: (m) => {
        seen.push(m.queueOffset);
        return 'success';
      },
      onConsumed: () => undefined,
      relock: async () => {
        throw new Error('never asked');
      },
    });
    const pq = lockedQueue([0]);
    pq.locked = false;
    service.submit(pq, [stored(0)]);
    await vi.waitFor(() => expect(seen).toEqual([0]));
  });

  it('a queue dropped mid-handler commits nothing more; waitIdle and hasBuffered drive the unlock', async () => {
    let release!: () => void;
    const commits: number[] = [];
    const seen: number[] = [];
    const service = new OrderlyConsumeService({
      model: 'CLUSTERING',
      handler: async (m): Promise<ConsumeOutcome> => {
        seen.push(m.queueOffset);
        if (m.queueOffset === 1) await new Promise<void>((r) => (release = r));
        return 'success';
      },
      onConsumed: (_pq, committable) => commits.push(committable),
      relock: async () => true,
    });
    const pq = lockedQueue([0, 1, 2]);
    service.submit(pq, [0, 1, 2].map(stored));
    await vi.waitFor(() => expect(seen).toEqual([0, 1]));
    pq.drop();
    expect(await service.waitIdle(pq, 20)).toBe(false);
    const idle = service.waitIdle(pq);
    release();
    expect(await idle).toBe(true);
    expect(commits).toEqual([1]); // Java does not commit a message finished after the drop
    expect(seen).toEqual([0, 1]);
    expect(service.hasBuffered(pq)).toBe(true);
    service.forget(pq);
    expect(service.hasBuffered(pq)).toBe(false);
  });
});
