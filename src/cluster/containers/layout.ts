/**
 * Where every port and address of a containerized cluster goes. Pure (allocated host ports
 * in, addresses out) so the layout is unit-tested and docker-compose.yml can be checked
 * against it.
 *
 * The problem: clients on the host take broker addresses from the name server's route data,
 * and the RocketMQ proxy (a container) takes them from the same place, so an advertised
 * address must mean the same broker on the host and inside the proxy's container.
 *
 * The answer: a Toxiproxy container is the cluster's front door (`gateway`), on the run's
 * user-defined network like every node. A broker listens on port L inside its container and
 * advertises `brokerIP1=127.0.0.1`, i.e. `127.0.0.1:L`; the gateway listens on L
 * (`producers->broker-x`, upstream `broker-x:L`), published on the host at the same number
 * L. The proxy container joins the gateway's network namespace (`--network container:`), so
 * `127.0.0.1:L` inside it is the same listener. Name servers are reached the same way
 * (`clients->namesrv-N` on the allocated port P_N). Without network faults, these are the
 * only links and nothing faults them.
 *
 * With the network on (a plan faults a link), as in the local provider's layout:
 * `consumers->broker-x` listens on the broker's spare port (L-1, published) and consumers
 * dial it through `clientAddressMaps`; each broker registers through its own
 * `broker-x->namesrv-N` (a gateway port that is not published; the broker's namesrvAddr
 * names the gateway); a slave replicates through `broker-x->broker-x-sM`; clients reach the
 * proxy's gRPC port through `clients->proxy` (its block's third port). The harness's
 * observers go around the gateway: name servers and brokers publish their own ports at
 * runtime-chosen host ports (`direct`).
 */
import type { ProxySpec } from '../../network/toxiproxy-client.ts';

export const GATEWAY_ALIAS = 'toxiproxy';
export const TOXIPROXY_API_PORT = 8474;
export const NAMESRV_CONTAINER_PORT = 9876;
/** Gateway-internal listeners (never published, never allocated: the allocator hands out 20000-32000). */
export const INTERNAL_PORT_BASE = 10_000;
export const HOST = '127.0.0.1';

export interface ContainerLayoutInput {
  network: boolean;
  /** One allocated host port per name server (its client-facing port). */
  namesrvPorts: number[];
  /** Masters and slaves in start order, each with its allocated block [vip, spare, listen, ha]. */
  brokers: { name: string; brokerName: string; brokerId: number; block: number[] }[];
  /** The proxy's block [grpc, remoting, via] when the cluster has a proxy. */
  proxyBlock?: number[];
}

export interface NamesrvLayout {
  name: string;
  alias: string;
  /** The address clients use (the gateway's `clients->namesrv-N`, published at the same port). */
  clientAddr: string;
}

export interface BrokerLayout {
  name: string;
  brokerName: string;
  brokerId: number;
  alias: string;
  listenPort: number;
  haListenPort: number;
  brokerIP1: string;
  brokerIP2: string;
  /** `;`-separated, as the broker dials its name servers from inside the network. */
  namesrvAddr: string;
  haMasterAddress?: string;
  /** What the name server lists: `127.0.0.1:L`, the gateway's `producers->X`. */
  advertised: string;
}

export interface ProxyLayout {
  grpcPort: number;
  remotingPort: number;
  /** Straight to the name servers over the network (the proxy is not one of the clients `clients->namesrv-N` cuts). */
  namesrvAddr: string;
  /** Where clients dial gRPC: the published gRPC port, or `clients->proxy`. */
  clientGrpc: string;
  clientRemoting: string;
  useEndpointPortFromRequest: boolean;
}

export interface ContainerLayout {
  namesrv: NamesrvLayout[];
  brokers: BrokerLayout[];
  proxy?: ProxyLayout;
  /** The gateway's links (listen addresses inside the gateway's namespace, upstreams on the network). */
  links: ProxySpec[];
  /** Ports the gateway publishes at the same host port number. */
  gatewayPublished: number[];
  clientNamesrvAddr: string;
  clientAddressMaps?: { producers: Record<string, string>; consumers: Record<string, string> };
}

const at = (host: string, port: number) => `${host}:${port}`;

export function planContainerLayout(input: ContainerLayoutInput): ContainerLayout {
  const links: ProxySpec[] = [];
  const published: number[] = [];
  const namesrv = input.namesrvPorts.map((port, i): NamesrvLayout => {
    const name = `namesrv-${i}`;
    links.push({ name: `clients->${name}`, listen: at('0.0.0.0', port), upstream: at(name, NAMESRV_CONTAINER_PORT) });
    published.push(port);
    return { name, alias: name, clientAddr: at(HOST, port) };
  });
  const directNamesrv = namesrv.map((ns) => at(ns.alias, NAMESRV_CONTAINER_PORT)).join(';');
  const maps = { producers: {} as Record<string, string>, consumers: {} as Record<string, string> };
  const brokers = input.brokers.map((slot, index): BrokerLayout => {
    const [, spare, listen, ha] = slot.block as [number, number, number, number];
    const advertised = at(HOST, listen);
    links.push({ name: `producers->${slot.name}`, listen: at('0.0.0.0', listen), upstream: at(slot.name, listen) });
    published.push(listen);
    const broker: BrokerLayout = {
      name: slot.name,
      brokerName: slot.brokerName,
      brokerId: slot.brokerId,
      alias: slot.name,
      listenPort: listen,
      haListenPort: ha,
      brokerIP1: HOST,
      // The master's HA address as slaves learn it from the name server: its name on the network.
      brokerIP2: slot.name,
      namesrvAddr: directNamesrv,
      advertised,
    };
    if (input.network) {
      links.push({ name: `consumers->${slot.name}`, listen: at('0.0.0.0', spare), upstream: at(slot.name, listen) });
      published.push(spare);
      maps.consumers[advertised] = at(HOST, spare);
      broker.namesrvAddr = namesrv
        .map((ns, n) => {
          const port = INTERNAL_PORT_BASE + index * 10 + n;
          links.push({
            name: `${slot.name}->${ns.name}`,
            listen: at('0.0.0.0', port),
            upstream: at(ns.alias, NAMESRV_CONTAINER_PORT),
          });
          return at(GATEWAY_ALIAS, port);
        })
        .join(';');
      if (slot.brokerId > 0) {
        const master = input.brokers.find((b) => b.brokerName === slot.brokerName && b.brokerId === 0);
        if (!master) throw new RangeError(`slave ${slot.name} has no master ${slot.brokerName}`);
        const port = INTERNAL_PORT_BASE + index * 10 + 9;
        links.push({
          name: `${master.name}->${slot.name}`,
          listen: at('0.0.0.0', port),
          upstream: at(master.name, master.block[3]!),
        });
        broker.haMasterAddress = at(GATEWAY_ALIAS, port);
      }
    }
    return broker;
  });
  const layout: ContainerLayout = {
    namesrv,
    brokers,
    links,
    gatewayPublished: published,
    clientNamesrvAddr: namesrv.map((ns) => ns.clientAddr).join(';'),
  };
  if (input.network) layout.clientAddressMaps = maps;
  if (input.proxyBlock) {
    const [grpc, remoting, via] = input.proxyBlock as [number, number, number];
    // The proxy shares the gateway's namespace: its own ports are published by the gateway.
    published.push(remoting);
    let clientGrpc = at(HOST, grpc);
    if (input.network) {
      links.push({ name: 'clients->proxy', listen: at('0.0.0.0', via), upstream: at(HOST, grpc) });
      published.push(via);
      clientGrpc = at(HOST, via);
    } else {
      published.push(grpc);
    }
    layout.proxy = {
      grpcPort: grpc,
      remotingPort: remoting,
      namesrvAddr: directNamesrv,
      clientGrpc,
      clientRemoting: at(HOST, remoting),
      useEndpointPortFromRequest: input.network,
    };
  }
  return layout;
}
