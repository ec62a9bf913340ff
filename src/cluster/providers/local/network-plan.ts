/**
 * Where every connection of a local cluster goes when the network is under Toxiproxy: one
 * proxy per link, each on its own loopback address or port, so a fault on one link touches
 * nothing else. Pure (ports in, addresses out) so the layout is unit-tested.
 *
 * Addresses (RocketMQ 5.3.3):
 * - every name server and broker binds 127.0.0.1 only (`bindAddress` in NettyServerConfig,
 *   read from namesrv.conf / broker.conf; the broker's VIP server is a clone of that config,
 *   so it binds 127.0.0.1:listenPort-2 too, and no client here uses it);
 * - a broker advertises `brokerIP1=127.0.0.2` (the name server lists `brokerIP1:listenPort`),
 *   where Toxiproxy's `producers->X` listens; `consumers->X` listens on 127.0.0.3 at the same
 *   port, and consumers reach it through `clientAddressMaps.consumers`;
 * - clients reach name server N through `clients->namesrv-N` on 127.0.0.2:N; each broker
 *   registers through its own `X->namesrv-N` on 127.0.1.<k+1>:N (k = the broker's index);
 * - HA: the master's HA port binds the wildcard address (DefaultHAService listens on
 *   `new InetSocketAddress(haListenPort)`), so its proxy cannot share that port: the slave
 *   replicates through `X->X-sM` on 127.0.0.1:<spare port of its own block> (listenPort-1,
 *   which nothing binds): `haMasterAddress` in its broker.conf, plus an explicit
 *   EXCHANGE_BROKER_HA_INFO after boot because 5.3.3 drops the configured value (see
 *   slave-ha.ts);
 * - the proxy's gRPC server binds the wildcard address too (`NettyServerBuilder.forPort`),
 *   so `clients->proxy` listens on 127.0.0.2 at an extra port of the proxy's block.
 */
import type { ProxySpec } from '../../../network/toxiproxy-client.ts';

export const BIND_HOST = '127.0.0.1';
export const PRODUCERS_HOST = '127.0.0.2';
export const CONSUMERS_HOST = '127.0.0.3';
export const CLIENTS_HOST = '127.0.0.2';

/** The loopback address broker `index` registers through (one per broker, so each can be cut alone). */
export function registrationHost(index: number): string {
  if (index < 0 || index > 253) throw new RangeError(`broker index ${index} has no registration address`);
  return `127.0.1.${index + 1}`;
}

export interface NetworkLayoutInput {
  namesrv: { name: string; port: number }[];
  /** Masters and slaves, in start order; `master` names a slave's master node. */
  brokers: { name: string; listen: number; ha: number; spare: number; master?: string }[];
  proxy?: { grpc: number; via: number };
  /**
   * For servers that bind every address (4.x has no `bindAddress`): a listener cannot share a
   * server's port on another loopback address, so each gets a port of its own from these
   * (per name server one for `clients->`; per broker one each for `producers->` and
   * `consumers->`, then one per name server for its registration links). Clients then reach
   * brokers through `clientAddressMaps` for producers too, and the name servers list the
   * brokers' own addresses.
   */
  ownPorts?: { namesrv: Map<string, number>; brokers: Map<string, number[]> };
  /**
   * ha controller: every broker reaches every controller through its own `X->controller-i`
   * link. Controllers bind every address, so each listener has a port of its own (`ports`: per
   * broker node, one per controller).
   */
  controllerLinks?: { controllers: number[]; ports: Map<string, number[]> };
}

export interface BrokerNetwork {
  /** Absent for servers that bind every address (see `ownPorts`). */
  bindAddress?: string;
  brokerIP1: string;
  /** Unused by our slaves (they get haMasterAddress); the master's HA port is reached directly otherwise. */
  brokerIP2: string;
  /** `;`-separated, through this broker's own registration links. */
  namesrvAddr: string;
  haMasterAddress?: string;
  /** ha controller: `;`-separated, through this broker's own `X->controller-i` links. */
  controllerAddr?: string;
}

export interface LocalNetworkPlan {
  proxies: ProxySpec[];
  /** What clients use: through `clients->namesrv-N`. */
  clientNamesrvAddr: string;
  /** Straight to the name servers, for the proxy daemon and the harness's own observers. */
  directNamesrvAddr: string;
  brokers: Map<string, BrokerNetwork>;
  /** Node name → the address the name server lists (the producers' listener). */
  advertised: Map<string, string>;
  clientAddressMaps: { producers: Record<string, string>; consumers: Record<string, string> };
  /** Advertised → bound address, for observers that must see the broker whatever the faults. */
  directBrokerMap: Record<string, string>;
  proxyGrpc?: string;
}

const at = (host: string, port: number) => `${host}:${port}`;

export function planLocalNetwork(input: NetworkLayoutInput): LocalNetworkPlan {
  if (input.ownPorts) return planWithOwnPorts(input, input.ownPorts);
  const proxies: ProxySpec[] = [];
  for (const ns of input.namesrv) {
    proxies.push({ name: `clients->${ns.name}`, listen: at(CLIENTS_HOST, ns.port), upstream: at(BIND_HOST, ns.port) });
  }
  const brokers = new Map<string, BrokerNetwork>();
  const advertised = new Map<string, string>();
  const maps = { producers: {} as Record<string, string>, consumers: {} as Record<string, string> };
  const directBrokerMap: Record<string, string> = {};
  input.brokers.forEach((broker, index) => {
    const bound = at(BIND_HOST, broker.listen);
    const addr = at(PRODUCERS_HOST, broker.listen);
    advertised.set(broker.name, addr);
    directBrokerMap[addr] = bound;
    maps.consumers[addr] = at(CONSUMERS_HOST, broker.listen);
    proxies.push({ name: `producers->${broker.name}`, listen: addr, upstream: bound });
    proxies.push({ name: `consumers->${broker.name}`, listen: at(CONSUMERS_HOST, broker.listen), upstream: bound });
    // A slave copies topics, offsets and subscription groups from its master's VIP port
    // (listenPort-2: BrokerOuterAPI hard-codes the VIP channel) at the master's advertised host.
    // Without this path a slave never learns the run's topics and, once elected, refuses sends
    // with TOPIC_NOT_EXIST (seen live on ha controller). Not a plan link: it carries no client traffic.
    proxies.push({
      name: `replicas->${broker.name}`,
      listen: at(PRODUCERS_HOST, broker.listen - 2),
      upstream: at(BIND_HOST, broker.listen - 2),
    });
    const host = registrationHost(index);
    for (const ns of input.namesrv) {
      proxies.push({ name: `${broker.name}->${ns.name}`, listen: at(host, ns.port), upstream: at(BIND_HOST, ns.port) });
    }
    const network: BrokerNetwork = {
      bindAddress: BIND_HOST,
      brokerIP1: PRODUCERS_HOST,
      brokerIP2: BIND_HOST,
      namesrvAddr: input.namesrv.map((ns) => at(host, ns.port)).join(';'),
    };
    if (broker.master !== undefined) network.haMasterAddress = replicationLink(input, broker, proxies);
    if (input.controllerLinks) {
      const { controllers, ports } = input.controllerLinks;
      const own = ports.get(broker.name) ?? [];
      if (own.length < controllers.length)
        throw new RangeError(`${broker.name} needs ${controllers.length} controller listener ports`);
      network.controllerAddr = controllers
        .map((port, i) => {
          const listen = at(BIND_HOST, own[i]!);
          proxies.push({ name: `${broker.name}->controller-${i}`, listen, upstream: at(BIND_HOST, port) });
          return listen;
        })
        .join(';');
    }
    brokers.set(broker.name, network);
  });
  const plan: LocalNetworkPlan = {
    proxies,
    clientNamesrvAddr: input.namesrv.map((ns) => at(CLIENTS_HOST, ns.port)).join(';'),
    directNamesrvAddr: input.namesrv.map((ns) => at(BIND_HOST, ns.port)).join(';'),
    brokers,
    advertised,
    clientAddressMaps: maps,
    directBrokerMap,
  };
  if (input.proxy) {
    plan.proxyGrpc = at(CLIENTS_HOST, input.proxy.via);
    proxies.push({ name: 'clients->proxy', listen: plan.proxyGrpc, upstream: at(BIND_HOST, input.proxy.grpc) });
  }
  return plan;
}

/**
 * A slave's replication link: it dials its own spare port, which forwards to the master's HA
 * port, so a fault on `master->slave` cuts replication only. Returns the address it dials.
 */
function replicationLink(
  input: NetworkLayoutInput,
  slave: NetworkLayoutInput['brokers'][number],
  proxies: ProxySpec[],
): string {
  const master = input.brokers.find((b) => b.name === slave.master);
  if (!master) throw new RangeError(`slave ${slave.name} names an unknown master ${slave.master}`);
  const listen = at(BIND_HOST, slave.spare);
  proxies.push({ name: `${master.name}->${slave.name}`, listen, upstream: at(BIND_HOST, master.ha) });
  return listen;
}

/** The layout for servers bound to every address: each listener on a port of its own (see `ownPorts`). */
function planWithOwnPorts(
  input: NetworkLayoutInput,
  own: NonNullable<NetworkLayoutInput['ownPorts']>,
): LocalNetworkPlan {
  if (input.proxy) throw new RangeError('servers that bind every address run no proxy here');
  const portOf = <T>(map: Map<string, T>, name: string): T => {
    const value = map.get(name);
    if (value === undefined) throw new RangeError(`no listener ports for ${name}`);
    return value;
  };
  const proxies: ProxySpec[] = input.namesrv.map((ns) => ({
    name: `clients->${ns.name}`,
    listen: at(BIND_HOST, portOf(own.namesrv, ns.name)),
    upstream: at(BIND_HOST, ns.port),
  }));
  const brokers = new Map<string, BrokerNetwork>();
  const advertised = new Map<string, string>();
  const maps = { producers: {} as Record<string, string>, consumers: {} as Record<string, string> };
  const directBrokerMap: Record<string, string> = {};
  for (const broker of input.brokers) {
    const [producersPort, consumersPort, ...registration] = portOf(own.brokers, broker.name);
    if (producersPort === undefined || consumersPort === undefined || registration.length < input.namesrv.length)
      throw new RangeError(`${broker.name} needs ${2 + input.namesrv.length} listener ports`);
    const bound = at(BIND_HOST, broker.listen);
    advertised.set(broker.name, bound);
    directBrokerMap[bound] = bound;
    maps.producers[bound] = at(BIND_HOST, producersPort);
    maps.consumers[bound] = at(BIND_HOST, consumersPort);
    proxies.push({ name: `producers->${broker.name}`, listen: maps.producers[bound], upstream: bound });
    proxies.push({ name: `consumers->${broker.name}`, listen: maps.consumers[bound], upstream: bound });
    const links = input.namesrv.map((ns, i) => {
      const listen = at(BIND_HOST, registration[i]!);
      proxies.push({ name: `${broker.name}->${ns.name}`, listen, upstream: at(BIND_HOST, ns.port) });
      return listen;
    });
    const network: BrokerNetwork = { brokerIP1: BIND_HOST, brokerIP2: BIND_HOST, namesrvAddr: links.join(';') };
    if (broker.master !== undefined) network.haMasterAddress = replicationLink(input, broker, proxies);
    brokers.set(broker.name, network);
  }
  return {
    proxies,
    clientNamesrvAddr: input.namesrv.map((ns) => at(BIND_HOST, portOf(own.namesrv, ns.name))).join(';'),
    directNamesrvAddr: input.namesrv.map((ns) => at(BIND_HOST, ns.port)).join(';'),
    brokers,
    advertised,
    clientAddressMaps: maps,
    directBrokerMap,
  };
}
