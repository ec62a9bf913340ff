import { ROCKETMQ_VERSION } from '../../../setup/versions.ts';
import { authBrokerEntries } from '../../acl.ts';
import type { ClusterSpec } from '../../provider.ts';
import { type ConfValue, assertPlanConfEntries } from '../../server-conf/conf-keys.ts';
import type { BrokerNetwork } from './network-plan.ts';

/** Ports of one broker process; RocketMQ derives fast (VIP) = listen-2 and HA = listen+1. */
export interface BrokerPorts {
  listen: number;
  ha: number;
  /** listen-1: nothing binds it; with the network on, a slave's HA link listens there. */
  spare: number;
}

/** The broker's block of four consecutive ports: [vip, spare, listen, ha]. */
export function brokerPortsFromBlock(block: number[]): BrokerPorts {
  const base = block[0]!;
  return { listen: base + 2, ha: base + 3, spare: base + 1 };
}

/**
 * A name server's conf file: the plan's `namesrvConfig` entries, then the port (and address)
 * rmq-chaos owns. `bindAddress` (NettyServerConfig, 5.x) keeps the name server off the addresses
 * Toxiproxy listens on.
 */
export function namesrvConfig(
  port: number,
  bindAddress?: string,
  planEntries: Record<string, ConfValue> = {},
  controller?: EmbeddedController,
): string {
  assertPlanConfEntries('namesrv', planEntries);
  return properties({
    ...planEntries,
    listenPort: port,
    ...(bindAddress ? { bindAddress } : {}),
    ...(controller ? controllerEntries(controller) : {}),
  });
}

/** A controller embedded in a name server (5.x `enableControllerInNamesrv`): one DLedger group over all of them. */
export interface EmbeddedController {
  /** `n0`, `n1`, ...: this name server's index. */
  selfId: string;
  /** Every controller's `n<i>-127.0.0.1:<port>`, `;`-separated; its own entry is the port it listens on. */
  peers: string;
  storeDir: string;
}

/** A standalone controller's conf file (ControllerStartup): the same group settings, no name server. */
export function controllerConfig(c: EmbeddedController): string {
  const { enableControllerInNamesrv: _embedded, ...entries } = controllerEntries(c);
  return properties(entries);
}

function controllerEntries(c: EmbeddedController): Record<string, ConfValue> {
  return {
    enableControllerInNamesrv: true,
    controllerDLegerGroup: 'rmq-chaos-controllers',
    controllerDLegerPeers: c.peers,
    controllerDLegerSelfId: c.selfId,
    controllerStorePath: c.storeDir,
    // The controller's DLedger file is 1 GiB by default (sparse, but still): a run needs little.
    mappedFileSize: 64 * 1024 * 1024,
  };
}

/**
 * How a broker replica takes part in high availability: fixed roles (master-slave: brokerId 0 is
 * master, others slaves), the controller electing the master (ids handed out by it), or a
 * DLedger Raft group whose leader is master.
 */
export type ReplicaMode =
  | { ha: 'none' | 'master-slave' }
  | { ha: 'controller'; controllerAddr: string }
  | { ha: 'dledger'; selfId: string; peers: string };

export interface BrokerConfigInput {
  spec: ClusterSpec;
  brokerName: string;
  brokerId: number;
  namesrvAddr: string;
  ports: BrokerPorts;
  storeDir: string;
  /** With Toxiproxy: bind 127.0.0.1, advertise the producers' listener, register through own links. */
  network?: BrokerNetwork;
  /** Default fixed roles. */
  replica?: ReplicaMode;
}

/**
 * broker.conf for one broker. Small mapped files keep a run's disk use proportional to its
 * traffic; topics are created explicitly, so auto-creation is off (as in production); the
 * name-server registration period is the minimum (10 s) so a broker that booted before its
 * name server answered is not invisible for the default 30 s. The plan's entries override those
 * defaults; they cannot touch the keys that place the broker (names, ports, addresses, store
 * paths: `assertPlanConfEntries`), and its brokerRole (ASYNC_MASTER or SYNC_MASTER) is for masters.
 */
export function brokerConfig(input: BrokerConfigInput): string {
  const { spec, ports } = input;
  const base: Record<string, ConfValue> = {
    brokerClusterName: spec.clusterName,
    brokerName: input.brokerName,
    brokerId: input.brokerId,
    brokerRole: input.brokerId === 0 ? 'ASYNC_MASTER' : 'SLAVE',
    namesrvAddr: input.namesrvAddr,
    listenPort: ports.listen,
    haListenPort: ports.ha,
    brokerIP1: spec.advertise ?? '127.0.0.1',
    brokerIP2: spec.advertise ?? '127.0.0.1',
    storePathRootDir: input.storeDir,
    storePathCommitLog: `${input.storeDir}/commitlog`,
    mappedFileSizeCommitLog: 64 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 6_000_000,
    flushDiskType: 'ASYNC_FLUSH',
    autoCreateTopicEnable: false,
    autoCreateSubscriptionGroup: true,
    registerNameServerPeriod: 10_000,
    // Disk-full protection would reject sends on a nearly full CI disk: that is not what a
    // run measures, so only a really full disk trips it.
    diskMaxUsedSpaceRatio: 95,
  };
  const { network } = input;
  if (network) {
    Object.assign(base, {
      ...(network.bindAddress ? { bindAddress: network.bindAddress } : {}),
      brokerIP1: network.brokerIP1,
      brokerIP2: network.brokerIP2,
      namesrvAddr: network.namesrvAddr,
    });
    if (network.haMasterAddress) base['haMasterAddress'] = network.haMasterAddress;
  }
  const replica = input.replica ?? { ha: 'master-slave' };
  if (replica.ha === 'controller') {
    // As the official controller quick-start confs: the controller hands out ids and roles.
    Object.assign(base, {
      brokerId: -1,
      brokerRole: 'SLAVE',
      enableControllerMode: true,
      controllerAddr: replica.controllerAddr,
      allAckInSyncStateSet: true,
    });
  } else if (replica.ha === 'dledger') {
    // BrokerStartup sets brokerId and role from the Raft group; the peers' ports are the HA ports
    // (nothing binds haListenPort in DLedger mode).
    delete base['brokerId'];
    delete base['brokerRole'];
    Object.assign(base, {
      enableDLegerCommitLog: true,
      dLegerGroup: input.brokerName,
      dLegerPeers: replica.peers,
      dLegerSelfId: replica.selfId,
    });
  }
  if (spec.auth) Object.assign(base, authBrokerEntries(spec.auth.admin, spec.version ?? ROCKETMQ_VERSION));
  assertPlanConfEntries('broker', spec.brokerConfig);
  const { brokerRole, ...planEntries } = spec.brokerConfig;
  const entries: Record<string, ConfValue> = { ...base, ...planEntries };
  // A plan's brokerRole (ASYNC_MASTER or SYNC_MASTER) is for fixed masters; elected ones get theirs from the election.
  const fixedRoles = replica.ha === 'none' || replica.ha === 'master-slave';
  if (input.brokerId === 0 && brokerRole !== undefined && fixedRoles) entries['brokerRole'] = brokerRole;
  return properties(entries);
}

/**
 * `behindToxiproxy`: 5.3.3's route answers give clients the host they dialled but the proxy's
 * own gRPC port (`RouteActivity.convertToAddressList`) unless `useEndpointPortFromRequest`;
 * that port binds the wildcard address, so without it clients would leave `clients->proxy`
 * after their first route query (seen live: sends went on while the link was down).
 */
export function proxyConfig(
  namesrvAddr: string,
  clusterName: string,
  grpcPort: number,
  remotingPort: number,
  behindToxiproxy = false,
): string {
  return `${JSON.stringify(
    {
      rocketMQClusterName: clusterName,
      namesrvAddr,
      proxyMode: 'cluster',
      grpcServerPort: grpcPort,
      remotingListenPort: remotingPort,
      ...(behindToxiproxy ? { useEndpointPortFromRequest: true } : {}),
    },
    null,
    2,
  )}\n`;
}

function properties(values: Record<string, ConfValue>): string {
  return `${Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}
