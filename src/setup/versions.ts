/**
 * The pinned third-party releases. RocketMQ 5.3.3 is the newest 5.x whose namesrv, broker,
 * proxy and tools jars are all published on Maven Central (5.3.1, 5.3.2 and 5.5.x lack the
 * namesrv/proxy artifacts there). Change a version here and `setup` fetches it into a new
 * cache folder; the old one is left for other checkouts.
 */
export const ROCKETMQ_VERSION = '5.3.3';
export const ROCKETMQ_ARTIFACTS = ['rocketmq-namesrv', 'rocketmq-broker', 'rocketmq-proxy', 'rocketmq-tools'] as const;

export const TOXIPROXY_VERSION = 'v2.12.0';
export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2';

/** Lints the GitHub Actions workflows (a test runs it); a developer tool, not needed by runs. */
export const ACTIONLINT_VERSION = 'v1.7.12';
export const ACTIONLINT_MODULE = 'github.com/rhysd/actionlint';

/** The startup classes of the pinned release's jars (the local provider runs them; the local images' scripts too). */
export const MAIN_CLASS = {
  namesrv: 'org.apache.rocketmq.namesrv.NamesrvStartup',
  broker: 'org.apache.rocketmq.broker.BrokerStartup',
  proxy: 'org.apache.rocketmq.proxy.ProxyStartup',
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
