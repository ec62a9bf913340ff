/**
 * The plan as the rest of the harness sees it: every default filled, every unit converted
 * (durations in ms, rates in messages per second, sizes in bytes), thresholds parsed. Field
 * names carry their unit so a reader never has to guess. Nothing downstream reads raw YAML.
 */
import type { ConfValue } from '../cluster/server-conf/conf-keys.ts';
import type { AclPermission } from '../cluster/acl.ts';
import type { PlanIssue } from '../util/errors.ts';
import type { Secret } from '../util/secret.ts';
import type { ResolvedSubscription } from './resolve-values.ts';
import type { DiagnosisId } from './expectations-catalogue.ts';
import type { InvariantId, InvariantState, UnlistedDiagnosisPolicy } from './expectations-catalogue.ts';
import type { ResolvedCompare } from './resolve-compare.ts';
import type { ResolvedFault } from './resolved-faults.ts';
import type { ParsedThreshold } from './thresholds.ts';

export type { DiagnosisId } from './expectations-catalogue.ts';

/** One property's values: an integer in [min, max] (both included) or one of the strings. */
export type PropertySpec = { int: [number, number] } | { oneOf: string[] };

/** Property name → how its value is drawn per message, as the plan writes it. */
export type PropertySpecs = Record<string, PropertySpec>;
export type { FaultPhase } from './phase-lengths.ts';
export type { ResolvedCompare } from './resolve-compare.ts';
export type { InvariantId, InvariantState, UnlistedDiagnosisPolicy } from './expectations-catalogue.ts';

export type {
  FaultActionName,
  FaultParamsByAction,
  FaultStream,
  ResolvedFault,
  ResolvedFaultOccurrence,
} from './resolved-faults.ts';

export type ClusterProvider = 'local' | 'containers' | 'external';
/** `official` (with a local fallback), `local`, or an image reference. */
export interface ContainerImages {
  rocketmq: string;
  toxiproxy: string;
}
export type ClientProtocol = 'remoting' | 'grpc';
export type MessageModel = 'clustering' | 'broadcasting';
/** push: the client pulls and calls a listener; pull: the test loop pulls; simple: gRPC SimpleConsumer (pop, ack). */
export type ConsumerMode = 'push' | 'pull' | 'simple';
/** What a crash of one of the fleet's processes (an exit nobody asked for) does to the verdict. */
export type CrashPolicy = 'fail' | 'continue';
/** A broker.conf or name server conf value, converted (times in the key's own unit). */
export type { ConfValue } from '../cluster/server-conf/conf-keys.ts';
import type { HaMode } from '../cluster/ha-modes.ts';

export interface ResolvedCluster {
  provider: ClusterProvider;
  /** RocketMQ server version (`local` and `containers` run it; `external` is whatever runs there). */
  version: string;
  /** High-availability mode (see ha-modes.ts); `slavesPerMaster` fits it. */
  ha: HaMode;
  /** ha controller: 0 = embedded in each name server, else that many standalone controllers; 0 otherwise. */
  controllers: number;
  /** Name servers to start (not used by `external`). */
  namesrv: number;
  /** Master brokers; `brokerNames` holds their names, `broker-a`, `broker-b`, ... */
  brokers: number;
  brokerNames: string[];
  slavesPerMaster: number;
  proxy: boolean;
  /** JVM heap per process. */
  heapBytes: number;
  /** Local provider: the address fleets on other hosts reach the cluster at (absent: 127.0.0.1). */
  advertise?: string;
  /** Set exactly when `provider` is `external`: `host:port`, several separated by `;`. */
  namesrvAddr?: string;
  /** Only with `external`, when the plan gives it: the gRPC endpoint of that cluster's proxy. */
  proxyAddr?: string;
  /** Only with `external`, when the plan gives it: that proxy's remoting address (pop groups' clients). */
  proxyRemotingAddr?: string;
  /** Only with `containers`: `official`, `local` or an image reference, per image. */
  images?: ContainerImages;
  /**
   * broker.conf entries from the plan for every broker (a brokerRole for masters only), converted:
   * a duration is a number in the key's unit. Empty when the plan sets none.
   */
  brokerConfig: Record<string, ConfValue>;
  /** provider local: each broker's store is a tmpfs of this many bytes (cluster.storeSize; disk faults). */
  storeBytes?: number;
  /** provider local, with storeBytes: `loop` puts each store on an ext4 image on a loop device (disk.slow). */
  storeOn?: 'tmpfs' | 'loop';
  /** The same for every name server rmq-chaos starts. */
  namesrvConfig: Record<string, ConfValue>;
  /** Authentication and authorization on the brokers (cluster.acl), only with provider local. */
  acl?: ResolvedAcl;
}

/** Where an ACL user's secret comes from; the value itself is in `ResolvedAclUser.secret`. */
export type SecretSource =
  | { from: 'env'; name: string }
  | { from: 'file'; path: string }
  | { from: 'generated' }
  | { from: 'literal' };

export interface ResolvedAclUser {
  name: string;
  source: SecretSource;
  /** Read by the plan loader (`env:`, `file:`, the literal) or drawn for the run (`generated`). */
  secret: Secret;
  allow: AclPermission[];
}

export interface ResolvedAcl {
  users: ResolvedAclUser[];
}

export interface ResolvedTopic {
  name: string;
  /** Queues per broker. */
  queues: number;
}

export interface TagWeight {
  tag: string;
  weight: number;
}

export interface RateStage {
  durationMs: number;
  /** The fleet's total rate at the end of the stage; the rate ramps linearly to it from the previous target. */
  targetPerSecond: number;
}

/**
 * How a producer fleet schedules sends (k6 arrival-rate executors). Rates are totals for the
 * fleet, split evenly across its instances.
 */
export type ProducerExecutor =
  /** `rate: 200/s`: this many sends per second through the sending phases (load, chaos, heal). */
  | { kind: 'constant'; ratePerSecond: number }
  /**
   * `stages`: starts at `startRatePerSecond` and ramps linearly to each stage's target over
   * its duration (a 0 ms stage jumps). The fleet stops when the last stage ends.
   */
  | { kind: 'ramping'; startRatePerSecond: number; stages: RateStage[] };

/** Which worker runs a client (drivers/capabilities.ts): this project's Node clients or RocketMQ's Java ones. */
export type WorkerDriver = 'node' | 'java';
export type SendMode = 'async' | 'sync' | 'oneway';
export type ConsumeStyle = 'concurrently' | 'orderly';
export type PullStyle = 'subscribe' | 'assign';

/**
 * Where a fleet's instances run: child processes of the coordinator (local), over the plan's
 * agents, fewest instances first (spread), or all on one agent.
 */
export type FleetPlacement = { kind: 'local' } | { kind: 'spread' } | { kind: 'agent'; agent: string };

/** A load host running `rmq-chaos agent`. */
export interface ResolvedAgent {
  name: string;
  /** host:port the coordinator dials. */
  address: string;
  /** Most instances it runs at once. */
  capacity: number;
  /** For `k8s render`: CPU as a Kubernetes quantity ("2", "500m") and memory in bytes, when the plan gives them. */
  resources: { cpu?: string; memoryBytes?: number };
}

/** `rate: max`: how the load phase searches the fleet's highest sustainable rate (metrics/rate-search.ts). */
export interface RateSearchSpec {
  /** A step is sustainable only when the send p99 over it is at most this. */
  p99Ms: number;
  /** How long each rate is held (the first part of it settles and is not measured). */
  stepMs: number;
  /** The staircase's first rate and its last (fleet totals, messages per second). */
  fromPerSecond: number;
  toPerSecond: number;
}

/** `backlog: {build, then: drain}`: hold the consumers until every group has `build` messages waiting, then drain. */
export interface ResolvedBacklog {
  build: number;
  then: 'drain';
}

export interface ResolvedProducerFleet {
  name: string;
  topic: string;
  instances: number;
  protocol: ClientProtocol;
  driver: WorkerDriver;
  placement: FleetPlacement;
  /** driver java: the Java client's Maven version (default filled); absent for node. */
  clientVersion?: string;
  /** The cluster.acl user this fleet signs as. */
  credentials?: string;
  sendMode: SendMode;
  /**
   * `rate: max`: the load phase searches the highest sustainable rate, changing the rate live;
   * `executor` is then constant at the search's first rate (what the producers start with).
   */
  rateSearch?: RateSearchSpec;
  executor: ProducerExecutor;
  /**
   * Derived from `executor`, for readers that predate it: the constant rate, or for a ramp
   * its peak rate (the highest of the start rate and the stage targets). Not a schedule:
   * read `executor` to send at the right rate over time. Total for the fleet; each instance
   * sends `ratePerSecond / instances`.
   */
  ratePerSecond: number;
  /**
   * How long the fleet sends, from the start of load: the sending phases
   * (`phases.loadMs + phases.chaosMs + phases.healMs`) for a constant rate, the stages' total
   * for a ramp (at most that sum).
   */
  loadMs: number;
  /** Sends in flight per producer instance; a send that falls due beyond this is counted as dropped. */
  maxInFlight: number;
  /** How often the clients refresh topic routes (Java pollNameServerInterval). */
  routeRefreshMs: number;
  messageSizeBytes: number;
  /** Messages per send request (1: one at a time); a partial batch leaves 10 ms after its first message was due. */
  batch: number;
  /** Every `every`-th message (seq % every === every - 1) has a `sizeBytes` body instead, to show the size limit. */
  oversize?: { every: number; sizeBytes: number };
  /** Weighted tags, in plan order; empty means messages carry no tag. */
  tags: TagWeight[];
  /** User properties drawn per message (fleet/message-properties.ts), for SQL92 subscriptions; absent: none. */
  properties?: PropertySpecs;
  /** Stop after this many messages in total for the fleet; absent means unbounded. */
  maxMessages?: number;
  /** Ordered messages: each message gets one of `shardingKeys` keys, and a key always goes to the same queue. */
  ordered?: { shardingKeys: number };
  /** Delayed messages: a `ratio` share of messages (0 < ratio ≤ 1) is delivered `delayMs` after it is sent. */
  delay?: ResolvedDelay;
  /** Transactional messages: shares of local outcomes (summing to 1), END_TRANSACTION and check-back delays. */
  transaction?: ResolvedTransaction;
}

export interface ResolvedTransaction {
  commit: number;
  rollback: number;
  unknown: number;
  endDelayMs: number;
  checkDelayMs: number;
}

/**
 * A 5.x timer (`delayMs` after sending, TIMER_DELAY_MS) or, with `level`, a delay level (DELAY;
 * `delayMs` is that level's time in the broker's messageDelayLevel).
 */
export interface ResolvedDelay {
  ratio: number;
  delayMs: number;
  level?: number;
}

/** Processing time per message: fixed, uniform between two bounds, or exponential around a mean. */
export type ConsumeTime =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'exponential'; meanMs: number };

/**
 * Failed consumption: the instance asks for redelivery of its first `first` messages, then of
 * a `ratio` share (0..1) of the rest. `{ ratio: 0, first: 0 }` consumes everything.
 */
export interface ConsumerFailure {
  ratio: number;
  first: number;
}

/**
 * The `faultyConsumer` test aid: shares of messages an instance discards (acknowledged, never
 * reported) or reports twice; see fleet/faulty-consumer.ts.
 */
export interface ConsumerFaultiness {
  discard: number;
  duplicate: number;
}

/**
 * `deadLetter`: a `poison` share (0..1) of messages fails on every delivery (which ones:
 * fleet/poison-messages.ts), and the broker moves a message to `%DLQ%<group>` once it has been
 * redelivered `maxReconsumeTimes` times. Every fleet of a group carries the same settings.
 */
export interface ConsumerDeadLetter {
  poison: number;
  maxReconsumeTimes: number;
}

/** The settings one consumer instance runs with: its fleet's, merged with its override. */
export interface ResolvedConsumerInstance {
  /** 0-based index in the fleet. */
  index: number;
  /** `<fleet>#<index>`, e.g. `billing#2`: the id in logs, receipts and threshold selectors. */
  instanceId: string;
  subscriptions: ResolvedSubscription[];
  protocol: ClientProtocol;
  driver: WorkerDriver;
  /** driver java: the Java client's Maven version (default filled); absent for node. */
  clientVersion?: string;
  mode: ConsumerMode;
  consumeTime: ConsumeTime;
  /** Mean processing time of `consumeTime` (the fixed time, the midpoint of uniform, the exponential mean). */
  consumeTimeMs: number;
  failure: ConsumerFailure;
  /** Present only when the plan sets it for the fleet or this instance's override. */
  faultyConsumer?: ConsumerFaultiness;
  /** The fleet's deadLetter settings (no override changes them); absent when the plan has none. */
  deadLetter?: ConsumerDeadLetter;
}

export interface ResolvedConsumerFleet {
  name: string;
  /** Defaults to the fleet name; several fleets may share a group (that is how drift is staged). */
  group: string;
  instances: number;
  /** The fleet's settings; an instance with an override differs, see `perInstance`. */
  protocol: ClientProtocol;
  model: MessageModel;
  mode: ConsumerMode;
  driver: WorkerDriver;
  /** The cluster.acl user this fleet's instances sign as. */
  credentials?: string;
  placement: FleetPlacement;
  /** Push listeners: concurrently or orderly (broker queue locks). */
  consume: ConsumeStyle;
  /** Pull consumers: subscribe (rebalanced) or assign (fixed shares by instance index). */
  pull: PullStyle;
  /** One entry per subscribed topic, in plan order. */
  subscriptions: ResolvedSubscription[];
  consumeTime: ConsumeTime;
  /**
   * Mean processing time of `consumeTime` (the fixed time, the midpoint of uniform, the
   * exponential mean), for readers that predate `consumeTime`; it is not a distribution.
   */
  consumeTimeMs: number;
  failure: ConsumerFailure;
  /** Poison messages and the group's redelivery limit; absent when the plan has none. */
  deadLetter?: ConsumerDeadLetter;
  onCrash: CrashPolicy;
  /** How often the clients refresh topic routes (Java pollNameServerInterval). */
  routeRefreshMs: number;
  /**
   * What every instance actually runs with (length `instances`, index order): the fleet's
   * settings with that instance's override applied. Launch instances from this.
   */
  perInstance: ResolvedConsumerInstance[];
}

/**
 * The run goes warmup → load → chaos → heal → drain. Producers send through load, chaos and
 * heal (the steady state, the faults, the recovery); chaos and heal last 0 ms unless the plan
 * sets them.
 */
export interface ResolvedPhases {
  warmupMs: number;
  /** The steady state before any chaos; more than 0. */
  loadMs: number;
  /** Producers keep sending; faults with `phase: chaos` count from its start. */
  chaosMs: number;
  /** Producers keep sending while the cluster recovers. */
  healMs: number;
  drainMs: number;
}

export interface ResolvedSampling {
  /** How often backlog and other time series are sampled during load, chaos, heal and drain. */
  intervalMs: number;
  /**
   * How often the brokers' view of every consumer group (connections, each client's
   * subscriptions and queues, consume stats) is read for diagnoses; 1000 to 60000.
   */
  snapshotMs: number;
}

/** A diagnosis the plan must produce; without `group`, about any consumer group. */
export interface ExpectedDiagnosis {
  id: DiagnosisId;
  /** A consumer group of this plan: the diagnosis must be about it. */
  group?: string;
}

/** The plan's `expect:` section with every default filled. */
export interface ResolvedExpectations {
  /** In plan order, no two alike: each one that does not fire fails the run. Empty when none. */
  diagnoses: ExpectedDiagnosis[];
  /** A diagnosis that fires but matches no entry of `diagnoses`: `report` it (default), or `fail` the run. */
  others: UnlistedDiagnosisPolicy;
  /**
   * Every invariant, `hold` unless the plan says otherwise. `hold`: the run fails if it is
   * violated; `violated`: the plan reproduces the violation, so the run fails if it holds;
   * `off`: not checked. One-line descriptions: `INVARIANT_DESCRIPTIONS`.
   */
  invariants: Record<InvariantId, InvariantState>;
}

export interface ResolvedPlan {
  version: 1;
  name: string;
  description: string;
  seed: number;
  cluster: ResolvedCluster;
  topics: ResolvedTopic[];
  /** Load hosts, in plan order; empty for a single-host run. */
  agents: ResolvedAgent[];
  fleets: {
    producers: ResolvedProducerFleet[];
    consumers: ResolvedConsumerFleet[];
  };
  phases: ResolvedPhases;
  /** OMB's backlog test; absent when the plan has none. */
  backlog?: ResolvedBacklog;
  sampling: ResolvedSampling;
  /** Every threshold in plan order (key by key, entry by entry); `metric` and `selector` say which. */
  thresholds: ParsedThreshold[];
  /** The chaos schedule, in plan order; empty when the plan has no faults. */
  faults: ResolvedFault[];
  /** What the run must show besides thresholds: diagnoses and delivery invariants. */
  expect: ResolvedExpectations;
  /** Tolerances for comparing this run with a baseline (`--baseline`); the defaults unless the plan has `compare:`. */
  compare: ResolvedCompare;
  source: {
    /** The plan file as given to the loader. */
    file: string;
    /** The `--set key=value` overrides applied, in order. */
    sets: string[];
    /**
     * The plan's YAML as it was resolved: the file's text, with the `--set` overrides written
     * in when there are any. A run keeps it as `plan.yaml` so the run can be run again (or
     * shrunk) after the file changed. Absent for plans not loaded from YAML.
     */
    text?: string;
    /** What the plan does that works but should not (a literal secret), located like plan errors. */
    warnings?: PlanIssue[];
  };
}
