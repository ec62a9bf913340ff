/**
 * The external provider against a scripted name server: endpoints from the cluster info, no
 * node it may fault, nothing left open; and each refusal (an unreachable broker, several
 * clusters, network faults) with its message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { externalProvider } from '../../../src/cluster/providers/external.ts';
import type { ClusterSpec, ProviderContext } from '../../../src/cluster/provider.ts';
import { RequestCode } from '../../../src/protocol/index.ts';
import type { RunResources } from '../../../src/runtime/run-resources.ts';
import { EnvironmentError, UsageError } from '../../../src/util/errors.ts';
import { FakeServer } from '../protocol/remoting/fake-server.ts';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/** A name server whose cluster info is `clusters`: cluster → broker name → id → address. */
async function nameServer(clusters: Record<string, Record<string, Record<number, string>>>): Promise<FakeServer> {
  const brokerAddrTable = Object.fromEntries(
    Object.entries(clusters).flatMap(([cluster, brokers]) =>
      Object.entries(brokers).map(([name, addrs]) => [name, { brokerName: name, cluster, brokerAddrs: addrs }]),
    ),
  );
  const clusterAddrTable = Object.fromEntries(
    Object.entries(clusters).map(([cluster, brokers]) => [cluster, Object.keys(brokers)]),
  );
  const body = Buffer.from(JSON.stringify({ brokerAddrTable, clusterAddrTable }));
  const server = await new FakeServer((request) =>
    request.code === RequestCode.GET_BROKER_CLUSTER_INFO ? { body } : undefined,
  ).start();
  servers.push(server);
  return server;
}

async function listener(): Promise<FakeServer> {
  const server = await new FakeServer().start();
  servers.push(server);
  return server;
}

const spec = (namesrvAddr: string, extra: Partial<ClusterSpec> = {}): ClusterSpec => ({
  clusterName: 'rmq-chaos',
  namesrv: 1,
  brokers: 1,
  slavesPerMaster: 0,
  proxy: false,
  heapBytes: 0,
  brokerConfig: {},
  namesrvConfig: {},
  namesrvAddr,
  ...extra,
});
const lines: string[] = [];
const context = (extra: Partial<ProviderContext> = {}): ProviderContext => ({
  resources: {} as RunResources,
  log: (line) => lines.push(line),
  ...extra,
});

describe('external provider', () => {
  it('returns the endpoints the name server lists, no node to fault, and leaves no connection open', async () => {
    const [a, aSlave, b, proxy] = await Promise.all([listener(), listener(), listener(), listener()]);
    const namesrv = await nameServer({
      DefaultCluster: { 'broker-b': { 0: b.addr }, 'broker-a': { 1: aSlave.addr, 0: a.addr } },
    });
    const cluster = await externalProvider.start(spec(namesrv.addr, { proxyAddr: proxy.addr }), context());
    expect(cluster.endpoints).toEqual({
      clusterName: 'DefaultCluster',
      namesrvAddr: namesrv.addr,
      brokers: [
        { name: 'broker-a', brokerId: 0, addr: a.addr },
        { name: 'broker-a', brokerId: 1, addr: aSlave.addr },
        { name: 'broker-b', brokerId: 0, addr: b.addr },
      ],
      proxy: { grpc: proxy.addr },
    });
    expect(cluster.nodes.map((n) => [n.name, n.role, n.pid])).toEqual([
      ['namesrv-0', 'namesrv', undefined],
      ['broker-a', 'broker-master', undefined],
      ['broker-a-s1', 'broker-slave', undefined],
      ['broker-b', 'broker-master', undefined],
      ['proxy', 'proxy', undefined],
    ]);
    expect(cluster.nodeControl.names()).toEqual([]);
    await expect(cluster.nodeControl.kill('broker-a')).rejects.toThrow(
      /provider external has no node faults; an external cluster is not ours to break/,
    );
    await expect(cluster.nodeControl.restart('broker-a', { hard: true, downMs: 0 })).rejects.toThrow(/no node faults/);
    expect(lines.at(-1)).toMatch(/external cluster DefaultCluster: .*\(not started or stopped by rmq-chaos\)/);
    await cluster.stop();
    await cluster[Symbol.asyncDispose]();
    // The admin connection that read the cluster info is closed.
    await new Promise((r) => setTimeout(r, 50));
    expect(namesrv.connections).toBe(0);
    expect(namesrv.codes()).toEqual([RequestCode.GET_BROKER_CLUSTER_INFO]);
  });

  it('names a listed broker this machine cannot reach, with the brokerIP1 hint', async () => {
    const namesrv = await nameServer({ DefaultCluster: { 'broker-a': { 0: '127.0.0.1:1' } } });
    const error = await externalProvider.start(spec(namesrv.addr), context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).message).toMatch(
      `the name server at ${namesrv.addr} lists broker-a (id 0) at 127.0.0.1:1, which does not accept ` +
        'connections from here',
    );
    expect((error as EnvironmentError).hint).toMatch(/brokerIP1/);
  }, 15_000);

  it('refuses a name server with no master broker, or with several clusters', async () => {
    const none = await nameServer({ DefaultCluster: {} });
    await expect(externalProvider.start(spec(none.addr), context())).rejects.toThrow(
      `the name server at ${none.addr} lists no master broker in cluster DefaultCluster`,
    );
    const b = await listener();
    const two = await nameServer({ One: { 'broker-a': { 0: b.addr } }, Two: { 'broker-b': { 0: b.addr } } });
    const error = await externalProvider.start(spec(two.addr), context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(
      `the name server at ${two.addr} lists 2 clusters (One, Two); provider external runs against a name ` +
        'server with one',
    );
  });

  it('refuses network faults and a missing namesrvAddr before connecting to anything', async () => {
    await expect(externalProvider.start(spec('127.0.0.1:1'), context({ network: true }))).rejects.toThrow(
      /provider external has no network faults/,
    );
    const { namesrvAddr: _, ...without } = spec('x:1');
    await expect(externalProvider.start(without, context())).rejects.toThrow(
      /provider external needs cluster.namesrvAddr/,
    );
  });
});
