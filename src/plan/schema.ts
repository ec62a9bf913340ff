/**
 * Plan v1 as a zod schema: the shape, the types and every per-field rule, each with a human
 * message. Strict everywhere: a misspelt key is an error, not silently a default. Defaults are
 * only documented here (`default` in the JSON Schema); `resolve-plan.ts` fills them.
 * Rules that relate fields to each other (topic references, unique names) live in
 * `cross-checks.ts` because they must run even when some other field is invalid. Fleets,
 * thresholds, faults and expectations have their own files (`schema-fleets.ts`,
 * `schema-thresholds.ts`, `schema-faults.ts`, `schema-expect.ts`).
 */
import { z } from 'zod';
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { describeValue } from './messages.ts';
import { compareSection } from './schema-compare.ts';
import { expectations } from './schema-expect.ts';
import { faults } from './schema-faults.ts';
import { acl } from './schema-acl.ts';
import { agents } from './schema-agents.ts';
import { fleets } from './schema-fleets.ts';
import { IMAGE_REF, NAMESRV_ADDR, PROXY_ADDR, SERVER_VERSION, fleetName, topicName } from './schema-names.ts';
import { HA_MODES } from '../cluster/ha-modes.ts';
import { TESTED_ROCKETMQ_VERSIONS } from '../setup/versions.ts';
import { boolean, duration, integer, list, map, oneOf, opt, patterned, req, size, text } from './schema-primitives.ts';
import { serverConfSchema } from './schema-server-conf.ts';
import { SELECTOR_HELP, thresholds } from './schema-thresholds.ts';

export { keyNouns } from './schema-primitives.ts';
export {
  FLEET_NAME,
  GROUP_NAME,
  IMAGE_REF,
  NAMESRV_ADDR,
  PROXY_ADDR,
  TAG_EXPRESSION,
  TAG_NAME,
  TOPIC_NAME,
} from './schema-names.ts';

const cluster = map(
  {
    provider: opt(
      oneOf(['local', 'containers', 'external']),
      'Who runs the cluster: local JVMs, containers, or an existing cluster.',
      D.cluster.provider,
    ),
    version: opt(
      patterned(SERVER_VERSION, 'a RocketMQ release such as "5.3.3"', 32),
      'RocketMQ server version to run; setup fetches its jars from Maven Central on first use ' +
        `(tested: ${TESTED_ROCKETMQ_VERSIONS.join(', ')}).`,
      D.cluster.version,
    ),
    ha: opt(
      oneOf(HA_MODES),
      'High availability: none (masters only), master-slave (fixed roles, slavesPerMaster slaves), controller ' +
        '(5.x: the controller elects a new master from the syncStateSet), dledger (a 3-node Raft group per broker ' +
        'name). Default: master-slave when slavesPerMaster > 0, else none.',
    ),
    controllers: opt(
      integer(0, 3),
      'Only with ha controller: 0 (each name server embeds a controller, enableControllerInNamesrv), or 1 to 3 ' +
        'standalone controller processes (ControllerStartup), named controller-0, controller-1, ...',
      D.cluster.controllers,
    ),
    namesrv: opt(integer(L.namesrv.min, L.namesrv.max), 'Name servers to start.', D.cluster.namesrv),
    brokers: opt(
      integer(L.brokers.min, L.brokers.max),
      'Master brokers, named broker-a, broker-b, ...',
      D.cluster.brokers,
    ),
    slavesPerMaster: opt(
      integer(L.slavesPerMaster.min, L.slavesPerMaster.max),
      'Slave brokers per master (replicas besides the first, in controller and dledger modes). Default: 0 with ' +
        'ha none, 1 with master-slave and controller, 2 with dledger.',
    ),
    proxy: opt(boolean(), 'Start a RocketMQ proxy (needed by grpc fleets).', D.cluster.proxy),
    heap: opt(
      size({ min: L.heapBytes.min, max: L.heapBytes.max }),
      'JVM heap per process, e.g. 256MiB.',
      D.cluster.heap,
    ),
    storeSize: opt(
      size({ min: L.storeBytes.min, max: L.storeBytes.max }),
      "Only with provider local: each broker's store is a tmpfs of this size (needs root), so disk faults fill " +
        "it and never this machine's disk. Default: 1GiB when the plan has a disk fault, else the store is a plain " +
        'folder.',
    ),
    advertise: opt(
      patterned(/^\d{1,3}(?:\.\d{1,3}){3}$/, 'an IPv4 address such as "10.0.0.5"'),
      'Only with provider local and no network faults: the address of this machine that agents on other hosts ' +
        'reach the cluster at (brokers advertise it, fleets dial the name servers there). Default 127.0.0.1.',
    ),
    namesrvAddr: opt(
      patterned(NAMESRV_ADDR, 'host:port (several separated by ";") such as "127.0.0.1:9876"'),
      'Name server address of the existing cluster; only with provider external.',
    ),
    proxyAddr: opt(
      patterned(PROXY_ADDR, 'host:port such as "127.0.0.1:8081"'),
      "gRPC endpoint of the existing cluster's RocketMQ proxy, for grpc fleets; only with provider external.",
    ),
    proxyRemotingAddr: opt(
      patterned(PROXY_ADDR, 'host:port such as "127.0.0.1:8080"'),
      "Remoting address of the existing cluster's RocketMQ proxy (remotingListenPort, 8080 by default): where " +
        'the diagnoses see the gRPC clients of pop groups, which no broker lists; only with provider external.',
    ),
    images: opt(
      map(
        {
          rocketmq: opt(
            patterned(IMAGE_REF, 'official, local, or an image reference such as "apache/rocketmq:5.3.3"', 255),
            'Image of the name servers, brokers and proxy: official (apache/rocketmq, the pinned version; ' +
              'built locally from the cached jars when it can be neither found nor pulled), local (always the ' +
              'locally built one), or any image with the official layout.',
            D.cluster.images.rocketmq,
          ),
          toxiproxy: opt(
            patterned(
              IMAGE_REF,
              'official, local, or an image reference such as "ghcr.io/shopify/toxiproxy:2.12.0"',
              255,
            ),
            'Image of the Toxiproxy gateway: official (ghcr.io/shopify/toxiproxy, the pinned version; built ' +
              'locally when it can be neither found nor pulled), local, or any image whose entrypoint is ' +
              'toxiproxy-server.',
            D.cluster.images.toxiproxy,
          ),
        },
        'container images (rocketmq, toxiproxy)',
      ),
      'Container images; only with provider containers.',
    ),
    acl: opt(
      acl(),
      'Authentication and authorization on the brokers rmq-chaos starts (RocketMQ 5.3+ ACL 2.0): users, their ' +
        'permissions, and fleets that sign as them (credentials). Only with provider local.',
    ),
    brokerConfig: opt(
      serverConfSchema('broker'),
      'broker.conf entries for every broker, by their RocketMQ names (BrokerConfig, MessageStoreConfig, ' +
        'NettyServerConfig, NettyClientConfig, AuthConfig); a time takes a duration such as 30s. Keys ' +
        'rmq-chaos sets itself (ports, addresses, names, store paths) are refused.',
    ),
    namesrvConfig: opt(
      serverConfSchema('namesrv'),
      'Conf file entries for every name server rmq-chaos starts, by their RocketMQ names (NamesrvConfig, ' +
        'NettyServerConfig, NettyClientConfig); a time takes a duration such as 30s.',
    ),
  },
  'cluster settings',
);

const topic = map(
  {
    name: req(topicName(), 'RocketMQ topic name, unique in the plan.'),
    queues: opt(integer(L.queues.min, L.queues.max), 'Queues per broker.', D.topic.queues),
  },
  'topic settings (name, queues)',
);

const phases = map(
  {
    warmup: opt(duration({ max: L.phaseMaxMs }), 'Consumers start and settle before load.', D.phases.warmup),
    load: req(
      duration({ min: 0, minExclusive: true, max: L.phaseMaxMs }),
      'Steady load before any chaos: producers send through load, chaos and heal.',
    ),
    chaos: opt(
      duration({ max: L.phaseMaxMs }),
      'After load, producers keep sending while faults timed in this phase (phase: chaos) happen; 0s skips it.',
      D.phases.chaos,
    ),
    heal: opt(
      duration({ max: L.phaseMaxMs }),
      'After chaos, producers keep sending while the cluster recovers; 0s skips it.',
      D.phases.heal,
    ),
    drain: opt(
      duration({ max: L.phaseMaxMs }),
      'Longest wait for backlog to reach 0 after producers stop.',
      D.phases.drain,
    ),
  },
  'phases (warmup, load, chaos, heal, drain)',
);

const backlog = map(
  {
    build: req(
      integer(L.backlogBuild.min, L.backlogBuild.max),
      'Messages acked and not consumed (in every consumer group) before the consumers are released, e.g. 100000.',
    ),
    then: opt(
      oneOf(['drain']),
      'What follows the build: drain (the producers stop, the consumers are released, drain time and drain ' +
        'rate are measured until the backlog is 0).',
      D.backlog.then,
    ),
  },
  'backlog settings (build, then)',
);

const sampling = map(
  {
    interval: opt(
      duration({ min: L.samplingIntervalMs.min, max: L.samplingIntervalMs.max }),
      'How often backlog and other time series are sampled, 100ms to 60s.',
      D.sampling.interval,
    ),
    snapshot: opt(
      duration({ min: L.samplingSnapshotMs.min, max: L.samplingSnapshotMs.max }),
      "How often the brokers' view of every consumer group (connections, each client's subscriptions and " +
        'queues, consume stats) is read for diagnoses, 1s to 60s.',
      D.sampling.snapshot,
    ),
  },
  'sampling settings (interval, snapshot)',
);

export const planSchema = map(
  {
    version: opt(
      z.literal(1, { error: (iss) => `expected 1 (the only plan version), got ${describeValue(iss.input)}` }),
      'Plan format version.',
      1,
    ),
    name: opt(fleetName(), 'Plan name; defaults to the file name.'),
    description: req(text('a description (a non-empty string)'), 'What this plan tests and what a pass means.'),
    seed: opt(integer(0), 'Seed for every random choice, so runs repeat.', D.seed),
    cluster: opt(cluster, 'The RocketMQ cluster under test.'),
    topics: req(
      list(topic, 'topics').min(1, { error: 'expected at least one topic' }),
      'Topics to create before the run.',
    ),
    agents: opt(
      agents,
      'Load hosts running `rmq-chaos agent`, for fleets beyond one machine; fleets choose theirs with ' +
        '`placement`. Without agents every instance runs on this machine.',
    ),
    fleets: opt(fleets, 'Client fleets; each instance is its own process.'),
    phases: req(phases, 'Run phases, in order: warmup, load, chaos, heal, drain.'),
    backlog: opt(
      backlog,
      "OMB's backlog test, {build: 100000, then: drain}: consumers start, settle and are held (SIGSTOP) when load " +
        'starts; once every group has `build` messages waiting, the producers stop and the consumers are ' +
        'released; drain_time (release → backlog 0) and drain_rate are measured. The load phase ends at the ' +
        'release; the build must finish within it.',
    ),
    sampling: opt(
      sampling,
      'Time series sampling during load, chaos, heal and drain, and consumer-group snapshots for diagnoses.',
    ),
    thresholds: opt(thresholds, `Pass/fail criteria per metric, k6 style. ${SELECTOR_HELP}`),
    faults: opt(
      faults,
      'Chaos schedule: network faults on links, kill, pause and restart of nodes and fleet instances, ' +
        'scaling and subscription drift of consumers. Each starts at its time from the start of its phase.',
    ),
    expect: opt(
      expectations,
      'What the run must show besides thresholds: diagnoses it must produce, what an unlisted diagnosis ' +
        'does, and which delivery invariants must hold.',
    ),
    compare: opt(
      compareSection,
      'How a run compares with a baseline run (run --baseline, compare --plan): per-metric tolerances.',
    ),
  },
  'plan settings',
);

/** A plan that passed the schema: still as written (units as strings, defaults absent). */
export type PlanDocument = z.output<typeof planSchema>;
