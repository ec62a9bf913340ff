import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachePaths } from '../../setup/cache-dir.ts';
import type { ManagedProcess } from '../../runtime/managed-process.ts';
import { allocatePortBlocks } from '../../runtime/ports.ts';
import type { ClusterEndpoints, ClusterNode, ClusterProvider, ClusterSpec, ProviderContext, StartedCluster } from '../provider.ts';
import { waitForBrokersRegistered, waitForPortsAccepting } from '../readiness.ts';
import { BOOT_LINE, jvmProcessOptions, type JvmNode } from './local/jvm.ts';
import { brokerConfig, brokerPortsFromBlock, namesrvConfig, proxyConfig } from './local/node-config.ts';

const BOOT_TIMEOUT_MS = 90_000;
/** A broker's shutdown hook flushes and unregisters; past this it is killed. */
const STOP_GRACE_MS = 15_000;

export function brokerNameAt(index: number): string {
  return `broker-${String.fromCharCode('a'.charCodeAt(0) + index)}`;
}

interface PlannedNode {
  node: ClusterNode;
  jvm: JvmNode;
  config: { file: string; text: string };
}

/**
 * The embedded default: name servers, brokers and the proxy as JVM processes on loopback,
 * started in stages (name servers, brokers, proxy; all nodes of a stage at once). Readiness
 * is the boot line of each process plus a real request: the name server's cluster info must
 * list every broker.
 */
export const localProvider: ClusterProvider = {
  name: 'local',
  async start(spec: ClusterSpec, { resources, log, leaveRunning, startOrder }: ProviderContext): Promise<StartedCluster> {
    const startedAt = performance.now();
    const libDir = cachePaths().rocketmqLib;
    const brokerCount = spec.brokers * (1 + spec.slavesPerMaster);
    const blocks = await allocatePortBlocks(cachePaths().runs, resources.state, [
      ...Array.from({ length: spec.namesrv }, () => 1),
      ...Array.from({ length: brokerCount }, () => 4),
      ...(spec.proxy ? [2] : []),
    ]);
    const namesrvPorts = blocks.slice(0, spec.namesrv).map((b) => b[0]!);
    const namesrvAddr = namesrvPorts.map((port) => `127.0.0.1:${port}`).join(';');
    const planned: PlannedNode[] = [];
    const makeNode = (node: ClusterNode, kind: JvmNode['kind'], configName: string, configText: string, args: string[]): void => {
      const nodeDir = join(resources.workDir, 'nodes', node.name);
      mkdirSync(join(nodeDir, 'home'), { recursive: true });
      const file = join(nodeDir, configName);
      planned.push({ node: { ...node, logFile: join(nodeDir, 'out.log') }, jvm: { name: node.name, kind, nodeDir, libDir, heapBytes: spec.heapBytes, args: [...args, file] }, config: { file, text: configText } });
    };

    namesrvPorts.forEach((port, i) => {
      makeNode({ name: `namesrv-${i}`, role: 'namesrv', addr: `127.0.0.1:${port}` }, 'namesrv', 'namesrv.conf', namesrvConfig(port), ['-c']);
    });
    const endpoints: ClusterEndpoints = { clusterName: spec.clusterName, namesrvAddr, brokers: [] };
    let blockIndex = spec.namesrv;
    for (let m = 0; m < spec.brokers; m++) {
      const brokerName = brokerNameAt(m);
      for (let brokerId = 0; brokerId <= spec.slavesPerMaster; brokerId++) {
        const ports = brokerPortsFromBlock(blocks[blockIndex++]!);
        const name = brokerId === 0 ? brokerName : `${brokerName}-s${brokerId}`;
        const storeDir = join(resources.workDir, 'nodes', name, 'store');
        const text = brokerConfig({ spec, brokerName, brokerId, namesrvAddr, ports, storeDir });
        const addr = `127.0.0.1:${ports.listen}`;
        endpoints.brokers.push({ name: brokerName, brokerId, addr });
        makeNode({ name, role: brokerId === 0 ? 'broker-master' : 'broker-slave', addr, brokerName }, 'broker', 'broker.conf', text, ['-c']);
      }
    }
    if (spec.proxy) {
      const [grpc, remoting] = blocks[blockIndex]!;
      endpoints.proxy = { grpc: `127.0.0.1:${grpc}`, remoting: `127.0.0.1:${remoting}` };
      makeNode({ name: 'proxy', role: 'proxy', addr: `127.0.0.1:${grpc}` }, 'proxy', 'rmq-proxy.json', proxyConfig(namesrvAddr, spec.clusterName, grpc!, remoting!), ['-pm', 'cluster', '-pc']);
    }

    const processes = new Map<string, ManagedProcess>();
    const stopNodes = async (nodes: ClusterNode[]) => {
      await Promise.all(
        nodes.map(async (node) => {
          const proc = processes.get(node.name);
          if (!proc || proc.hasExited) return;
          const began = performance.now();
          // The store is deleted after the run unless --keep, so a graceful broker stop (about
          // 14 s here: flush, unregister, pool shutdowns) would buy nothing but wall time.
          const exit = resources.state.snapshot.keep ? await proc.stop(STOP_GRACE_MS) : await proc.kill();
          log(`[${node.name}] stopped in ${((performance.now() - began) / 1000).toFixed(1)}s (${exit.signal ?? `exit ${exit.code}`})`);
        }),
      );
    };
    // Proxy and brokers first, together (they unregister from the name servers), then the name servers.
    const stopAll = async () => {
      await stopNodes(planned.map((p) => p.node).filter((n) => n.role !== 'namesrv'));
      await stopNodes(planned.map((p) => p.node).filter((n) => n.role === 'namesrv'));
    };
    try {
      const launch = ({ node, jvm, config }: PlannedNode) => {
        writeFileSync(config.file, config.text);
        const proc = resources.spawn({ ...jvmProcessOptions(jvm), leaveRunning: leaveRunning ?? false });
        processes.set(node.name, proc);
        node.pid = proc.pid;
        log(`[${node.name}] starting on ${node.addr} (pid ${proc.pid}, log ${node.logFile})`);
      };
      const booted = async ({ node, jvm }: PlannedNode) => {
        await processes.get(node.name)!.waitForLine(BOOT_LINE[jvm.kind], BOOT_TIMEOUT_MS);
        log(`[${node.name}] booted after ${((performance.now() - startedAt) / 1000).toFixed(1)}s`);
      };
      // Three stages, each parallel inside. Name servers first: a broker registers once at
      // the end of its boot and then only every 10 s, and when its first try raced a name
      // server still booting, readiness waited those 10 s (seen here: "Registering current
      // broker to name server completed" 13 s after start). Brokers next. The proxy last: it
      // creates its system topics on the cluster at boot and exits if no broker is registered
      // yet (5.3.3: "create system broadcast topic ... failed").
      const stage = async (nodes: PlannedNode[]) => {
        if (startOrder === 'sequential') {
          for (const node of nodes) {
            launch(node);
            await booted(node);
          }
        } else {
          nodes.forEach(launch);
          await Promise.all(nodes.map(booted));
        }
      };
      const proxy = planned.find((p) => p.jvm.kind === 'proxy');
      await stage(planned.filter((p) => p.jvm.kind === 'namesrv'));
      await stage(planned.filter((p) => p.jvm.kind === 'broker'));
      await waitForBrokersRegistered(endpoints, BOOT_TIMEOUT_MS);
      if (proxy && endpoints.proxy) {
        launch(proxy);
        await booted(proxy);
        await waitForPortsAccepting([endpoints.proxy.grpc, endpoints.proxy.remoting], BOOT_TIMEOUT_MS, 'proxy');
      }
    } catch (error) {
      await stopAll();
      throw error;
    }
    const startMs = performance.now() - startedAt;
    log(`cluster ready in ${(startMs / 1000).toFixed(1)}s: namesrv ${namesrvAddr}, ${endpoints.brokers.map((b) => `${b.name}#${b.brokerId}@${b.addr}`).join(', ')}${endpoints.proxy ? `, proxy grpc ${endpoints.proxy.grpc}` : ''}`);
    return {
      endpoints,
      nodes: planned.map((p) => p.node),
      startMs,
      stop: stopAll,
      [Symbol.asyncDispose]: stopAll,
    };
  },
};
