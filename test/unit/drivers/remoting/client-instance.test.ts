import { afterEach, describe, expect, it } from 'vitest';
import { ClientInstance, type ConsumerHooks } from '../../../../src/drivers/remoting/client-instance.ts';
import { FLAG_RESPONSE } from '../../../../src/protocol/remoting/codec.ts';
import {
  RemotingConnection,
  RequestCode,
  createRequest,
  RemotingClosedError,
  RemotingConnectError,
  RemotingTimeoutError,
  buildSubscription,
} from '../../../../src/protocol/index.ts';
import { FakeServer } from '../../protocol/remoting/fake-server.ts';

const servers: FakeServer[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const s of servers.splice(0)) await s.stop();
});

async function server(respond?: ConstructorParameters<typeof FakeServer>[0]): Promise<FakeServer> {
  const s = await new FakeServer(respond).start();
  servers.push(s);
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RemotingConnection', () => {
  it('matches responses to requests and fails typed on timeout, close and refused connections', async () => {
    const srv = await server((req) =>
      req.code === 1 ? 'silent' : { code: 0, remark: `echo ${req.extFields?.['x']}` },
    );
    const conn = await RemotingConnection.connect(srv.addr);
    const [a, b] = await Promise.all([
      conn.invoke(createRequest(2, { x: 'a' }), 1000),
      conn.invoke(createRequest(2, { x: 'b' }), 1000),
    ]);
    expect([a.remark, b.remark]).toEqual(['echo a', 'echo b']);
    const timeout = await conn.invoke(createRequest(1), 50).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(RemotingTimeoutError);
    expect((timeout as RemotingTimeoutError).reason).toBe('timeout');
    const pending = conn.invoke(createRequest(1), 5000).catch((e: unknown) => e);
    srv.dropConnections();
    expect(await pending).toBeInstanceOf(RemotingClosedError);
    expect(conn.isOpen).toBe(false);
    await srv.stop();
    servers.length = 0;
    const refused = await RemotingConnection.connect(srv.addr).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemotingConnectError);
  });
});

describe('ClientInstance', () => {
  async function setup(tuning = {}) {
    const broker = await server();
    const namesrv = await server((req) =>
      req.code === RequestCode.GET_ROUTEINFO_BY_TOPIC && req.extFields?.['topic'] === 'T'
        ? {
            body: Buffer.from(
              `{"brokerDatas":[{"brokerAddrs":{0:"${broker.addr}"},"brokerName":"b","cluster":"c"}],` +
                '"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":2,"writeQueueNums":2}]}',
            ),
          }
        : { code: 17, remark: 'no' },
    );
    const instance = new ClientInstance(namesrv.addr, 'unit', tuning);
    cleanups.push(() => instance.close());
    const calls: string[] = [];
    const hooks: ConsumerHooks = {
      consumerData: () => ({
        groupName: 'g',
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [buildSubscription('T', 'TagA', 1)],
        unitMode: false,
      }),
      onConsumerIdsChanged: () => calls.push('notify'),
      runningInfo: () => Buffer.from('{"running":true}'),
    };
    return { broker, namesrv, instance, hooks, calls };
  }

  it('heartbeats at once on a connection to a broker that opens again, as Java 5.x clients do', async () => {
    // A 30 s timer: any heartbeat within the test comes from the reconnect, not the timer.
    const { broker, instance, hooks } = await setup({ heartbeatIntervalMs: 30_000 });
    await instance.route('T');
    instance.registerConsumer('g', hooks);
    await instance.sendHeartbeats();
    const beats = () => broker.requests.filter((r) => r.code === RequestCode.HEART_BEAT).length;
    const before = beats();
    broker.dropConnections();
    await sleep(50);
    expect(beats()).toBe(before); // nothing reconnects by itself
    // The next request to the broker opens a new connection, which heartbeats first.
    await instance.invoke(broker.addr, createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, {}));
    await sleep(50);
    expect(beats()).toBe(before + 1);
    // While paused (a zombie), a reconnect does not heartbeat either.
    instance.pauseHeartbeats();
    broker.dropConnections();
    await sleep(50);
    await instance.invoke(broker.addr, createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, {}));
    await sleep(50);
    expect(beats()).toBe(before + 1);
  });

  it('heartbeats on a timer, stops while paused (zombie), resumes, and unregisters on request', async () => {
    const { broker, instance, hooks } = await setup({ heartbeatIntervalMs: 40 });
    await instance.route('T');
    instance.registerConsumer('g', hooks);
    await sleep(200);
    const beats = broker.requests.filter((r) => r.code === RequestCode.HEART_BEAT);
    expect(beats.length).toBeGreaterThanOrEqual(2);
    const body = JSON.parse(beats[0]!.body!.toString()) as {
      clientID: string;
      consumerDataSet: { groupName: string; subscriptionDataSet: { tagsSet: string[] }[] }[];
    };
    expect(body.clientID).toBe(instance.clientId);
    expect(body.consumerDataSet[0]?.subscriptionDataSet[0]?.tagsSet).toEqual(['TagA']);

    instance.pauseHeartbeats();
    await sleep(60); // let a heartbeat already on the wire land
    const whilePaused = broker.requests.length;
    await sleep(150);
    expect(broker.requests.length).toBe(whilePaused);
    expect(broker.connections).toBe(1); // the socket stays up: that is what makes it a zombie

    instance.resumeHeartbeats();
    await sleep(30);
    expect(broker.requests.length).toBeGreaterThan(whilePaused);

    await instance.unregister({ consumerGroup: 'g' });
    const unregister = broker.requests.find((r) => r.code === RequestCode.UNREGISTER_CLIENT);
    expect(unregister?.extFields).toEqual({ clientID: instance.clientId, consumerGroup: 'g' });
    await instance.close();
    await sleep(20);
    expect(broker.connections).toBe(0);
  });

  it('dispatches broker-initiated requests to the consumer of the named group', async () => {
    const { broker, instance, hooks, calls } = await setup();
    await instance.route('T');
    instance.registerConsumer('g', hooks);
    await instance.sendHeartbeats();
    broker.push({ code: RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, extFields: { consumerGroup: 'g' } });
    broker.push(
      {
        code: RequestCode.GET_CONSUMER_RUNNING_INFO,
        flag: 0,
        extFields: { consumerGroup: 'g', clientId: instance.clientId },
      },
      77,
    );
    broker.push({ code: RequestCode.GET_CONSUMER_RUNNING_INFO, flag: 0, extFields: { consumerGroup: 'other' } }, 78);
    await sleep(50);
    expect(calls).toEqual(['notify']);
    const byOpaque = new Map(broker.responses.map((r) => [r.opaque, r]));
    expect(byOpaque.get(77)?.flag).toBe(FLAG_RESPONSE);
    expect(byOpaque.get(77)?.body?.toString()).toBe('{"running":true}');
    expect(byOpaque.get(78)?.code).toBe(1);
    expect(byOpaque.get(78)?.remark).toMatch(/other/);
    expect(() => instance.registerConsumer('g', hooks)).toThrow(/already has a consumer/);
  });

  it('reports a missing topic with the name server code and remark', async () => {
    const { instance } = await setup();
    const err = await instance.route('Nope').catch((e: unknown) => e);
    expect(err).toMatchObject({ responseCode: 17, reason: 'broker:TOPIC_NOT_EXIST(17)' });
  });
});
