import type { Secret } from '../util/secret.ts';
import type { ClusterAclUsers } from './acl.ts';
import type { HaMode } from './ha-modes.ts';
import type { NodeControl } from './node-control.ts';
import type { ConfValue } from './server-conf/conf-keys.ts';
import type { NetworkControl } from '../network/network-control.ts';
import type { RunResources } from '../runtime/run-resources.ts';

/**
 * The cluster-provider extension point: `local` (JVM processes), `containers`, `external`.
 * `start` returns a StartedCluster that owns what it started; a failed start releases what
 * it had started before rethrowing.
 */
export interface ClusterSpec {
  clusterName: string;
  /** RocketMQ server version; default the pinned one (`ROCKETMQ_VERSION`). */
  version?: string;
  /** High-availability mode; default master-slave when `slavesPerMaster` > 0, else none. */
  ha?: HaMode;
  /** ha controller: how many standalone controllers (ControllerStartup); 0 or absent: one embedded per name server. */
  standaloneControllers?: number;
  namesrv: number;
  brokers: number;
  slavesPerMaster: number;
  proxy: boolean;
  heapBytes: number;
  /** broker.conf entries from the plan, converted (see server-conf/conf-keys.ts); a brokerRole is for masters. */
  brokerConfig: Record<string, ConfValue>;
  /** Name server conf entries from the plan, converted. */
  namesrvConfig: Record<string, ConfValue>;
  /**
   * Only for `local`, without network faults: the address brokers and name servers are
   * reached at from fleet hosts (agents on other machines); 127.0.0.1 when absent.
   */
  advertise?: string;
  /** Only for `external`. */
  namesrvAddr?: string;
  /** Only for `external`: the gRPC endpoint of its proxy, when the plan has grpc fleets. */
  proxyAddr?: string;
  /** Only for `external`: its proxy's remoting address, where the diagnoses see gRPC consumer groups. */
  proxyRemotingAddr?: string;
  /** Only for `containers`: which images (default both `official`). */
  images?: { rocketmq: string; toxiproxy: string };
  /** Only for `local`: each broker's store is a tmpfs of this many bytes (for disk faults). */
  storeBytes?: number;
  /** Only with storeBytes: each store on a tmpfs (default) or on an ext4 image on a loop device (disk.slow). */
  storeOn?: 'tmpfs' | 'loop';
  /**
   * Only for `local`: brokers start with authentication and authorization on (ACL 2.0 on 5.3+,
   * the plain ACL before) and these users (plain ACL: in its file at start), the admin a
   * super user (cluster/acl.ts). The harness's own requests sign as it.
   */
  auth?: { admin: AdminCredentials; users: ClusterAclUsers['users'] };
}

/** A super user's keys; the secret stays a Secret so endpoints can be logged and serialized. */
export interface AdminCredentials {
  accessKey: string;
  secretKey: Secret;
}

export type NodeRole = 'namesrv' | 'broker-master' | 'broker-slave' | 'proxy' | 'controller';

export interface ClusterNode {
  /** `namesrv-0`, `broker-a`, `broker-a-s1`, `proxy`. */
  name: string;
  role: NodeRole;
  /** host:port clients use for this node's main protocol. */
  addr: string;
  brokerName?: string;
  pid?: number;
  logFile?: string;
}

export interface ClusterEndpoints {
  clusterName: string;
  /** `;`-separated, as RocketMQ clients take it; with the network on, through `clients->namesrv-N`. */
  namesrvAddr: string;
  /** `addr`: what the name server lists (with the network on, the producers' Toxiproxy listener). */
  brokers: { name: string; brokerId: number; addr: string }[];
  /** `grpc`: with the network on, through `clients->proxy`. `remoting` is unknown for an external cluster. */
  proxy?: { grpc: string; remoting?: string };
  /**
   * With the network on: per client role, listed broker address → the address that role
   * dials (the drivers' `brokerAddressMap`). Producers use the listed address as is;
   * consumers go through `consumers->X`, so they can be cut off a broker producers still use.
   */
  clientAddressMaps?: { producers: Record<string, string>; consumers: Record<string, string> };
  /**
   * With the network on: paths around Toxiproxy for the harness's own observers (broker-side
   * backlog, admin queries), so that a fault on a client link does not blind the measurement.
   */
  direct?: { namesrvAddr: string; brokerAddressMap: Record<string, string> };
  /** With the network on: Toxiproxy's API (`http://127.0.0.1:port`), for another process to fault links. */
  toxiproxyApi?: string;
  /** With authentication on (ClusterSpec.auth): the keys the harness's admin requests sign with. */
  adminCredentials?: AdminCredentials;
  /** With ha controller: each controller's address and the node it runs in (embedded: a name server). */
  controllers?: { node: string; addr: string }[];
}

export interface StartedCluster extends AsyncDisposable {
  readonly endpoints: ClusterEndpoints;
  readonly nodes: readonly ClusterNode[];
  /** Ms from the start call until every node answered a real request. */
  readonly startMs: number;
  /** Kill, pause, resume and restart nodes by name (named `nodeControl` because `nodes` lists them). */
  readonly nodeControl: NodeControl;
  /** The links under Toxiproxy; present when the provider was started with `network: true`. */
  readonly network?: NetworkControl;
  /** Provider containers: the image each role runs, by role (`rocketmq`, `toxiproxy`). */
  readonly images?: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export interface ProviderContext {
  resources: RunResources;
  log: (line: string) => void;
  /** `cluster up`: the nodes must outlive this process. */
  leaveRunning?: boolean;
  /**
   * `parallel` (default) starts every node at once; `sequential` waits for each node's boot
   * line before starting the next, the way start scripts usually do. The benchmark measures
   * one against the other.
   */
  startOrder?: 'parallel' | 'sequential';
  /**
   * Put every client and inter-node connection through its own Toxiproxy proxy (default
   * false): `producers->broker-a`, `consumers->broker-a`, `clients->namesrv-0`,
   * `clients->proxy`, `broker-a->namesrv-0`, `broker-a->broker-a-s1`.
   */
  network?: boolean;
}

export interface ClusterProvider {
  readonly name: string;
  start(spec: ClusterSpec, context: ProviderContext): Promise<StartedCluster>;
}
