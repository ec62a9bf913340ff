import { afterEach, describe, expect, it } from 'vitest';
import { ClientInstance } from '../../../../src/drivers/remoting/client-instance.ts';
import { QueueLocks } from '../../../../src/drivers/remoting/queue-locks.ts';
import { RequestCode } from '../../../../src/protocol/index.ts';
import { FakeServer } from '../../protocol/remoting/fake-server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function server(respond?: ConstructorParameters<typeof FakeServer>[0]): Promise<FakeServer> {
  const s = await new FakeServer(respond).start();
  cleanups.push(() => s.stop());
  return s;
}

const mq = (queueId: number, brokerName = 'b') => ({ topic: 'T', brokerName, queueId });

describe('QueueLocks', () => {
  it('sends LOCK_BATCH_MQ per broker with Java body and returns the queues the broker granted', async () => {
    const broker = await server((req) =>
      req.code === RequestCode.LOCK_BATCH_MQ
        ? { body: Buffer.from('{"lockOKMQSet":[{"brokerName":"b","queueId":1,"topic":"T"}]}') }
        : undefined,
    );
    const namesrv = await server(() => ({
      body: Buffer.from(
        `{"brokerDatas":[{"brokerAddrs":{0:"${broker.addr}"},"brokerName":"b","cluster":"c"}],` +
          '"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":2,"writeQueueNums":2}]}',
      ),
    }));
    const instance = new ClientInstance(namesrv.addr, 'locks');
    cleanups.push(() => instance.close());
    await instance.route('T');
    const logs: string[] = [];
    const locks = new QueueLocks(instance, 'g', (m) => logs.push(m));

    const granted = await locks.lock([mq(0), mq(1), mq(0, 'unknown-broker')]);
    expect([...granted]).toEqual(['T@b@1']);
    const request = broker.requests.find((r) => r.code === RequestCode.LOCK_BATCH_MQ)!;
    expect(JSON.parse(request.body!.toString())).toEqual({
      consumerGroup: 'g',
      clientId: instance.clientId,
      onlyThisBroker: false,
      mqSet: [mq(0), mq(1)],
    });
    expect(logs.join()).toMatch(/unknown-broker/); // a broker we cannot ask grants nothing

    await locks.unlock([mq(1)]);
    await new Promise((r) => setTimeout(r, 50));
    const unlock = broker.requests.find((r) => r.code === RequestCode.UNLOCK_BATCH_MQ)!;
    expect(JSON.parse(unlock.body!.toString()).mqSet).toEqual([mq(1)]);
  });
});
