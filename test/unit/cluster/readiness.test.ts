/**
 * Readiness against a scripted name server and broker: a broker that skipped its first
 * registration (as 5.x brokers often do on a busy machine) is asked to register now, with the
 * permission it already has, instead of being waited for until its 10 s tick.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitForBrokersRegistered } from '../../../src/cluster/readiness.ts';
import { RequestCode } from '../../../src/protocol/index.ts';
import { parseProperties } from '../../../src/protocol/remoting/admin.ts';
import { FakeServer } from '../protocol/remoting/fake-server.ts';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function started(server: FakeServer): Promise<FakeServer> {
  servers.push(await server.start());
  return server;
}

describe('waitForBrokersRegistered', () => {
  it('asks an unlisted broker to register now (brokerPermission as it is) and returns once it is listed', async () => {
    let registered = false;
    const broker = await started(
      new FakeServer((request) => {
        if (request.code === RequestCode.GET_BROKER_CONFIG)
          return { body: Buffer.from('brokerName=broker-a\nbrokerPermission=4\nlistenPort=1\n') };
        if (request.code === RequestCode.UPDATE_BROKER_CONFIG) registered = true;
        return undefined;
      }),
    );
    const namesrv = await started(
      new FakeServer((request) => {
        if (request.code !== RequestCode.GET_BROKER_CLUSTER_INFO) return undefined;
        const brokerAddrTable = registered
          ? { 'broker-a': { brokerName: 'broker-a', cluster: 'c', brokerAddrs: { 0: broker.addr } } }
          : {};
        return { body: Buffer.from(JSON.stringify({ brokerAddrTable, clusterAddrTable: {} })) };
      }),
    );
    await waitForBrokersRegistered(
      { clusterName: 'c', namesrvAddr: namesrv.addr, brokers: [{ name: 'broker-a', brokerId: 0, addr: broker.addr }] },
      10_000,
    );
    const update = broker.requests.find((r) => r.code === RequestCode.UPDATE_BROKER_CONFIG)!;
    expect(update.body?.toString('utf8')).toBe('brokerPermission=4\n');
    expect(broker.codes()).toEqual([RequestCode.GET_BROKER_CONFIG, RequestCode.UPDATE_BROKER_CONFIG]);
  });

  it('leaves a listed broker alone', async () => {
    const broker = await started(new FakeServer());
    const namesrv = await started(
      new FakeServer(() => ({
        body: Buffer.from(
          JSON.stringify({
            brokerAddrTable: { 'broker-a': { brokerName: 'broker-a', cluster: 'c', brokerAddrs: { 0: broker.addr } } },
            clusterAddrTable: {},
          }),
        ),
      })),
    );
    await waitForBrokersRegistered(
      { clusterName: 'c', namesrvAddr: namesrv.addr, brokers: [{ name: 'broker-a', brokerId: 0, addr: broker.addr }] },
      10_000,
    );
    expect(broker.requests).toEqual([]);
  });
});

describe('parseProperties', () => {
  it('reads key=value lines, values with = in them, skipping blanks and comments', () => {
    expect(parseProperties('a=1\r\n\n# c\nb = x=y \n')).toEqual({ a: '1', b: 'x=y' });
  });
});
