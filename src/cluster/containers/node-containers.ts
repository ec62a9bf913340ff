/**
 * The container of each cluster node, as testcontainers builds it: image, command, config
 * file, network, published ports (on 127.0.0.1 only), ulimits, labels, log file, and the
 * line that says it is up. One function per node kind; providers/containers.ts starts them.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { GenericContainer, Wait, type StartedNetwork } from 'testcontainers';
import { IMAGE_PATHS } from '../../setup/container-images.ts';
import type { ClusterSpec } from '../provider.ts';
import { BOOT_LINE } from '../providers/local/jvm.ts';
import { brokerConfig, namesrvConfig, proxyConfig } from '../providers/local/node-config.ts';
import type { ResolvedImages } from './images.ts';
import { CONTAINER_ULIMITS, SHARED_UID_ULIMITS, ulimitRecord } from '../../setup/podman-config.ts';
import {
  GATEWAY_ALIAS,
  NAMESRV_CONTAINER_PORT,
  TOXIPROXY_API_PORT,
  type BrokerLayout,
  type ContainerLayout,
} from './layout.ts';

export const LABEL_RUN = 'rmq-chaos.run';
export const LABEL_NODE = 'rmq-chaos.node';
export const BOOT_TIMEOUT_MS = 120_000;
const HOME = IMAGE_PATHS.rocketmqHome;

/** GenericContainer whose published ports bind 127.0.0.1 only (the harness never listens beyond loopback). */
export class LoopbackContainer extends GenericContainer {
  publishOnLoopback(): this {
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) {
      for (const binding of bindings) binding.HostIp = '127.0.0.1';
    }
    return this;
  }
}

export interface NodeContainerContext {
  runId: string;
  network: StartedNetwork;
  spec: ClusterSpec;
  /**
   * Host file each container's stdout and stderr go to; none for `cluster up`, whose process
   * exits while the containers run on (their logs are the runtime's: `podman logs <name>`).
   */
  logFile: (node: string) => string | undefined;
  /** A distinct uid per JVM container: RLIMIT_NPROC counts a uid's threads host-wide. */
  uid: (node: string) => number;
  images: ResolvedImages;
}

/** `sharedUid`: the image runs every JVM as its one user, whose threads share RLIMIT_NPROC (see SHARED_UID_ULIMITS). */
function base(image: string, node: string, ctx: NodeContainerContext, sharedUid = false): LoopbackContainer {
  const container = new LoopbackContainer(image)
    .withName(containerName(ctx.runId, node))
    .withLabels({ [LABEL_RUN]: ctx.runId, [LABEL_NODE]: node })
    .withUlimits(ulimitRecord(sharedUid ? SHARED_UID_ULIMITS : CONTAINER_ULIMITS))
    .withStartupTimeout(BOOT_TIMEOUT_MS);
  const file = ctx.logFile(node);
  if (!file) return container;
  mkdirSync(dirname(file), { recursive: true });
  return container.withLogConsumer((stream) => stream.pipe(createWriteStream(file, { flags: 'a' })));
}

export function containerName(runId: string, node: string): string {
  return `rmq-chaos-${runId}-${node}`.toLowerCase().replace(/[^a-z0-9_.-]/g, '-');
}

const SCRIPT = { namesrv: 'mqnamesrv', broker: 'mqbroker', proxy: 'mqproxy' } as const;

/**
 * The environment of a RocketMQ container, for the official image's start scripts and ours
 * alike: the heap in HEAP_OPTS (the scripts' own default is 1-2 GiB), the local provider's
 * other JVM options in JAVA_OPT_EXT (appended last). No collector here: the image's script
 * picks one (G1 or CMS in the official image), and a second would stop the JVM at start.
 */
export function rocketmqEnvironment(heapBytes: number): { HEAP_OPTS: string; JAVA_OPT_EXT: string } {
  const heapMiB = Math.max(64, Math.floor(heapBytes / (1024 * 1024)));
  return {
    HEAP_OPTS: [`-Xms${heapMiB}m`, `-Xmx${heapMiB}m`, `-XX:MaxDirectMemorySize=${heapMiB}m`].join(' '),
    // tls.server.mode: as the local provider (setup/daemon-jvm.ts), no TLS context to build at boot.
    JAVA_OPT_EXT: [
      '-XX:-OmitStackTraceInFastThrow',
      '-Djava.net.preferIPv4Stack=true',
      '-Dtls.server.mode=disabled',
      `-Duser.home=${HOME}`,
    ].join(' '),
  };
}

/** `sh mqbroker -c <conf>` in the image's WORKDIR (its bin folder), as the official image is run. */
function rocketmqNode(
  // The containers provider runs no standalone controller (validation keeps ha controller local).
  kind: keyof typeof SCRIPT,
  name: string,
  ctx: NodeContainerContext,
  config: { file: string; content: string },
  args: string[],
): LoopbackContainer {
  const ownUid = ctx.images.rocketmq.source === 'local';
  const container = base(ctx.images.rocketmq.ref, name, ctx, !ownUid)
    .withEnvironment(rocketmqEnvironment(ctx.spec.heapBytes))
    .withCopyContentToContainer([{ content: config.content, target: `${HOME}/${config.file}` }])
    .withCommand(['sh', SCRIPT[kind], ...args, `${HOME}/${config.file}`])
    .withWaitStrategy(Wait.forLogMessage(BOOT_LINE[kind]));
  // Our image's home is everyone's, so each JVM gets its own uid (see `uid`); the official
  // image's home belongs to its user rocketmq (uid 3000), who runs them all.
  return ownUid ? container.withUser(String(ctx.uid(name))) : container;
}

/**
 * The gateway: Toxiproxy, its API and every client-facing port published at the same host port.
 * Not @testcontainers/toxiproxy: its ToxiProxyContainer publishes each proxy at a random host
 * port, while a broker's advertised `127.0.0.1:L` must be the same number on the host and in
 * the proxy's namespace (layout.ts); our ToxiproxyClient already drives the same API for the
 * local provider.
 */
export function gatewayContainer(layout: ContainerLayout, ctx: NodeContainerContext): LoopbackContainer {
  return base(ctx.images.toxiproxy.ref, 'toxiproxy', ctx)
    .withNetwork(ctx.network)
    .withNetworkAliases(GATEWAY_ALIAS)
    .withCommand(['-host=0.0.0.0', `-port=${TOXIPROXY_API_PORT}`])
    .withEnvironment({ LOG_LEVEL: 'info' })
    .withExposedPorts(TOXIPROXY_API_PORT, ...layout.gatewayPublished.map((port) => ({ container: port, host: port })))
    .withWaitStrategy(Wait.forLogMessage(/Starting Toxiproxy HTTP server/))
    .publishOnLoopback();
}

export function namesrvContainer(name: string, ctx: NodeContainerContext, publishDirect: boolean): LoopbackContainer {
  const container = rocketmqNode(
    'namesrv',
    name,
    ctx,
    { file: 'namesrv.conf', content: namesrvConfig(NAMESRV_CONTAINER_PORT, undefined, ctx.spec.namesrvConfig) },
    ['-c'],
  )
    .withNetwork(ctx.network)
    .withNetworkAliases(name);
  return publishDirect ? container.withExposedPorts(NAMESRV_CONTAINER_PORT).publishOnLoopback() : container;
}

/** broker.conf as the local provider writes it, with the layout's addresses (see layout.ts). */
export function containerBrokerConfig(broker: BrokerLayout, spec: ClusterSpec): string {
  const text = brokerConfig({
    spec,
    brokerName: broker.brokerName,
    brokerId: broker.brokerId,
    namesrvAddr: broker.namesrvAddr,
    ports: { listen: broker.listenPort, ha: broker.haListenPort, spare: broker.listenPort - 1 },
    storeDir: `${HOME}/store`,
  });
  const overrides = [
    `brokerIP1=${broker.brokerIP1}`,
    `brokerIP2=${broker.brokerIP2}`,
    ...(broker.haMasterAddress ? [`haMasterAddress=${broker.haMasterAddress}`] : []),
  ];
  return `${text
    .split('\n')
    .filter((line) => line && !/^(brokerIP1|brokerIP2|haMasterAddress)=/.test(line))
    .join('\n')}\n${overrides.join('\n')}\n`;
}

export function brokerContainer(
  broker: BrokerLayout,
  ctx: NodeContainerContext,
  publishDirect: boolean,
): LoopbackContainer {
  const container = rocketmqNode(
    'broker',
    broker.name,
    ctx,
    { file: 'broker.conf', content: containerBrokerConfig(broker, ctx.spec) },
    ['-c'],
  )
    .withNetwork(ctx.network)
    .withNetworkAliases(broker.alias);
  return publishDirect ? container.withExposedPorts(broker.listenPort).publishOnLoopback() : container;
}

export function containerProxyConfig(layout: ContainerLayout, clusterName: string): string {
  const proxy = layout.proxy!;
  return proxyConfig(
    proxy.namesrvAddr,
    clusterName,
    proxy.grpcPort,
    proxy.remotingPort,
    proxy.useEndpointPortFromRequest,
  );
}

/** In the gateway's network namespace (see layout.ts): its ports are the gateway's to publish. */
export function proxyContainer(
  layout: ContainerLayout,
  gatewayId: string,
  ctx: NodeContainerContext,
): LoopbackContainer {
  return rocketmqNode(
    'proxy',
    'proxy',
    ctx,
    { file: 'rmq-proxy.json', content: containerProxyConfig(layout, ctx.spec.clusterName) },
    ['-pm', 'cluster', '-pc'],
  ).withNetworkMode(`container:${gatewayId}`);
}
