import { describe, expect, it } from 'vitest';
import { linksOf, rewriteStart } from '../../../src/agents/agent-links.ts';
import type { ClusterNode } from '../../../src/cluster/provider.ts';
import type { ConsumerConfig, ProducerConfig, ToWorker } from '../../../src/fleet/protocol.ts';

const nodes: ClusterNode[] = [
  { name: 'namesrv-0', role: 'namesrv', addr: '10.9.0.1:9876' },
  { name: 'broker-a', role: 'broker-master', addr: '10.9.0.1:10911', brokerName: 'broker-a' },
  { name: 'broker-a-s1', role: 'broker-slave', addr: '10.9.0.1:10921', brokerName: 'broker-a' },
  { name: 'proxy', role: 'proxy', addr: '10.9.0.1:8081' },
];
const links = linksOf({ namesrvAddr: '10.9.0.1:9876;10.9.0.2:9876' }, nodes);
const listeners = Object.fromEntries(links.map((l, i) => [l.name, `127.0.0.1:${40_000 + i}`]));

describe('linksOf', () => {
  it('names the client links as the local provider does, each forwarding to the node it stands in for', () => {
    expect(links.map((l) => `${l.name} ${l.by} ${l.upstream}`)).toEqual([
      'clients->namesrv-0 all 10.9.0.1:9876',
      'clients->namesrv-1 all 10.9.0.2:9876',
      'producers->broker-a producers 10.9.0.1:10911',
      'consumers->broker-a consumers 10.9.0.1:10911',
      'producers->broker-a-s1 producers 10.9.0.1:10921',
      'consumers->broker-a-s1 consumers 10.9.0.1:10921',
      'clients->proxy all 10.9.0.1:8081',
    ]);
    for (const l of links) expect(l.dialedAs).toBe(l.upstream);
  });
});

describe('rewriteStart', () => {
  const consumer = {
    runId: 'r',
    instanceId: 'billing#0',
    namesrvAddr: '10.9.0.1:9876;10.9.0.2:9876',
    brokerAddressMap: { '10.9.0.7:10911': '10.9.0.7:10911' },
  } as unknown as ConsumerConfig;
  const producer = { runId: 'r', producerId: 'checkout#0', namesrvAddr: '10.9.0.1:9876', endpoint: '10.9.0.1:8081' };

  it("sends a consumer's name servers and brokers through its links, and not through the producers'", () => {
    const out = rewriteStart({ type: 'start-consumer', config: consumer }, links, listeners);
    if (out.type !== 'start-consumer') throw new Error(out.type);
    expect(out.config.namesrvAddr).toBe(`${listeners['clients->namesrv-0']};${listeners['clients->namesrv-1']}`);
    expect(out.config.brokerAddressMap).toEqual({
      '10.9.0.7:10911': '10.9.0.7:10911',
      '10.9.0.1:10911': listeners['consumers->broker-a'],
      '10.9.0.1:10921': listeners['consumers->broker-a-s1'],
    });
  });

  it("sends a producer through the producers' links and its proxy endpoint through clients->proxy", () => {
    const start = { type: 'start-producer', config: producer as unknown as ProducerConfig } as const;
    const out = rewriteStart(start, links, listeners);
    if (out.type !== 'start-producer') throw new Error(out.type);
    expect(out.config.namesrvAddr).toBe(listeners['clients->namesrv-0']);
    expect(out.config.endpoint).toBe(listeners['clients->proxy']);
    expect(out.config.brokerAddressMap).toEqual({
      '10.9.0.1:10911': listeners['producers->broker-a'],
      '10.9.0.1:10921': listeners['producers->broker-a-s1'],
    });
  });

  it('leaves other messages, and starts on an agent with no links, as they are', () => {
    const stop: ToWorker = { type: 'stop' } as ToWorker;
    expect(rewriteStart(stop, links, listeners)).toBe(stop);
    const start: ToWorker = { type: 'start-consumer', config: consumer };
    expect(rewriteStart(start, links, {})).toBe(start);
  });
});
