import { describe, expect, it } from 'vitest';
import type { ClientInstance } from '../../../../src/drivers/remoting/client-instance.ts';
import { OffsetStore } from '../../../../src/drivers/remoting/offset-store.ts';
import { RequestCode, ResponseCode, type RemotingCommand } from '../../../../src/protocol/index.ts';

/**
 * A broker that handles UPDATE_CONSUMER_OFFSET on a thread pool: each request is applied after
 * its own delay, so a request sent first can be applied last. Both the answered and the oneway
 * path are modelled, so the test fails if the store goes back to fire-and-forget commits.
 */
function brokerWithDelays(delaysMs: number[]) {
  const applied: number[] = [];
  const apply = (req: RemotingCommand) =>
    new Promise<void>((resolve) =>
      setTimeout(() => {
        if (req.code === RequestCode.UPDATE_CONSUMER_OFFSET) applied.push(Number(req.extFields?.['commitOffset']));
        resolve();
      }, delaysMs.shift() ?? 0),
    );
  const instance = {
    requireMaster: () => '127.0.0.1:10911',
    invoke: async (_addr: string, req: RemotingCommand) => {
      await apply(req);
      return { code: ResponseCode.SUCCESS, opaque: req.opaque, flag: 1, language: 'JAVA', version: 0 };
    },
    invokeOneway: async (_addr: string, req: RemotingCommand) => {
      void apply(req);
    },
  } as unknown as ClientInstance;
  return { instance, applied };
}

const mq = { topic: 't', brokerName: 'broker-a', queueId: 0 };

describe('OffsetStore commits', () => {
  it('a closing commit is applied after a periodic commit still in flight, never before it', async () => {
    // The periodic commit of offset 0 takes 40 ms at the broker; the closing one of 50 takes none.
    const { instance, applied } = brokerWithDelays([40, 0]);
    const store = new OffsetStore(instance, 'g', 'CLUSTERING');
    store.reset(mq, 0);
    const periodic = store.persistAll([mq]);
    store.reset(mq, 50);
    await store.persist(mq);
    await periodic;
    expect(applied).toEqual([0, 50]);
  });

  it('the periodic commit forgets queues no longer owned and sends the rest', async () => {
    const { instance, applied } = brokerWithDelays([]);
    const store = new OffsetStore(instance, 'g', 'CLUSTERING');
    const other = { ...mq, queueId: 1 };
    store.reset(mq, 7);
    store.reset(other, 9);
    await store.persistAll([mq]);
    expect(applied).toEqual([7]);
    expect(store.read(other)).toBeUndefined();
  });

  it('broadcasting keeps offsets in memory and sends nothing', async () => {
    const { instance, applied } = brokerWithDelays([]);
    const store = new OffsetStore(instance, 'g', 'BROADCASTING');
    store.update(mq, 5);
    store.update(mq, 3);
    await store.persistAll([mq]);
    await store.persist(mq);
    expect(applied).toEqual([]);
    expect(store.read(mq)).toBe(5);
  });
});
