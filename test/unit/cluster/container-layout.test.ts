import { describe, expect, it } from 'vitest';
import { planContainerLayout } from '../../../src/cluster/containers/layout.ts';

const brokers = [
  { name: 'broker-a', brokerName: 'broker-a', brokerId: 0, block: [21000, 21001, 21002, 21003] },
  { name: 'broker-b', brokerName: 'broker-b', brokerId: 0, block: [22000, 22001, 22002, 22003] },
];

describe('containers provider layout', () => {
  it(
    'without the network: brokers advertise 127.0.0.1 at their listen ' +
      'port, which the gateway publishes at the same number',
    () => {
      const layout = planContainerLayout({
        network: false,
        namesrvPorts: [20500],
        brokers,
        proxyBlock: [23000, 23001, 23002],
      });
      expect(layout.clientNamesrvAddr).toBe('127.0.0.1:20500');
      expect(layout.brokers.map((b) => [b.advertised, b.brokerIP1, b.listenPort, b.namesrvAddr])).toEqual([
        ['127.0.0.1:21002', '127.0.0.1', 21002, 'namesrv-0:9876'],
        ['127.0.0.1:22002', '127.0.0.1', 22002, 'namesrv-0:9876'],
      ]);
      expect(layout.links).toEqual([
        { name: 'clients->namesrv-0', listen: '0.0.0.0:20500', upstream: 'namesrv-0:9876' },
        { name: 'producers->broker-a', listen: '0.0.0.0:21002', upstream: 'broker-a:21002' },
        { name: 'producers->broker-b', listen: '0.0.0.0:22002', upstream: 'broker-b:22002' },
      ]);
      // The proxy shares the gateway's namespace: its gRPC and remoting ports are published by the gateway.
      expect(layout.gatewayPublished.sort()).toEqual([20500, 21002, 22002, 23000, 23001]);
      expect(layout.proxy).toMatchObject({
        clientGrpc: '127.0.0.1:23000',
        clientRemoting: '127.0.0.1:23001',
        namesrvAddr: 'namesrv-0:9876',
        useEndpointPortFromRequest: false,
      });
      expect(layout.clientAddressMaps).toBeUndefined();
    },
  );

  it(
    'with the network: per-role broker links, registration through the ' +
      'gateway, clients->proxy, unpublished internal ports',
    () => {
      const slave = { name: 'broker-a-s1', brokerName: 'broker-a', brokerId: 1, block: [24000, 24001, 24002, 24003] };
      const layout = planContainerLayout({
        network: true,
        namesrvPorts: [20500, 20600],
        brokers: [brokers[0]!, slave],
        proxyBlock: [23000, 23001, 23002],
      });
      const names = layout.links.map((l) => l.name);
      expect(names).toEqual([
        'clients->namesrv-0',
        'clients->namesrv-1',
        'producers->broker-a',
        'consumers->broker-a',
        'broker-a->namesrv-0',
        'broker-a->namesrv-1',
        'producers->broker-a-s1',
        'consumers->broker-a-s1',
        'broker-a-s1->namesrv-0',
        'broker-a-s1->namesrv-1',
        'broker-a->broker-a-s1',
        'clients->proxy',
      ]);
      expect(layout.clientAddressMaps!.consumers).toEqual({
        '127.0.0.1:21002': '127.0.0.1:21001',
        '127.0.0.1:24002': '127.0.0.1:24001',
      });
      expect(layout.brokers[0]!.namesrvAddr).toBe('toxiproxy:10000;toxiproxy:10001');
      expect(layout.brokers[1]!.namesrvAddr).toBe('toxiproxy:10010;toxiproxy:10011');
      expect(layout.brokers[1]!.haMasterAddress).toBe('toxiproxy:10019');
      expect(layout.links.find((l) => l.name === 'broker-a->broker-a-s1')!.upstream).toBe('broker-a:21003');
      expect(layout.proxy).toMatchObject({ clientGrpc: '127.0.0.1:23002', useEndpointPortFromRequest: true });
      expect(layout.links.find((l) => l.name === 'clients->proxy')).toEqual({
        name: 'clients->proxy',
        listen: '0.0.0.0:23002',
        upstream: '127.0.0.1:23000',
      });
      // Registration and HA links stay inside the network; every published port is an allocated one.
      for (const port of layout.gatewayPublished) expect(port).toBeGreaterThanOrEqual(20000);
      expect(layout.gatewayPublished).not.toContain(23000);
      expect(new Set(layout.links.map((l) => l.listen)).size).toBe(layout.links.length);
    },
  );
});
