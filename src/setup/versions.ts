/**
 * The pinned third-party releases. RocketMQ 5.3.3 is the version a plan runs when it names
 * none (`cluster.version`): every test and figure of this project was made on it. Change a
 * version here and `setup` fetches it into a new cache folder; the old one is left for other
 * checkouts.
 */
export const ROCKETMQ_VERSION = '5.3.3';
/** The server artifacts every version needs; the proxy's is added where the version has one. */
export const ROCKETMQ_ARTIFACTS = ['rocketmq-namesrv', 'rocketmq-broker', 'rocketmq-tools'] as const;
export const ROCKETMQ_PROXY_ARTIFACT = 'rocketmq-proxy';

/**
 * The server versions rmq-chaos was run against here (`rmq-chaos matrix` takes others too).
 * 5.5.0 is the newest 5.x whose jars and dependencies all resolve on Maven Central: 5.5.1's
 * broker jar does, but its rocketmq-client, -srvutil and -filter 5.5.1 do not, and it has no
 * namesrv or proxy jar there. 5.1.4 has no proxy jar on Maven Central.
 */
export const TESTED_ROCKETMQ_VERSIONS = ['4.9.7', '5.1.4', '5.3.3', '5.5.0'] as const;

/** 5.x releases whose rocketmq-proxy jar Maven Central does not serve (a plan with a proxy is refused on them). */
const PROXY_NOT_PUBLISHED = new Set(['5.0.0', '5.1.0', '5.1.1', '5.1.2', '5.1.3', '5.1.4', '5.5.1']);

/** What a RocketMQ server version can run, from its number (the plan validates against it). */
export interface ServerVersionTraits {
  version: string;
  major: number;
  /** A `rocketmq-proxy` jar to run (gRPC fleets need it). */
  proxy: boolean;
  /** Controller mode (`enableControllerMode`, 5.0+): automatic master election without DLedger commitlog. */
  controller: boolean;
  /** DLedger commitlog (4.5+). */
  dledger: boolean;
  /** Arbitrary delivery times (`TIMER_DELAY_MS` etc., 5.0's timer wheel); 4.x has delay levels only. */
  timers: boolean;
  /** The config keys of 5.x that a 4.x broker or name server does not read (rmq-chaos leaves them out). */
  modernConfig: boolean;
  /** ACL 2.0 (5.3+): users and ACLs created through the admin API, the brokers' own stores. */
  acl2: boolean;
}

export function serverVersionTraits(version: string): ServerVersionTraits {
  const [major = 0, minor = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const five = major >= 5;
  return {
    version,
    major,
    proxy: five && !PROXY_NOT_PUBLISHED.has(version),
    controller: five,
    dledger: major > 4 || (major === 4 && minor >= 5),
    timers: five,
    modernConfig: five,
    acl2: major > 5 || (major === 5 && minor >= 3),
  };
}

/** The versions among `known` that can run a proxy: what a refusal names. */
export function versionsWithProxy(known: readonly string[] = TESTED_ROCKETMQ_VERSIONS): string[] {
  return known.filter((v) => serverVersionTraits(v).proxy);
}

/** The artifacts `setup` fetches for a version. */
export function rocketmqArtifacts(version: string): string[] {
  return [...ROCKETMQ_ARTIFACTS, ...(serverVersionTraits(version).proxy ? [ROCKETMQ_PROXY_ARTIFACT] : [])];
}

export const TOXIPROXY_VERSION = 'v2.12.0';
export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2';

/**
 * The Kubernetes release whose kube-apiserver and kubectl `setup --k8s` builds (the API server
 * dry run of the rendered manifests; the same release as the schemas in
 * test/fixtures/k8s-schemas), and the etcd its go.mod requires, built alongside.
 */
export const KUBERNETES_VERSION = 'v1.34.2';
export const KUBERNETES_MODULE = 'k8s.io/kubernetes';
export const ETCD_VERSION = 'v3.6.4';
export const ETCD_MODULE = 'go.etcd.io/etcd/server/v3';

/** Lints the GitHub Actions workflows (a test runs it); a developer tool, not needed by runs. */
export const ACTIONLINT_VERSION = 'v1.7.12';
export const ACTIONLINT_MODULE = 'github.com/rhysd/actionlint';

/** The startup classes of the pinned release's jars (the local provider runs them; the local images' scripts too). */
export const MAIN_CLASS = {
  namesrv: 'org.apache.rocketmq.namesrv.NamesrvStartup',
  broker: 'org.apache.rocketmq.broker.BrokerStartup',
  proxy: 'org.apache.rocketmq.proxy.ProxyStartup',
  controller: 'org.apache.rocketmq.controller.ControllerStartup',
} as const;

/**
 * The Java clients `driver: java` fleets run, per protocol: the Maven artifact and the version a
 * fleet gets when it names no `clientVersion`. The remoting client is versioned with the server;
 * the gRPC client on its own 5.0.x line (5.0.8 resolves on Maven Central).
 */
export const JAVA_CLIENTS = {
  remoting: { artifact: 'rocketmq-client', defaultVersion: ROCKETMQ_VERSION },
  grpc: { artifact: 'rocketmq-client-java', defaultVersion: '5.0.8' },
} as const;
