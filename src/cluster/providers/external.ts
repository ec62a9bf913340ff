import { type ClusterInfo, RemotingAdmin } from '../../protocol/index.ts';
import type { NodeControl } from '../node-control.ts';
import { EnvironmentError, ExitCode, HarnessError, UsageError } from '../../util/errors.ts';
import type {
  ClusterEndpoints,
  ClusterNode,
  ClusterProvider,
  ClusterSpec,
  ProviderContext,
  StartedCluster,
} from '../provider.ts';
import { connectOnce } from '../readiness.ts';

/** How long the name server, each listed broker and the proxy get to answer before the run gives up. */
const REACH_TIMEOUT_MS = 5000;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A cluster someone else runs, found through its name server (`cluster.namesrvAddr`). `start`
 * starts nothing: it reads the cluster info (brokers by name, id and address), checks that the
 * name server, every listed broker and the proxy (only when the plan gives `proxyAddr`) answer,
 * and returns the endpoints. `stop` stops nothing: the cluster is not ours. No node faults, no
 * network faults (the plan validation refuses both; this provider refuses them again).
 */
export const externalProvider: ClusterProvider = {
  name: 'external',
  async start(spec: ClusterSpec, { log, network }: ProviderContext): Promise<StartedCluster> {
    const startedAt = performance.now();
    const namesrvAddr = spec.namesrvAddr;
    if (!namesrvAddr)
      throw new UsageError(
        'provider external needs cluster.namesrvAddr: the name server of the running cluster',
        'e.g. --set cluster.namesrvAddr=127.0.0.1:9876',
      );
    if (network) {
      throw new UsageError(
        'provider external has no network faults: rmq-chaos does not sit in front of a cluster it does not run',
        'remove the network.* faults, or use provider local',
      );
    }
    const info = await readClusterInfo(namesrvAddr);
    const clusterName = pickCluster(info, namesrvAddr);
    const brokerNames = [...(info.clusterAddrTable[clusterName] ?? [])].sort();
    const brokers = brokerNames.flatMap((name) =>
      Object.entries(info.brokerAddrTable[name]?.brokerAddrs ?? {})
        .map(([id, addr]) => ({ name, brokerId: Number(id), addr }))
        .sort((a, b) => a.brokerId - b.brokerId),
    );
    if (!brokers.some((b) => b.brokerId === 0)) {
      throw new EnvironmentError(
        'external-no-broker',
        `the name server at ${namesrvAddr} lists no master broker in cluster ${clusterName}`,
        "start the cluster's brokers (a broker registers with the name server every 30 s), then run again",
      );
    }
    for (const broker of brokers) {
      await reachable(
        broker.addr,
        `${broker.name}#${broker.brokerId}`,
        `the name server at ${namesrvAddr} lists ${broker.name} (id ${broker.brokerId}) at ${broker.addr}, ` +
          'which does not accept connections from here',
        `a broker in a container advertises the container's address: set brokerIP1 in its broker.conf to an ` +
          'address this machine can reach (e.g. brokerIP1=127.0.0.1 with the port published)',
      );
    }
    const endpoints: ClusterEndpoints = { clusterName, namesrvAddr, brokers };
    if (spec.proxyAddr) {
      await reachable(
        spec.proxyAddr,
        'proxy',
        `the proxy at ${spec.proxyAddr} (cluster.proxyAddr) does not accept connections`,
        "check the proxy's gRPC port (8081 by default) and that this machine can reach it",
      );
      endpoints.proxy = { grpc: spec.proxyAddr };
    }
    if (spec.proxyRemotingAddr) {
      await reachable(
        spec.proxyRemotingAddr,
        'proxy',
        `the proxy at ${spec.proxyRemotingAddr} (cluster.proxyRemotingAddr) does not accept connections`,
        "check the proxy's remoting port (remotingListenPort, 8080 by default) and that this machine can reach it",
      );
      // The cross-check has proxyAddr beside it: pop groups come from grpc fleets, which need it.
      if (endpoints.proxy) endpoints.proxy.remoting = spec.proxyRemotingAddr;
    }
    const nodes: ClusterNode[] = [
      ...namesrvAddr.split(';').map((addr, i): ClusterNode => ({ name: `namesrv-${i}`, role: 'namesrv', addr })),
      ...brokers.map(
        (b): ClusterNode => ({
          name: b.brokerId === 0 ? b.name : `${b.name}-s${b.brokerId}`,
          role: b.brokerId === 0 ? 'broker-master' : 'broker-slave',
          addr: b.addr,
          brokerName: b.name,
        }),
      ),
      ...(spec.proxyAddr ? [{ name: 'proxy', role: 'proxy', addr: spec.proxyAddr } satisfies ClusterNode] : []),
    ];
    const startMs = performance.now() - startedAt;
    log(
      `external cluster ${clusterName}: namesrv ${namesrvAddr}, ` +
        `${brokers.map((b) => `${b.name}#${b.brokerId}@${b.addr}`).join(', ')}` +
        `${endpoints.proxy ? `, proxy grpc ${endpoints.proxy.grpc}` : ''} (not started or stopped by rmq-chaos)`,
    );
    // Nothing to release: the admin connection is closed once the cluster info is read.
    const stop = async (): Promise<void> => {};
    return { endpoints, nodes, startMs, nodeControl: new RefusedNodeControl(), stop, [Symbol.asyncDispose]: stop };
  },
};

async function readClusterInfo(namesrvAddr: string): Promise<ClusterInfo> {
  const admin = RemotingAdmin.create({ namesrvAddr, requestTimeoutMs: REACH_TIMEOUT_MS });
  try {
    return await admin.clusterInfo();
  } catch (error) {
    throw new EnvironmentError(
      'external-unreachable',
      `the name server at ${namesrvAddr} (cluster.namesrvAddr) did not answer a cluster-info request: ` +
        `${errorText(error)}`,
      `check that a RocketMQ name server listens at ${namesrvAddr} and that this machine can reach it (after ` +
        'docker compose up, the published port, e.g. 127.0.0.1:9876)',
      { cause: error },
    );
  } finally {
    await admin.close();
  }
}

/** The one cluster the name server knows; several are ambiguous (topics are created on one cluster's masters). */
function pickCluster(info: ClusterInfo, namesrvAddr: string): string {
  const names = Object.keys(info.clusterAddrTable).sort();
  if (names.length === 1) return names[0]!;
  if (names.length === 0) {
    throw new EnvironmentError(
      'external-no-broker',
      `the name server at ${namesrvAddr} lists no cluster (no broker has registered)`,
      "start the cluster's brokers, then run again",
    );
  }
  throw new UsageError(
    `the name server at ${namesrvAddr} lists ${names.length} clusters (${names.join(', ')}); provider ` +
      'external runs against a name server with one',
    'point cluster.namesrvAddr at a name server that only one cluster registers with',
  );
}

/**
 * One connection attempt, not a wait: a cluster someone else runs is up already (a broker the
 * name server lists registered within the last two minutes), so a refusal is a wrong address,
 * reported at once; only a silent host takes the whole timeout.
 */
async function reachable(addr: string, owner: string, message: string, hint: string): Promise<void> {
  const why = await connectOnce(addr, REACH_TIMEOUT_MS);
  if (why !== undefined) throw new EnvironmentError('external-unreachable', `${message} (${owner}: ${why})`, hint);
}

/** An external cluster's nodes are not ours: every node fault is refused (plan validation says so first). */
class RefusedNodeControl implements NodeControl {
  names(): string[] {
    return [];
  }
  kill(node: string): Promise<void> {
    return refuse('kill', node);
  }
  pause(node: string): Promise<void> {
    return refuse('pause', node);
  }
  resume(node: string): Promise<void> {
    return refuse('resume', node);
  }
  restart(node: string): Promise<void> {
    return refuse('restart', node);
  }
}

function refuse(action: string, node: string): Promise<never> {
  return Promise.reject(
    new HarnessError(
      'node-fault-refused',
      `${action} ${node}: provider external has no node faults; an external cluster is not ours to break`,
      ExitCode.usage,
    ),
  );
}
