/**
 * The same topology as `local`, in containers through testcontainers (Docker, or Podman's
 * Docker-compatible API): name servers, brokers, the proxy and a Toxiproxy gateway on one
 * user-defined network per run. How host-side clients and the proxy container reach brokers
 * at one advertised address is in containers/layout.ts. Images are the ones
 * `rmq-chaos setup --images` builds locally (built here on first use when missing).
 * Everything is removed by `stop` (containers, then the network), which the run registers
 * with its RunResources; a failed start removes what it had started before rethrowing.
 */
import { join } from 'node:path';
import { getContainerRuntimeClient, Network, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { ToxiproxyClient } from '../../network/toxiproxy-client.ts';
import { allocatePortBlocks } from '../../runtime/ports.ts';
import { cachePaths } from '../../setup/cache-dir.ts';
import { ensureImages, imageExists, pullImage, type ImageCli } from '../../setup/container-images.ts';
import { DEFAULT_IMAGE_CHOICES, resolveImages, type ImageStore } from '../containers/images.ts';
import { planContainerLayout, TOXIPROXY_API_PORT, NAMESRV_CONTAINER_PORT } from '../containers/layout.ts';
import {
  LABEL_RUN,
  brokerContainer,
  containerName,
  gatewayContainer,
  namesrvContainer,
  proxyContainer,
  type NodeContainerContext,
} from '../containers/node-containers.ts';
import { ContainerNodeControl, type ControlledNode, type RuntimeContainer } from '../containers/node-control.ts';
import { ROCKETMQ_VERSION, serverVersionTraits, versionsWithProxy } from '../../setup/versions.ts';
import { UsageError } from '../../util/errors.ts';
import { containerRuntime } from '../containers/runtime.ts';
import type {
  ClusterEndpoints,
  ClusterNode,
  ClusterProvider,
  ClusterSpec,
  ProviderContext,
  StartedCluster,
} from '../provider.ts';
import { waitForBrokersRegistered, waitForPortsAccepting } from '../readiness.ts';
import { BOOT_LINE } from './local/jvm.ts';
import { brokerNameAt } from './local.ts';
import { pointSlaveAtHaLink } from './local/slave-ha.ts';

const REREGISTER_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 120_000;
const UID_BASE = 3000;

export const containersProvider: ClusterProvider = {
  name: 'containers',
  async start(
    spec: ClusterSpec,
    { resources, log, leaveRunning, network: networkOn }: ProviderContext,
  ): Promise<StartedCluster> {
    const startedAt = performance.now();
    const version = spec.version ?? ROCKETMQ_VERSION;
    // The plan refuses this already; a spec built another way (cluster up, tests) must not
    // start a container whose image has no proxy jar and wait for it until the timeout.
    if (spec.proxy && !serverVersionTraits(version).proxy)
      throw new UsageError(
        `RocketMQ ${version} has no proxy to run in a container`,
        `set cluster.proxy: false, or cluster.version to one of ${versionsWithProxy().join(', ')}`,
      );
    const runtime = await containerRuntime(log);
    const client = await getContainerRuntimeClient();
    const images = await resolveImages(
      spec.images ?? DEFAULT_IMAGE_CHOICES,
      version,
      imageStore(runtime.cli, log),
      log,
    );
    const runId = resources.state.snapshot.runId;
    const brokerCount = spec.brokers * (1 + spec.slavesPerMaster);
    const blocks = await allocatePortBlocks(cachePaths().runs, resources.state, [
      ...Array.from({ length: spec.namesrv }, () => 1),
      ...Array.from({ length: brokerCount }, () => 4),
      ...(spec.proxy ? [3] : []),
    ]);
    const slots: { name: string; brokerName: string; brokerId: number; block: number[] }[] = [];
    for (let m = 0; m < spec.brokers; m++) {
      for (let brokerId = 0; brokerId <= spec.slavesPerMaster; brokerId++) {
        const brokerName = brokerNameAt(m);
        slots.push({
          name: brokerId === 0 ? brokerName : `${brokerName}-s${brokerId}`,
          brokerName,
          brokerId,
          block: blocks[spec.namesrv + slots.length]!,
        });
      }
    }
    const layout = planContainerLayout({
      network: networkOn ?? false,
      namesrvPorts: blocks.slice(0, spec.namesrv).map((b) => b[0]!),
      brokers: slots,
      ...(spec.proxy ? { proxyBlock: blocks[spec.namesrv + brokerCount]! } : {}),
    });
    // `cluster up` exits while the containers run on: a log stream would hold this process.
    const logFile = (node: string) => (leaveRunning ? undefined : join(resources.workDir, 'nodes', node, 'out.log'));
    const logWhere = (node: string) => logFile(node) ?? `${runtime.cli} logs ${containerName(runId, node)}`;
    const nodeNames = [...layout.namesrv.map((n) => n.name), ...layout.brokers.map((b) => b.name), 'proxy'];

    const started = new Map<string, StartedTestContainer>();
    let net: StartedNetwork | undefined;
    let control: ContainerNodeControl | undefined;
    let removed: Promise<void> | undefined;
    const removeAll = (): Promise<void> => {
      removed ??= (async () => {
        control?.close();
        const began = performance.now();
        // Force-remove kills a paused or running JVM at once (the store goes with the container,
        // as the local provider deletes its store); the proxy lives in the gateway's namespace, so first.
        const order = ['proxy', ...[...started.keys()].filter((n) => n !== 'proxy' && n !== 'toxiproxy'), 'toxiproxy'];
        for (const group of [order.slice(0, 1), order.slice(1, -1), order.slice(-1)]) {
          await Promise.all(
            group
              .filter((n) => started.has(n))
              .map(async (name) => {
                try {
                  await client.container.getById(started.get(name)!.getId()).remove({ force: true, v: true });
                } catch (error) {
                  if ((error as { statusCode?: number }).statusCode !== 404)
                    log(
                      `[${name}] container removal failed: ${error instanceof Error ? error.message : String(error)}`,
                    );
                }
              }),
          );
        }
        // A container whose start failed was created all the same and is not in `started`:
        // found by the run's label, so a failed start leaves nothing behind either (seen here: four
        // gateways left "Created" after the Podman service lost its working directory).
        const leftovers = await client.container.dockerode
          .listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } })
          .catch(() => []);
        await Promise.all(
          leftovers.map((info) =>
            client.container
              .getById(info.Id)
              .remove({ force: true, v: true })
              .catch((error: unknown) =>
                log(
                  `container ${info.Id.slice(0, 12)} removal failed: ${error instanceof Error ? error.message : error}`,
                ),
              ),
          ),
        );
        await net
          ?.stop()
          .catch((error: unknown) =>
            log(`network removal failed: ${error instanceof Error ? error.message : String(error)}`),
          );
        log(`containers removed in ${((performance.now() - began) / 1000).toFixed(1)}s`);
      })();
      return removed;
    };

    const endpoints: ClusterEndpoints = {
      clusterName: spec.clusterName,
      namesrvAddr: layout.clientNamesrvAddr,
      brokers: layout.brokers.map((b) => ({ name: b.brokerName, brokerId: b.brokerId, addr: b.advertised })),
    };
    if (layout.proxy) endpoints.proxy = { grpc: layout.proxy.clientGrpc, remoting: layout.proxy.clientRemoting };
    const logFileOf = (node: string) => {
      const file = logFile(node);
      return file ? { logFile: file } : {};
    };
    const nodes: ClusterNode[] = [
      ...layout.namesrv.map(
        (n): ClusterNode => ({ name: n.name, role: 'namesrv', addr: n.clientAddr, ...logFileOf(n.name) }),
      ),
      ...layout.brokers.map(
        (b): ClusterNode => ({
          name: b.name,
          role: b.brokerId === 0 ? 'broker-master' : 'broker-slave',
          addr: b.advertised,
          brokerName: b.brokerName,
          ...logFileOf(b.name),
        }),
      ),
      ...(layout.proxy
        ? [{ name: 'proxy', role: 'proxy', addr: layout.proxy.clientGrpc, ...logFileOf('proxy') } satisfies ClusterNode]
        : []),
    ];
    let toxiproxy: ToxiproxyClient | undefined;
    /**
     * With the network on, a slave replicates through its `X->X-sM` link once told where it is:
     * 5.3.3 drops the configured haMasterAddress (see local/slave-ha.ts). Asked on the slave's
     * own published port, around the gateway.
     */
    const wireSlave = async (name: string) => {
      const slave = layout.brokers.find((b) => b.name === name);
      const master = layout.brokers.find((b) => b.brokerName === slave?.brokerName && b.brokerId === 0);
      const direct = slave && endpoints.direct?.brokerAddressMap[slave.advertised];
      if (!slave?.haMasterAddress || !master || !direct) return;
      await pointSlaveAtHaLink(direct, { masterHaAddress: slave.haMasterAddress, masterAddress: master.advertised });
      log(`[${name}] replicates through ${master.name}->${name} (${slave.haMasterAddress})`);
    };
    try {
      net = await new Network().start();
      // For the watchdog and `cleanup`, should this process die without removing them.
      resources.state.setContainers({
        dockerHost: runtime.dockerHost,
        label: `${LABEL_RUN}=${runId}`,
        networks: [net.getName()],
      });
      const ctx: NodeContainerContext = {
        runId,
        network: net,
        spec,
        logFile,
        images,
        uid: (node) => UID_BASE + nodeNames.indexOf(node),
      };
      const startNode = async (name: string, container: ReturnType<typeof gatewayContainer>) => {
        log(`[${name}] starting container (${runtime.kind})`);
        const c = await container.start();
        started.set(name, c);
        log(
          `[${name}] up after ${((performance.now() - startedAt) / 1000).toFixed(1)}s (container ` +
            `${c.getId().slice(0, 12)}, log: ${logWhere(name)})`,
        );
        return c;
      };
      const gateway = await startNode('toxiproxy', gatewayContainer(layout, ctx));
      const apiUrl = `http://127.0.0.1:${gateway.getMappedPort(TOXIPROXY_API_PORT)}`;
      toxiproxy = new ToxiproxyClient(apiUrl, undefined, { containerNetwork: true });
      // Toxiproxy dials an upstream per connection, so every link can exist before its node.
      await toxiproxy.createProxies(layout.links);
      log(
        `[toxiproxy] API ${apiUrl}; ${layout.links.length} links: ` +
          `${layout.links.map((p) => `${p.name} ${p.listen}->${p.upstream}`).join(', ')}`,
      );
      const publishDirect = networkOn ?? false;
      const namesrvs = await Promise.all(
        layout.namesrv.map((n) => startNode(n.name, namesrvContainer(n.name, ctx, publishDirect))),
      );
      const brokers = await Promise.all(
        layout.brokers.map((b) => startNode(b.name, brokerContainer(b, ctx, publishDirect))),
      );
      if (networkOn) {
        endpoints.clientAddressMaps = layout.clientAddressMaps!;
        endpoints.direct = {
          namesrvAddr: namesrvs.map((c) => `127.0.0.1:${c.getMappedPort(NAMESRV_CONTAINER_PORT)}`).join(';'),
          brokerAddressMap: Object.fromEntries(
            layout.brokers.map((b, i) => [b.advertised, `127.0.0.1:${brokers[i]!.getMappedPort(b.listenPort)}`]),
          ),
        };
        endpoints.toxiproxyApi = apiUrl;
      }
      await Promise.all(layout.brokers.filter((b) => b.brokerId > 0).map((b) => wireSlave(b.name)));
      await waitForBrokersRegistered(endpoints, READY_TIMEOUT_MS);
      if (layout.proxy) {
        await startNode('proxy', proxyContainer(layout, gateway.getId(), ctx));
        await waitForPortsAccepting(
          [layout.proxy.clientRemoting, ...(networkOn ? [] : [layout.proxy.clientGrpc])],
          READY_TIMEOUT_MS,
          'proxy',
        );
      }
    } catch (error) {
      await removeAll();
      throw error;
    }
    const controlled: ControlledNode[] = nodes.map((node) => ({
      node,
      container: client.container.getById(started.get(node.name)!.getId()) as unknown as RuntimeContainer,
      bootLine:
        node.role === 'namesrv' ? BOOT_LINE.namesrv : node.role === 'proxy' ? BOOT_LINE.proxy : BOOT_LINE.broker,
    }));
    control = new ContainerNodeControl(controlled, {
      log,
      afterBoot: async (node) => {
        if (node.role === 'proxy' && layout.proxy)
          await waitForPortsAccepting([layout.proxy.clientRemoting], READY_TIMEOUT_MS, 'proxy');
        if (node.role !== 'broker-master' && node.role !== 'broker-slave') return;
        if (node.role === 'broker-slave') await wireSlave(node.name);
        const self = endpoints.brokers.filter((b) => b.addr === node.addr);
        try {
          await waitForBrokersRegistered(
            { ...endpoints, namesrvAddr: endpoints.direct?.namesrvAddr ?? endpoints.namesrvAddr, brokers: self },
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
      `cluster ready in ${(startMs / 1000).toFixed(1)}s (${runtime.kind}; RocketMQ ${version}; ` +
        `images ${images.rocketmq.ref}, ` +
        `${images.toxiproxy.ref}): namesrv ${endpoints.namesrvAddr}, ` +
        `${endpoints.brokers.map((b) => `${b.name}#${b.brokerId}@${b.addr}`).join(', ')}` +
        `${endpoints.proxy ? `, proxy grpc ${endpoints.proxy.grpc}` : ''}`,
    );
    return {
      endpoints,
      nodes,
      startMs,
      nodeControl: control,
      images: { rocketmq: images.rocketmq.ref, toxiproxy: images.toxiproxy.ref },
      ...(networkOn && toxiproxy ? { network: toxiproxy } : {}),
      stop: removeAll,
      [Symbol.asyncDispose]: removeAll,
    };
  },
};

/** The runtime's CLI (the same image store the containers run from) and the local builder. */
function imageStore(cli: ImageCli, log: (line: string) => void): ImageStore {
  return {
    exists: (ref) => imageExists(cli, ref),
    pull: (ref) => pullImage(cli, ref),
    buildLocal: async (which, rocketmqVersion) => {
      await ensureImages(log, cli, which, rocketmqVersion);
    },
  };
}
