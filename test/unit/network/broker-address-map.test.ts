/**
 * The remoting driver's `brokerAddressMap`: the name server lists a broker at one address
 * (with the network on, the producers' Toxiproxy listener) and a client role dials another
 * (consumers: their own listener). Every broker request (send, heartbeat, consumer list,
 * cluster info for admin) must go to the mapped address and nothing to the listed one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RemotingProducer, RemotingPushConsumer } from '../../../src/drivers/remoting/index.ts';
import { RemotingAdmin, RequestCode } from '../../../src/protocol/index.ts';
import { mapBrokerAddrs } from '../../../src/protocol/remoting/route.ts';
import { FakeServer, type Responder } from '../protocol/remoting/fake-server.ts';

const servers: FakeServer[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const s of servers.splice(0)) await s.stop();
});

async function start(respond?: Responder): Promise<FakeServer> {
  const s = await new FakeServer(respond).start();
  servers.push(s);
  return s;
}

/** A name server listing broker-a at `listed`; `mapped` is where the role should go. */
async function layout() {
  const listed = await start();
  const mapped = await start((req) => {
    if (req.code === RequestCode.SEND_MESSAGE_V2)
      return { extFields: { queueId: req.extFields!['e']!, queueOffset: '0' } };
    if (req.code === RequestCode.GET_CONSUMER_LIST_BY_GROUP)
      return { body: Buffer.from(JSON.stringify({ consumerIdList: [] })) };
    return undefined;
  });
  const brokerDatas = [{ brokerName: 'broker-a', cluster: 'c', brokerAddrs: { 0: listed.addr } }];
  const namesrv = await start((req) => {
    if (req.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
      return {
        body: Buffer.from(
          JSON.stringify({
            brokerDatas,
            queueDatas: [{ brokerName: 'broker-a', perm: 6, readQueueNums: 2, writeQueueNums: 2 }],
          }),
        ),
      };
    }
    if (req.code === RequestCode.GET_BROKER_CLUSTER_INFO) {
      return {
        body: Buffer.from(
          JSON.stringify({ brokerAddrTable: { 'broker-a': brokerDatas[0] }, clusterAddrTable: { c: ['broker-a'] } }),
        ),
      };
    }
    return undefined;
  });
  return { listed, mapped, namesrv, map: { [listed.addr]: mapped.addr } };
}

describe('brokerAddressMap (remoting driver)', () => {
  it('mapBrokerAddrs rewrites mapped addresses and keeps the others', () => {
    const out = mapBrokerAddrs([{ brokerName: 'a', brokerAddrs: { 0: '127.0.0.2:1', 1: '127.0.0.2:2' } }], {
      '127.0.0.2:1': '127.0.0.3:1',
    });
    expect(out[0]!.brokerAddrs).toEqual({ 0: '127.0.0.3:1', 1: '127.0.0.2:2' });
  });

  it('a producer sends to the mapped address, never to the listed one', async () => {
    const { listed, mapped, namesrv, map } = await layout();
    const producer = await RemotingProducer.start({
      namesrvAddr: namesrv.addr,
      group: 'pg',
      instanceName: 'p',
      brokerAddressMap: map,
      sendTimeoutMs: 1000,
    });
    closers.push(() => producer.close());
    await producer.send({ topic: 'T', body: Buffer.from('x'), properties: {} });
    expect(mapped.codes()).toContain(RequestCode.SEND_MESSAGE_V2);
    expect(listed.requests).toHaveLength(0);
  });

  it('a consumer heartbeats and asks for the group at the mapped address', async () => {
    const { listed, mapped, namesrv, map } = await layout();
    const consumer = await RemotingPushConsumer.start(
      {
        namesrvAddr: namesrv.addr,
        group: 'cg',
        instanceName: 'c',
        model: 'clustering',
        subscriptions: [{ topic: 'T', expression: '*' }],
        brokerAddressMap: map,
        tuning: { rebalanceIntervalMs: 60_000 },
      },
      () => 'success',
    );
    closers.push(() => consumer.close({ unregister: false }));
    expect(mapped.codes()).toEqual(
      expect.arrayContaining([RequestCode.HEART_BEAT, RequestCode.GET_CONSUMER_LIST_BY_GROUP]),
    );
    expect(listed.requests).toHaveLength(0);
  });

  it('admin maps cluster info too (observers around Toxiproxy); without a map, addresses stay as listed', async () => {
    const { listed, mapped, namesrv, map } = await layout();
    const admin = RemotingAdmin.create({ namesrvAddr: namesrv.addr, brokerAddressMap: map });
    const plain = RemotingAdmin.create({ namesrvAddr: namesrv.addr });
    closers.push(
      () => admin.close(),
      () => plain.close(),
    );
    expect(await admin.masterAddrs()).toEqual([{ brokerName: 'broker-a', addr: mapped.addr }]);
    expect((await admin.route('T')).brokerDatas[0]!.brokerAddrs['0']).toBe(mapped.addr);
    expect(await plain.masterAddrs()).toEqual([{ brokerName: 'broker-a', addr: listed.addr }]);
  });
});
