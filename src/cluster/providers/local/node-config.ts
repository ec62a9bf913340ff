import type { ClusterSpec } from '../../provider.ts';

/** Ports of one broker process; RocketMQ derives fast (VIP) = listen-2 and HA = listen+1. */
export interface BrokerPorts {
  listen: number;
  ha: number;
}

/** The broker's block of four consecutive ports: [vip, unused, listen, ha]. */
export function brokerPortsFromBlock(block: number[]): BrokerPorts {
  const base = block[0]!;
  return { listen: base + 2, ha: base + 3 };
}

export function namesrvConfig(port: number): string {
  return properties({ listenPort: port });
}

export interface BrokerConfigInput {
  spec: ClusterSpec;
  brokerName: string;
  brokerId: number;
  namesrvAddr: string;
  ports: BrokerPorts;
  storeDir: string;
}

/**
 * broker.conf for one broker. Small mapped files keep a run's disk use proportional to its
 * traffic; topics are created explicitly, so auto-creation is off (as in production); the
 * name-server registration period is the minimum (10 s) so a broker that booted before its
 * name server answered is not invisible for the default 30 s.
 */
export function brokerConfig(input: BrokerConfigInput): string {
  const { spec, ports } = input;
  const base: Record<string, string | number | boolean> = {
    brokerClusterName: spec.clusterName,
    brokerName: input.brokerName,
    brokerId: input.brokerId,
    brokerRole: input.brokerId === 0 ? 'ASYNC_MASTER' : 'SLAVE',
    namesrvAddr: input.namesrvAddr,
    listenPort: ports.listen,
    haListenPort: ports.ha,
    brokerIP1: '127.0.0.1',
    brokerIP2: '127.0.0.1',
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
  return properties({ ...base, ...spec.brokerConfig });
}

export function proxyConfig(namesrvAddr: string, clusterName: string, grpcPort: number, remotingPort: number): string {
  return `${JSON.stringify(
    {
      rocketMQClusterName: clusterName,
      namesrvAddr,
      proxyMode: 'cluster',
      grpcServerPort: grpcPort,
      remotingListenPort: remotingPort,
    },
    null,
    2,
  )}\n`;
}

function properties(values: Record<string, string | number | boolean>): string {
  return `${Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}
