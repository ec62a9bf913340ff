/**
 * The local cluster's link layout: every link the brief names exists once, listeners never
 * collide with each other or with what the daemons bind, everything stays on loopback, and
 * the client maps point each role at its own listener.
 */
import { describe, expect, it } from 'vitest';
import { isLoopbackIpv4 } from '../../../src/network/loopback.ts';
import { planLocalNetwork, registrationHost } from '../../../src/cluster/providers/local/network-plan.ts';
import { brokerConfig, brokerPortsFromBlock, namesrvConfig } from '../../../src/cluster/providers/local/node-config.ts';
import type { ClusterSpec } from '../../../src/cluster/provider.ts';

const block = (base: number) => brokerPortsFromBlock([base, base + 1, base + 2, base + 3]);
const a = block(21000);
const as1 = block(21010);
const b = block(21020);
const plan = planLocalNetwork({
  namesrv: [
    { name: 'namesrv-0', port: 20000 },
    { name: 'namesrv-1', port: 20001 },
  ],
  brokers: [
    { name: 'broker-a', ...a },
    { name: 'broker-a-s1', ...as1, master: 'broker-a' },
    { name: 'broker-b', ...b },
  ],
  proxy: { grpc: 22000, via: 22002 },
});
const byName = new Map(plan.proxies.map((p) => [p.name, p]));

describe('planLocalNetwork', () => {
  it('has one link per client role and broker, per broker and name server, per HA pair, and for the proxy', () => {
    // Plus one to each broker's VIP port, where slaves copy topics and offsets from their master.
    expect([...byName.keys()].sort()).toEqual([
      'broker-a->broker-a-s1',
      'broker-a->namesrv-0',
      'broker-a->namesrv-1',
      'broker-a-s1->namesrv-0',
      'broker-a-s1->namesrv-1',
      'broker-b->namesrv-0',
      'broker-b->namesrv-1',
      'clients->namesrv-0',
      'clients->namesrv-1',
      'clients->proxy',
      'consumers->broker-a',
      'consumers->broker-a-s1',
      'consumers->broker-b',
      'producers->broker-a',
      'producers->broker-a-s1',
      'producers->broker-b',
      'replicas->broker-a',
      'replicas->broker-a-s1',
      'replicas->broker-b',
    ]);
    expect(plan.proxies).toHaveLength(byName.size);
    expect(byName.get('replicas->broker-a')).toEqual({
      name: 'replicas->broker-a',
      listen: `127.0.0.2:${a.listen - 2}`,
      upstream: `127.0.0.1:${a.listen - 2}`,
    });
  });

  it('listens on distinct loopback addresses that no daemon binds, and forwards to the bound ones', () => {
    const listens = plan.proxies.map((p) => p.listen);
    expect(new Set(listens).size).toBe(listens.length);
    for (const p of plan.proxies) {
      expect(isLoopbackIpv4(p.listen.split(':')[0]!)).toBe(true);
      expect(p.upstream.startsWith('127.0.0.1:')).toBe(true);
    }
    // Daemons bind 127.0.0.1 (namesrv, broker, VIP) and the wildcard (HA, proxy gRPC):
    const wildcardPorts = [a.ha, as1.ha, b.ha, 22000];
    const boundOn1 = [20000, 20001, a.listen, a.listen - 2, as1.listen, as1.listen - 2, b.listen, b.listen - 2];
    for (const listen of listens) {
      const [host, port] = listen.split(':');
      expect(wildcardPorts).not.toContain(Number(port));
      if (host === '127.0.0.1') expect(boundOn1).not.toContain(Number(port));
    }
  });

  it('brokers advertise the producers listener, consumers map it to theirs, observers to the bound port', () => {
    expect(byName.get('producers->broker-a')).toEqual({
      name: 'producers->broker-a',
      listen: `127.0.0.2:${a.listen}`,
      upstream: `127.0.0.1:${a.listen}`,
    });
    expect(plan.advertised.get('broker-a')).toBe(`127.0.0.2:${a.listen}`);
    expect(plan.clientAddressMaps.consumers[`127.0.0.2:${a.listen}`]).toBe(`127.0.0.3:${a.listen}`);
    expect(byName.get('consumers->broker-a')!.listen).toBe(`127.0.0.3:${a.listen}`);
    expect(plan.clientAddressMaps.producers).toEqual({});
    expect(plan.directBrokerMap[`127.0.0.2:${b.listen}`]).toBe(`127.0.0.1:${b.listen}`);
  });

  it('each broker registers through its own address; clients and the proxy daemon use theirs', () => {
    expect(plan.brokers.get('broker-b')!.namesrvAddr).toBe(`${registrationHost(2)}:20000;${registrationHost(2)}:20001`);
    expect(byName.get('broker-b->namesrv-1')!.listen).toBe('127.0.1.3:20001');
    expect(plan.clientNamesrvAddr).toBe('127.0.0.2:20000;127.0.0.2:20001');
    expect(plan.directNamesrvAddr).toBe('127.0.0.1:20000;127.0.0.1:20001');
    expect(plan.proxyGrpc).toBe('127.0.0.2:22002');
    expect(byName.get('clients->proxy')!.upstream).toBe('127.0.0.1:22000');
  });

  it('a slave replicates through its HA link on its spare port; masters have none', () => {
    expect(plan.brokers.get('broker-a-s1')!.haMasterAddress).toBe(`127.0.0.1:${as1.spare}`);
    expect(byName.get('broker-a->broker-a-s1')).toMatchObject({
      listen: `127.0.0.1:${as1.spare}`,
      upstream: `127.0.0.1:${a.ha}`,
    });
    expect(plan.brokers.get('broker-a')!.haMasterAddress).toBeUndefined();
  });

  it('writes bind address, advertised IP, registration path and HA master into the configs', () => {
    const spec: ClusterSpec = {
      clusterName: 'c',
      namesrv: 2,
      brokers: 2,
      slavesPerMaster: 1,
      proxy: true,
      heapBytes: 1,
      brokerConfig: {},
      namesrvConfig: {},
    };
    const text = brokerConfig({
      spec,
      brokerName: 'broker-a',
      brokerId: 1,
      namesrvAddr: '127.0.0.1:20000',
      ports: as1,
      storeDir: '/s',
      network: plan.brokers.get('broker-a-s1')!,
    });
    expect(text).toContain('bindAddress=127.0.0.1\n');
    expect(text).toContain('brokerIP1=127.0.0.2\n');
    expect(text).toContain(`namesrvAddr=127.0.1.2:20000;127.0.1.2:20001\n`);
    expect(text).toContain(`haMasterAddress=127.0.0.1:${as1.spare}\n`);
    expect(namesrvConfig(20000, '127.0.0.1')).toBe('listenPort=20000\nbindAddress=127.0.0.1\n');
    // Without the network, configs are what they always were.
    const plain = brokerConfig({
      spec,
      brokerName: 'broker-a',
      brokerId: 0,
      namesrvAddr: '127.0.0.1:20000',
      ports: a,
      storeDir: '/s',
    });
    expect(plain).not.toContain('bindAddress');
    expect(plain).toContain('brokerIP1=127.0.0.1\n');
    expect(namesrvConfig(20000)).toBe('listenPort=20000\n');
  });

  it('servers bound to every address (4.x): each listener on a port of its own, producers mapped too', () => {
    const own = planLocalNetwork({
      namesrv: [{ name: 'namesrv-0', port: 20000 }],
      brokers: [{ name: 'broker-a', listen: 30002, ha: 30003, spare: 30001 }],
      ownPorts: { namesrv: new Map([['namesrv-0', 20001]]), brokers: new Map([['broker-a', [30004, 30005, 30006]]]) },
    });
    expect(own.proxies.map((p) => `${p.name} ${p.listen}->${p.upstream}`)).toEqual([
      'clients->namesrv-0 127.0.0.1:20001->127.0.0.1:20000',
      'producers->broker-a 127.0.0.1:30004->127.0.0.1:30002',
      'consumers->broker-a 127.0.0.1:30005->127.0.0.1:30002',
      'broker-a->namesrv-0 127.0.0.1:30006->127.0.0.1:20000',
    ]);
    // The name server lists the broker's own address; both client roles dial through their links.
    expect(own.advertised.get('broker-a')).toBe('127.0.0.1:30002');
    expect(own.clientAddressMaps).toEqual({
      producers: { '127.0.0.1:30002': '127.0.0.1:30004' },
      consumers: { '127.0.0.1:30002': '127.0.0.1:30005' },
    });
    expect(own.clientNamesrvAddr).toBe('127.0.0.1:20001');
    expect(own.brokers.get('broker-a')).toEqual({
      brokerIP1: '127.0.0.1',
      brokerIP2: '127.0.0.1',
      namesrvAddr: '127.0.0.1:30006',
    });
    expect(() =>
      planLocalNetwork({
        namesrv: [{ name: 'namesrv-0', port: 20000 }],
        brokers: [{ name: 'broker-a', listen: 30002, ha: 30003, spare: 30001 }],
        ownPorts: { namesrv: new Map([['namesrv-0', 20001]]), brokers: new Map([['broker-a', [30004]]]) },
      }),
    ).toThrow(/needs 3 listener ports/);
  });
});
