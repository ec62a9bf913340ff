import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cachePaths, rocketmqPaths } from '../../setup/cache-dir.ts';
import { ROCKETMQ_VERSION, serverVersionTraits } from '../../setup/versions.ts';
import { UsageError } from '../../util/errors.ts';
import { legacyLogbackFile } from '../../setup/legacy-logging.ts';
import { allocatePortBlocks } from '../../runtime/ports.ts';
import { mountTmpfs, unmountSync } from '../../runtime/tmpfs-store.ts';
import { LoopStore, storeImagePath } from '../../runtime/loop-store.ts';
import { startToxiproxyServer, type ToxiproxyServer } from '../../network/toxiproxy-server.ts';
import type {
  ClusterEndpoints,
  ClusterNode,
  ClusterProvider,
  ClusterSpec,
  ProviderContext,
  StartedCluster,
} from '../provider.ts';
import { PLAIN_ACL_FILE, aclFlavour, plainAclYaml } from '../acl.ts';
import { waitForBrokersRegistered, waitForPortsAccepting } from '../readiness.ts';
import { replicaAddrs, waitForElectedMasters, waitForListed, waitForSyncStateSets } from '../replica-readiness.ts';
import { CONTROLLER_BOOT_LINE, type JvmNode } from './local/jvm.ts';
import { planLocalNetwork, type LocalNetworkPlan } from './local/network-plan.ts';
import {
  brokerConfig,
  brokerPortsFromBlock,
  controllerConfig,
  namesrvConfig,
  proxyConfig,
  type BrokerPorts,
} from './local/node-config.ts';
import { LocalNodeControl } from './local/node-control.ts';
import { BOOT_TIMEOUT_MS, NodeProcesses, type PlannedNode } from './local/node-processes.ts';
import { pointSlaveAtHaLink } from './local/slave-ha.ts';

/** After a restart, how long a broker may take to be listed again before we only warn. */
const REREGISTER_TIMEOUT_MS = 30_000;

export function brokerNameAt(index: number): string {
  return `broker-${String.fromCharCode('a'.charCodeAt(0) + index)}`;
}

interface BrokerSlot {
  name: string;
  brokerName: string;
  brokerId: number;
  ports: BrokerPorts;
}

/**
 * The embedded default: name servers, brokers and the proxy as JVM processes on loopback,
 * started in stages (name servers, brokers, proxy; all nodes of a stage at once). Readiness
 * is the boot line of each process plus a real request: the name server's cluster info must
 * list every broker. With `network`, a Toxiproxy server comes first and every connection
 * passes one of its proxies (see local/network-plan.ts for the addresses).
 */
export const localProvider: ClusterProvider = {
  name: 'local',
  async start(
    spec: ClusterSpec,
    { resources, log, leaveRunning, startOrder, network }: ProviderContext,
  ): Promise<StartedCluster> {
    const startedAt = performance.now();
    const version = spec.version ?? ROCKETMQ_VERSION;
    const libDir = rocketmqPaths(version).lib;
    const legacy = !serverVersionTraits(version).modernConfig;
    const ha = spec.ha ?? (spec.slavesPerMaster > 0 ? 'master-slave' : 'none');
    const elected = ha === 'controller' || ha === 'dledger';
    if (ha === 'dledger' && network)
      throw new UsageError(
        "network faults on an ha dledger cluster are not supported: the Raft peers' links do not pass Toxiproxy",
      );
    const brokerCount = spec.brokers * (1 + spec.slavesPerMaster);
    // 4.x servers bind every address (no bindAddress): Toxiproxy's listeners need ports of their own.
    const ownListenerPorts = Boolean(network) && legacy;
    // ha controller: a controller embedded in each name server, or standalone controller processes.
    const standalone = ha === 'controller' ? (spec.standaloneControllers ?? 0) : 0;
    const embedded = ha === 'controller' && standalone === 0;
    const controllerCount = embedded ? spec.namesrv : standalone;
    const blocks = await allocatePortBlocks(cachePaths().runs, resources.state, [
      // With the controller, each name server embeds one, on a port of its own.
      ...Array.from({ length: spec.namesrv }, () => (embedded ? 2 : 1) + (ownListenerPorts ? 1 : 0)),
      // With the network on, ha controller's brokers reach each controller through a link of their own.
      ...Array.from(
        { length: brokerCount },
        () => 4 + (ownListenerPorts ? 2 + spec.namesrv : 0) + (network && ha === 'controller' ? controllerCount : 0),
      ),
      // With the network on, the proxy's block has a third port: its gRPC server binds the
      // wildcard address, so `clients->proxy` cannot listen on the gRPC port itself.
      ...(spec.proxy ? [network ? 3 : 2] : []),
      ...Array.from({ length: standalone }, () => 1),
    ]);
    const namesrvPorts = blocks.slice(0, spec.namesrv).map((b) => b[0]!);
    const controllerPorts = embedded
      ? blocks.slice(0, spec.namesrv).map((b) => b[1]!)
      : blocks.slice(blocks.length - standalone).map((b) => b[0]!);
    const controllerNodes = controllerPorts.map((_, i) => (embedded ? `namesrv-${i}` : `controller-${i}`));
    const controllerPeers = controllerPorts.map((port, i) => `n${i}-127.0.0.1:${port}`).join(';');
    const controllerAddr = controllerPorts.map((port) => `127.0.0.1:${port}`).join(';');
    const directNamesrvAddr = namesrvPorts.map((port) => `127.0.0.1:${port}`).join(';');
    const slots: BrokerSlot[] = [];
    for (let m = 0; m < spec.brokers; m++) {
      for (let brokerId = 0; brokerId <= spec.slavesPerMaster; brokerId++) {
        const brokerName = brokerNameAt(m);
        slots.push({
          name: brokerId === 0 ? brokerName : `${brokerName}-s${brokerId}`,
          brokerName,
          brokerId,
          ports: brokerPortsFromBlock(blocks[spec.namesrv + slots.length]!),
        });
      }
    }
    const proxyPorts = spec.proxy ? blocks[spec.namesrv + brokerCount]! : undefined;
    const net: LocalNetworkPlan | undefined = network
      ? planLocalNetwork({
          namesrv: namesrvPorts.map((port, i) => ({ name: `namesrv-${i}`, port })),
          brokers: slots.map((s) => ({
            name: s.name,
            ...s.ports,
            // Fixed roles only: an elected slave finds its master's HA port itself (not through Toxiproxy).
            ...(s.brokerId > 0 && !elected ? { master: s.brokerName } : {}),
          })),
          ...(ha === 'controller'
            ? {
                controllerLinks: {
                  controllers: controllerPorts,
                  ports: new Map(slots.map((slot, i) => [slot.name, blocks[spec.namesrv + i]!.slice(-spec.namesrv)])),
                },
              }
            : {}),
          ...(proxyPorts ? { proxy: { grpc: proxyPorts[0]!, via: proxyPorts[2]! } } : {}),
          ...(ownListenerPorts
            ? {
                ownPorts: {
                  namesrv: new Map(blocks.slice(0, spec.namesrv).map((b, i) => [`namesrv-${i}`, b.at(-1)!])),
                  brokers: new Map(slots.map((slot, i) => [slot.name, blocks[spec.namesrv + i]!.slice(4)])),
                },
              }
            : {}),
        })
      : undefined;

    const planned: PlannedNode[] = [];
    // 4.x's logback configuration, and 4.x's plain ACL file (conf/plain_acl.yml under the node's ROCKETMQ_HOME).
    const extraFiles = (kind: JvmNode['kind'], nodeDir: string): { file: string; text: string }[] => [
      ...(legacy && (kind === 'namesrv' || kind === 'broker') ? [legacyLogbackFile(kind, nodeDir)] : []),
      ...(kind === 'broker' && spec.auth && aclFlavour(version) === 'plain'
        ? [{ file: join(nodeDir, PLAIN_ACL_FILE), text: plainAclYaml(spec.auth.admin, spec.auth.users) }]
        : []),
    ];
    const makeNode = (
      node: ClusterNode,
      kind: JvmNode['kind'],
      configName: string,
      configText: string,
      args: string[],
      extraBootLines: RegExp[] = [],
    ): void => {
      const nodeDir = join(resources.workDir, 'nodes', node.name);
      mkdirSync(join(nodeDir, 'home'), { recursive: true });
      const file = join(nodeDir, configName);
      planned.push({
        node: { ...node, logFile: join(nodeDir, 'out.log') },
        jvm: { name: node.name, kind, nodeDir, libDir, heapBytes: spec.heapBytes, args: [...args, file] },
        config: { file, text: configText },
        extraBootLines,
        ...(extraFiles(kind, nodeDir).length > 0 ? { extraFiles: extraFiles(kind, nodeDir) } : {}),
      });
    };
    // Without Toxiproxy the servers bind every address; fleets on other hosts dial this one.
    const advertised = spec.advertise ?? '127.0.0.1';
    const endpoints: ClusterEndpoints = {
      clusterName: spec.clusterName,
      namesrvAddr: net?.clientNamesrvAddr ?? namesrvPorts.map((port) => `${advertised}:${port}`).join(';'),
      brokers: [],
      ...(spec.auth ? { adminCredentials: spec.auth.admin } : {}),
    };
    namesrvPorts.forEach((port, i) => {
      // What clients dial: with the network on, `clients->namesrv-i`.
      const addr = net ? net.clientNamesrvAddr.split(';')[i]! : `${advertised}:${port}`;
      makeNode(
        { name: `namesrv-${i}`, role: 'namesrv', addr },
        'namesrv',
        'namesrv.conf',
        namesrvConfig(
          port,
          net && !legacy ? '127.0.0.1' : undefined,
          spec.namesrvConfig,
          embedded
            ? {
                selfId: `n${i}`,
                peers: controllerPeers,
                storeDir: join(resources.workDir, 'nodes', `namesrv-${i}`, 'controller-store'),
              }
            : undefined,
        ),
        ['-c'],
        embedded ? [CONTROLLER_BOOT_LINE] : [],
      );
    });
    controllerPorts.forEach((port, i) => {
      if (embedded) return;
      makeNode(
        { name: `controller-${i}`, role: 'controller', addr: `127.0.0.1:${port}` },
        'controller',
        'controller.conf',
        controllerConfig({
          selfId: `n${i}`,
          peers: controllerPeers,
          storeDir: join(resources.workDir, 'nodes', `controller-${i}`, 'store'),
        }),
        ['-c'],
      );
    });
    const boundedStores = new Map<string, string>();
    const loopStores = new Map<string, LoopStore>();
    for (const slot of slots) {
      const storeDir = join(resources.workDir, 'nodes', slot.name, 'store');
      if (spec.storeBytes !== undefined) boundedStores.set(slot.name, storeDir);
      const brokerNet = net?.brokers.get(slot.name);
      const replicas = slots.filter((s) => s.brokerName === slot.brokerName);
      const text = brokerConfig({
        spec,
        brokerName: slot.brokerName,
        brokerId: slot.brokerId,
        namesrvAddr: directNamesrvAddr,
        ports: slot.ports,
        storeDir,
        ...(brokerNet ? { network: brokerNet } : {}),
        replica:
          ha === 'controller'
            ? { ha, controllerAddr: brokerNet?.controllerAddr ?? controllerAddr }
            : ha === 'dledger'
              ? {
                  ha,
                  selfId: `n${slot.brokerId}`,
                  peers: replicas.map((r) => `n${r.brokerId}-127.0.0.1:${r.ports.ha}`).join(';'),
                }
              : { ha },
      });
      const addr = net?.advertised.get(slot.name) ?? `${advertised}:${slot.ports.listen}`;
      endpoints.brokers.push({ name: slot.brokerName, brokerId: slot.brokerId, addr });
      makeNode(
        {
          name: slot.name,
          role: slot.brokerId === 0 ? 'broker-master' : 'broker-slave',
          addr,
          brokerName: slot.brokerName,
        },
        'broker',
        'broker.conf',
        text,
        ['-c'],
      );
    }
    if (proxyPorts) {
      const [grpc, remoting] = proxyPorts as [number, number];
      endpoints.proxy = { grpc: net?.proxyGrpc ?? `127.0.0.1:${grpc}`, remoting: `127.0.0.1:${remoting}` };
      // The proxy daemon reads routes straight from the name servers (it is not one of the
      // clients `clients->namesrv-N` cuts); it reaches brokers at their listed address.
      makeNode(
        { name: 'proxy', role: 'proxy', addr: endpoints.proxy.grpc },
        'proxy',
        'rmq-proxy.json',
        proxyConfig(directNamesrvAddr, spec.clusterName, grpc, remoting, net !== undefined),
        ['-pm', 'cluster', '-pc'],
      );
    }
    if (net) {
      endpoints.clientAddressMaps = net.clientAddressMaps;
      endpoints.direct = { namesrvAddr: net.directNamesrvAddr, brokerAddressMap: net.directBrokerMap };
    }

    /** With the network on, a slave replicates through its HA link once told where it is (see local/slave-ha.ts). */
    const wireSlave = async (node: ClusterNode) => {
      // 4.x keeps the configured haMasterAddress (its HA client exists from the start).
      if (legacy) return;
      const slot = slots.find((s) => s.name === node.name);
      const haMasterAddress = net?.brokers.get(node.name)?.haMasterAddress;
      const masterAddress = slot && net?.advertised.get(slot.brokerName);
      if (!slot || !haMasterAddress || !masterAddress) return;
      await pointSlaveAtHaLink(`127.0.0.1:${slot.ports.listen}`, { masterHaAddress: haMasterAddress, masterAddress });
      log(`[${node.name}] replicates through ${slot.brokerName}->${node.name} (${haMasterAddress})`);
    };
    const processes = new NodeProcesses(planned, resources, log, { leaveRunning: leaveRunning ?? false, startedAt });
    let toxiproxy: ToxiproxyServer | undefined;
    const stopAll = async () => {
      await processes.stopAll();
      // Last: until the JVMs are gone, their connections run through it.
      await toxiproxy?.stop();
      // A cluster left running keeps its stores; `cluster down` unmounts them (recorded below).
      if (!leaveRunning) {
        for (const store of loopStores.values()) store.release();
        for (const dir of boundedStores.values()) if (unmountSync(dir)) resources.state.removeMount(dir);
      }
    };
    try {
      if (net) {
        toxiproxy = await startToxiproxyServer(resources, { log, leaveRunning: leaveRunning ?? false });
        await toxiproxy.client.createProxies(net.proxies);
        endpoints.toxiproxyApi = toxiproxy.apiUrl;
        log(
          `[toxiproxy] ${net.proxies.length} links: ` +
            `${net.proxies.map((p) => `${p.name} ${p.listen}->${p.upstream}`).join(', ')}`,
        );
      }
      // Three stages, each parallel inside. Name servers first: a broker registers once at
      // the end of its boot and then only every 10 s, and when its first try raced a name
      // server still booting, readiness waited those 10 s (seen here: "Registering current
      // broker to name server completed" 13 s after start). Brokers next. The proxy last: it
      // creates its system topics on the cluster at boot and exits if no broker is registered
      // yet (5.3.3: "create system broadcast topic ... failed").
      const stage = async (nodes: PlannedNode[]) => {
        if (startOrder === 'sequential') {
          for (const node of nodes) {
            processes.launch(node);
            await processes.booted(node);
          }
        } else {
          nodes.forEach((node) => processes.launch(node));
          await Promise.all(nodes.map((node) => processes.booted(node)));
        }
      };
      for (const [node, dir] of boundedStores) {
        const mib = (spec.storeBytes! / 2 ** 20).toFixed(0);
        if (spec.storeOn === 'loop') {
          const image = storeImagePath(resources.state.snapshot.runId, node);
          const store = await LoopStore.mount(dir, image, spec.storeBytes!, resources.state);
          loopStores.set(node, store);
          log(`[${node}] store on a ${mib} MiB ext4 image on ${store.deviceName} at ${dir}`);
          continue;
        }
        await mountTmpfs(dir, spec.storeBytes!);
        resources.state.addMount(dir);
        log(`[${node}] store on a ${mib} MiB tmpfs at ${dir}`);
      }
      const proxy = planned.find((p) => p.jvm.kind === 'proxy');
      // Standalone controllers start with the name servers: brokers in controller mode need both.
      await stage(planned.filter((p) => p.jvm.kind === 'namesrv' || p.jvm.kind === 'controller'));
      await stage(planned.filter((p) => p.jvm.kind === 'broker'));
      await Promise.all(planned.filter((p) => p.node.role === 'broker-slave').map((p) => wireSlave(p.node)));
      if (elected) {
        // The controller or the Raft group picks each master (DLedger only after the boot line):
        // ready when every broker name has one and lists every replica, ids as the cluster chose.
        endpoints.brokers = await waitForElectedMasters(endpoints, replicaAddrs(endpoints), BOOT_TIMEOUT_MS);
        if (ha === 'controller') await waitForSyncStateSets(controllerAddr, replicaAddrs(endpoints), BOOT_TIMEOUT_MS);
        for (const p of planned) {
          const listed = endpoints.brokers.find((b) => b.addr === p.node.addr);
          if (listed) p.node.role = listed.brokerId === 0 ? 'broker-master' : 'broker-slave';
        }
      } else {
        // Through Toxiproxy when the network is on: the listed addresses are the advertised ones.
        await waitForBrokersRegistered(endpoints, BOOT_TIMEOUT_MS);
      }
      if (proxy && proxyPorts) {
        await stage([proxy]);
        // The bound ports: Toxiproxy's listener accepts even while its upstream is down.
        await waitForPortsAccepting(
          [`127.0.0.1:${proxyPorts[0]}`, `127.0.0.1:${proxyPorts[1]}`],
          BOOT_TIMEOUT_MS,
          'proxy',
        );
      }
    } catch (error) {
      await stopAll();
      throw error;
    }
    const nodeControl = new LocalNodeControl(processes, {
      log,
      boundedStores,
      storeThrottles: loopStores,
      afterBoot: async ({ node }) => {
        if (node.role === 'proxy' && proxyPorts)
          await waitForPortsAccepting([`127.0.0.1:${proxyPorts[0]}`], BOOT_TIMEOUT_MS, 'proxy');
        if (node.role !== 'broker-master' && node.role !== 'broker-slave') return;
        if (node.role === 'broker-slave') await wireSlave(node);
        // Asked straight of the name servers: a fault on a client link must not make a restart wait.
        const self = endpoints.brokers.filter((b) => b.addr === node.addr);
        try {
          if (elected)
            // Back under whatever id the election gives it now (a former master returns as a slave).
            await waitForListed({ ...endpoints, namesrvAddr: directNamesrvAddr }, node.addr, REREGISTER_TIMEOUT_MS);
          else
            await waitForBrokersRegistered(
              { ...endpoints, namesrvAddr: directNamesrvAddr, brokers: self },
              REREGISTER_TIMEOUT_MS,
            );
        } catch (error) {
          log(
            `[${node.name}] restarted but not listed by the name server yet: ` +
              `${error instanceof Error ? error.message : String(error)}`,
          );
        }
      },
    });
    const startMs = performance.now() - startedAt;
    log(
      `cluster ready in ${(startMs / 1000).toFixed(1)}s: namesrv ${endpoints.namesrvAddr}, ` +
        `${endpoints.brokers.map((b) => `${b.name}#${b.brokerId}@${b.addr}`).join(', ')}` +
        `${endpoints.proxy ? `, proxy grpc ${endpoints.proxy.grpc}` : ''}`,
    );
    if (ha === 'controller')
      endpoints.controllers = controllerPorts.map((port, i) => ({
        node: controllerNodes[i]!,
        addr: `127.0.0.1:${port}`,
      }));
    return {
      endpoints,
      nodes: planned.map((p) => p.node),
      startMs,
      nodeControl,
      ...(toxiproxy ? { network: toxiproxy.client } : {}),
      stop: stopAll,
      [Symbol.asyncDispose]: stopAll,
    };
  },
};
