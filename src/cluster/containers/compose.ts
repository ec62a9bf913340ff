/**
 * docker-compose.yml and the files it mounts (compose/), generated from the same layout and
 * config functions the `containers` provider uses, at fixed well-known ports: one source of
 * truth. `npm run compose` writes them; a unit test fails when the committed files differ
 * from what this produces (and runs `docker-compose config` on them where it exists).
 *
 * The cluster: namesrv-0, broker-a and broker-b (advertising 127.0.0.1:10911 and :10921),
 * the proxy, and Toxiproxy as the front door with every link of the provider's network
 * layout (clients->namesrv-0, producers->/consumers->broker-x, broker-x->namesrv-0,
 * clients->proxy), its API on 127.0.0.1:8474 for faults by hand (toxiproxy-cli).
 */
import { stringify } from 'yaml';
import { ROCKETMQ_VERSION } from '../../setup/versions.ts';
import { IMAGE_PATHS, localImages, officialImages } from '../../setup/container-images.ts';
import { namesrvConfig } from '../providers/local/node-config.ts';
import type { ClusterSpec } from '../provider.ts';
import {
  GATEWAY_ALIAS,
  NAMESRV_CONTAINER_PORT,
  TOXIPROXY_API_PORT,
  planContainerLayout,
  type ContainerLayout,
} from './layout.ts';
import { containerBrokerConfig, containerProxyConfig, rocketmqEnvironment } from './node-containers.ts';
import { SHARED_UID_ULIMITS, ulimitRecord } from '../../setup/podman-config.ts';

export const COMPOSE_FILE = 'docker-compose.yml';
export const COMPOSE_DIR = 'compose';

/** Well-known ports: 9876 (name server), 10911/10921 (brokers), 8080/8081 (proxy remoting/gRPC). */
export const COMPOSE_PORTS = {
  namesrv: 9876,
  brokerBlocks: [
    [10909, 10910, 10911, 10912],
    [10919, 10920, 10921, 10922],
  ],
  proxyBlock: [8081, 8080, 8082],
} as const;

/** Every JVM here runs as uid 3000 (the official image's user): see SHARED_UID_ULIMITS. */
export const COMPOSE_ULIMITS = SHARED_UID_ULIMITS;

/**
 * The file is one cluster, at the default server version: a plan's `cluster.version` picks the
 * version for the providers, not for this file (its header says which version it runs).
 */
export const COMPOSE_VERSION = ROCKETMQ_VERSION;

export const COMPOSE_SPEC: ClusterSpec = {
  clusterName: 'rmq-chaos',
  version: COMPOSE_VERSION,
  namesrv: 1,
  brokers: 2,
  slavesPerMaster: 0,
  proxy: true,
  heapBytes: 512 * 1024 * 1024,
  brokerConfig: {},
  namesrvConfig: {},
};

export function composeLayout(): ContainerLayout {
  return planContainerLayout({
    network: true,
    namesrvPorts: [COMPOSE_PORTS.namesrv],
    brokers: COMPOSE_PORTS.brokerBlocks.map((block, i) => {
      const name = `broker-${String.fromCharCode(97 + i)}`;
      return { name, brokerName: name, brokerId: 0, block: [...block] };
    }),
    proxyBlock: [...COMPOSE_PORTS.proxyBlock],
  });
}

/** Path (relative to the repository root) → content. */
export function composeFiles(): Record<string, string> {
  const layout = composeLayout();
  const home = IMAGE_PATHS.rocketmqHome;
  const official = officialImages(COMPOSE_VERSION);
  const local = localImages(COMPOSE_VERSION);
  const rocketmqImage = `\${RMQ_CHAOS_ROCKETMQ_IMAGE:-${official.rocketmq}}`;
  const ulimits = ulimitRecord(COMPOSE_ULIMITS);
  const rocketmq = (script: string, args: string[], conf: string) => ({
    image: rocketmqImage,
    // The official image's user; our image's home is writable by any uid.
    user: '3000',
    // The image's WORKDIR is its bin folder (the official image's layout).
    command: ['sh', script, ...args, `${home}/${conf}`],
    environment: rocketmqEnvironment(COMPOSE_SPEC.heapBytes),
    volumes: [`./${COMPOSE_DIR}/${conf}:${home}/${conf}:ro`],
    ulimits,
  });
  const services: Record<string, unknown> = {
    [GATEWAY_ALIAS]: {
      image: `\${RMQ_CHAOS_TOXIPROXY_IMAGE:-${official.toxiproxy}}`,
      command: ['-host=0.0.0.0', `-port=${TOXIPROXY_API_PORT}`, '-config=/etc/toxiproxy/toxiproxy.json'],
      volumes: [`./${COMPOSE_DIR}/toxiproxy.json:/etc/toxiproxy/toxiproxy.json:ro`],
      // The proxy shares this namespace, so its ports are published here too.
      ports: [TOXIPROXY_API_PORT, ...layout.gatewayPublished].map((p) => `127.0.0.1:${p}:${p}`),
      ulimits,
    },
  };
  const files: Record<string, string> = {};
  for (const ns of layout.namesrv) {
    services[ns.alias] = rocketmq('mqnamesrv', ['-c'], `${ns.name}.conf`);
    files[`${COMPOSE_DIR}/${ns.name}.conf`] = namesrvConfig(NAMESRV_CONTAINER_PORT);
  }
  for (const broker of layout.brokers) {
    services[broker.alias] = {
      ...rocketmq('mqbroker', ['-c'], `${broker.name}.conf`),
      depends_on: [GATEWAY_ALIAS, ...layout.namesrv.map((n) => n.alias)],
    };
    files[`${COMPOSE_DIR}/${broker.name}.conf`] = containerBrokerConfig(broker, COMPOSE_SPEC);
  }
  services['proxy'] = {
    ...rocketmq('mqproxy', ['-pm', 'cluster', '-pc'], 'rmq-proxy.json'),
    network_mode: `service:${GATEWAY_ALIAS}`,
    depends_on: layout.brokers.map((b) => b.alias),
    // 5.3.3's proxy exits when no broker is registered yet at its boot.
    restart: 'on-failure',
  };
  files[`${COMPOSE_DIR}/rmq-proxy.json`] = containerProxyConfig(layout, COMPOSE_SPEC.clusterName);
  files[`${COMPOSE_DIR}/toxiproxy.json`] = `${JSON.stringify(
    layout.links.map((l) => ({ ...l, enabled: true })),
    null,
    2,
  )}\n`;
  const header = [
    `# A RocketMQ ${COMPOSE_VERSION} cluster for rmq-chaos (the default cluster.version; this file does not follow`,
    "#   a plan's cluster.version): docker compose up -d, then",
    '#   npm run plan smoke -- --set cluster.provider=external --set cluster.namesrvAddr=127.0.0.1:9876',
    '# (grpc fleets: --set cluster.proxyAddr=127.0.0.1:8082). Brokers advertise 127.0.0.1:10911 and',
    '# 127.0.0.1:10921, which Toxiproxy (API 127.0.0.1:8474) forwards; see src/cluster/containers/layout.ts.',
    '# Images: the official ones; without a registry, `rmq-chaos setup --images` builds equivalents and',
    `#   RMQ_CHAOS_ROCKETMQ_IMAGE=${local.rocketmq} RMQ_CHAOS_TOXIPROXY_IMAGE=${local.toxiproxy} selects them.`,
    '# Generated by `npm run compose` from src/cluster/containers/compose.ts: edit that, not this file.',
    '',
  ].join('\n');
  files[COMPOSE_FILE] = header + stringify({ services }, { lineWidth: 0, aliasDuplicateObjects: false });
  return files;
}
