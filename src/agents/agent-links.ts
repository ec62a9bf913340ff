/**
 * Client links on the agents' hosts. When fleets run on agents against a cluster this machine
 * cannot put Toxiproxy in front of (an external cluster, or a local one advertised to other
 * hosts), each agent puts one in front of its own workers instead: a proxy per client link on
 * its loopback, forwarding to the node, with the workers' configs rewritten to dial the
 * listeners. A fault on `consumers->broker-a` then cuts every agent's consumers from broker-a,
 * as it would cut local ones; the links a broker dials itself (registration, replication) stay
 * out of reach there, and plan validation says so.
 *
 * The coordinator derives the links from the cluster (linksOf); each agent makes them and
 * rewrites what it starts (rewriteStart).
 */
import type { ClusterEndpoints, ClusterNode } from '../cluster/provider.ts';
import type { ToWorker } from '../fleet/protocol.ts';
import type { AgentLink } from './agent-protocol.ts';

/** Every client link of a started cluster, named as the local provider names its links. */
export function linksOf(endpoints: Pick<ClusterEndpoints, 'namesrvAddr'>, nodes: readonly ClusterNode[]): AgentLink[] {
  const namesrvs = endpoints.namesrvAddr
    .split(';')
    .filter((a) => a !== '')
    .map((addr, i): AgentLink => ({ name: `clients->namesrv-${i}`, upstream: addr, dialedAs: addr, by: 'all' }));
  const brokers = nodes
    .filter((n) => n.role === 'broker-master' || n.role === 'broker-slave')
    .flatMap((n): AgentLink[] => [
      { name: `producers->${n.name}`, upstream: n.addr, dialedAs: n.addr, by: 'producers' },
      { name: `consumers->${n.name}`, upstream: n.addr, dialedAs: n.addr, by: 'consumers' },
    ]);
  const proxy = nodes
    .filter((n) => n.role === 'proxy')
    .map((n): AgentLink => ({ name: 'clients->proxy', upstream: n.addr, dialedAs: n.addr, by: 'all' }));
  return [...namesrvs, ...brokers, ...proxy];
}

/**
 * A start message with every address a link stands in for replaced by the link's listener
 * (`listeners`: link name → listen address on this host): the name servers, the proxy endpoint,
 * and the broker addresses through `brokerAddressMap` (the drivers dial a listed broker at its
 * mapped address). Any other message, or one with no links, is returned as it is.
 */
export function rewriteStart(
  message: ToWorker,
  links: readonly AgentLink[],
  listeners: Readonly<Record<string, string>>,
): ToWorker {
  if (message.type !== 'start-consumer' && message.type !== 'start-producer') return message;
  const role = message.type === 'start-consumer' ? 'consumers' : 'producers';
  const mine = links.filter((l) => (l.by === 'all' || l.by === role) && listeners[l.name] !== undefined);
  if (mine.length === 0) return message;
  const dial = new Map(mine.map((l) => [l.dialedAs, listeners[l.name]!]));
  const config = message.config;
  const brokerAddressMap: Record<string, string> = { ...config.brokerAddressMap };
  for (const l of mine) if (l.by === role) brokerAddressMap[l.dialedAs] = listeners[l.name]!;
  const rewritten = {
    ...config,
    namesrvAddr: config.namesrvAddr
      .split(';')
      .map((a) => dial.get(a) ?? a)
      .join(';'),
    ...(config.endpoint !== undefined ? { endpoint: dial.get(config.endpoint) ?? config.endpoint } : {}),
    brokerAddressMap,
  };
  return { ...message, config: rewritten } as ToWorker;
}
