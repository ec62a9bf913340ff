/**
 * Every default of plan v1 in one table. The resolve step fills them and the JSON Schema shows
 * them to editors, so the two can never disagree.
 */
export const PLAN_DEFAULTS = {
  seed: 1,
  cluster: {
    provider: 'local',
    version: '5.3.3',
    controllers: 0,
    namesrv: 1,
    brokers: 1,
    proxy: false,
    heap: '256MiB',
    /** cluster.storeSize when the plan has a disk fault and does not say. */
    storeSizeForDiskFaults: '1GiB',
    images: { rocketmq: 'official', toxiproxy: 'official' },
  },
  topic: { queues: 4 },
  agent: { capacity: 16 },
  producer: {
    instances: 1,
    protocol: 'remoting',
    driver: 'node',
    send: 'async',
    messageSize: '256B',
    batch: 1,
    /** `transaction`: the local transaction's time before END_TRANSACTION, and the check-back listener's. */
    transaction: { endDelay: '0s', checkDelay: '0s' },
    maxInFlight: 512,
    startRate: '0/s',
    routeRefresh: '30s',
    /** `rate: max`: the search's bound on send p99, its step length and its range. */
    rateSearch: { p99: '50ms', step: '3s', from: '100/s', to: '20000/s' },
  },
  consumer: {
    instances: 1,
    protocol: 'remoting',
    model: 'clustering',
    mode: 'push',
    driver: 'node',
    consume: 'concurrently',
    pull: 'subscribe',
    consumeTime: '0ms',
    failure: { ratio: 0, first: 0 },
    faultyConsumer: { discard: 0, duplicate: 0 },
    /** Java's DefaultMQPushConsumer default; the broker dead-letters a message failed this many times more. */
    deadLetter: { maxReconsumeTimes: 16 },
    onCrash: 'fail',
    routeRefresh: '30s',
  },
  phases: { warmup: '5s', chaos: '0s', heal: '0s', drain: '30s' },
  backlog: { then: 'drain' },
  sampling: { interval: '1s', snapshot: '3s' },
  expect: { others: 'report', invariant: 'hold' },
  /** Timing and targets; each action's parameters carry their own defaults (`fault-specs/`). */
  fault: { phase: 'load', at: '0s', count: 1, pick: 1 },
} as const;

// Comparison tolerances are a per-metric table of their own: plan/compare-tolerances.ts.

/** Limits that the schema enforces and messages quote. */
export const PLAN_LIMITS = {
  namesrv: { min: 1, max: 3 },
  brokers: { min: 1, max: 4 },
  slavesPerMaster: { min: 0, max: 2 },
  heapBytes: { min: 64 * 1024 ** 2, max: 4 * 1024 ** 3 },
  /** A bounded store (tmpfs, in RAM): room for a broker's first files, not more than a test machine spares. */
  storeBytes: { min: 256 * 1024 ** 2, max: 8 * 1024 ** 3 },
  queues: { min: 1, max: 64 },
  instances: { min: 1, max: 64 },
  agents: 64,
  agentCapacity: { min: 1, max: 1024 },
  messageSizeBytes: { min: 64, max: 4 * 1024 ** 2 },
  /** Messages per batch request. */
  batch: { min: 1, max: 1024 },
  /** `oversize.size`: up to 4× the client's 4 MiB limit, enough to show it without straining memory. */
  oversizeBytes: { min: 64, max: 16 * 1024 ** 2 },
  topicNameLength: 127,
  groupNameLength: 255,
  phaseMaxMs: 24 * 3_600_000,
  maxInFlight: { min: 1, max: 100_000 },
  shardingKeys: { min: 1, max: 100_000 },
  delayMs: { min: 1000, max: 24 * 3_600_000 },
  /** `transaction.endDelay` and `checkDelay`: long enough to outlive a broker's check, short enough to end. */
  transactionDelayMs: { min: 0, max: 600_000 },
  /** A bound for the schema; a plan's level is checked against its broker's messageDelayLevel table. */
  delayLevel: { max: 64 },
  samplingIntervalMs: { min: 100, max: 60_000 },
  /** Reading every group's connections, subscriptions and consume stats is heavier than a backlog sample. */
  samplingSnapshotMs: { min: 1000, max: 60_000 },
  faultCount: { min: 1, max: 1000 },
  /** A scale fault adds or removes at most this many instances at once. */
  scaleDelta: 64,
  flapPeriodMinMs: 200,
  /** `rate: max`: a step shorter than this is all settling, no measurement. */
  rateSearchStepMs: { min: 1000, max: 600_000 },
  /** `rate: max` needs a staircase and a bisection: the load phase holds at least this many steps. */
  rateSearchMinSteps: 3,
  backlogBuild: { min: 1, max: 100_000_000 },
} as const;
