import type { RunResources } from '../runtime/run-resources.ts';

/**
 * The cluster-provider extension point: `local` (JVM processes), `containers`, `external`.
 * `start` returns a StartedCluster that owns what it started; a failed start releases what
 * it had started before rethrowing.
 */
export interface ClusterSpec {
  clusterName: string;
  namesrv: number;
  brokers: number;
  slavesPerMaster: number;
  proxy: boolean;
  heapBytes: number;
  brokerConfig: Record<string, string | number | boolean>;
  /** Only for `external`. */
  namesrvAddr?: string;
}

export type NodeRole = 'namesrv' | 'broker-master' | 'broker-slave' | 'proxy';

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
  /** `;`-separated, as RocketMQ clients take it. */
  namesrvAddr: string;
  brokers: { name: string; brokerId: number; addr: string }[];
  proxy?: { grpc: string; remoting: string };
}

export interface StartedCluster extends AsyncDisposable {
  readonly endpoints: ClusterEndpoints;
  readonly nodes: readonly ClusterNode[];
  /** Ms from the start call until every node answered a real request. */
  readonly startMs: number;
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
}

export interface ClusterProvider {
  readonly name: string;
  start(spec: ClusterSpec, context: ProviderContext): Promise<StartedCluster>;
}
