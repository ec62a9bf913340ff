/**
 * What the generated catalogue (types from the jars) cannot say: which numbers are times and
 * in what unit, which may be negative, and which keys rmq-chaos writes itself. Kept beside the
 * catalogue so the plan's validation and the conf writers read the same rules.
 */

export type ConfServer = 'broker' | 'namesrv';

/** The unit a time-valued key is read in by the server. */
export type TimeUnit = 'ms' | 's' | 'min' | 'h';

/**
 * Time keys by RocketMQ's own naming: a `...Millis`/`...Mills`/`...Ms` (also `waitTimeMillsInSendQueue`)
 * or `...Interval`/`...Period`/`...Timeout` key holds milliseconds, a `...Second(s)`/`...Sec` key
 * seconds, a `...Minutes`/`...Min` key minutes. Every key this rule matched in 5.3.3 was checked
 * against its default in the class (e.g. channelExpiredTimeout = 120000, registerNameServerPeriod
 * = 30000); NOT_TIMES and TIMES correct the rule where the name does not tell.
 */
const TIME_SUFFIXES: ReadonlyArray<[RegExp, TimeUnit]> = [
  [/(?:Millis|Mills|Ms)(?:In[A-Z]\w*)?$|(?:Interval|Period|Timeout|TimeOut)$/, 'ms'],
  [/(?:Seconds?|Sec)$/, 's'],
  [/(?:Minutes|Min)$/, 'min'],
];

/** Matched by the rule but not a time. */
const NOT_TIMES: ReadonlySet<string> = new Set([
  // Bytes per second (a replication bandwidth cap), not a time.
  'maxHaTransferByteInSecond',
]);

/** Times whose names the rule misses; each unit read from the key's default in 5.3.3's class. */
const TIMES: Readonly<Record<string, TimeUnit>> = {
  commitIntervalCommitLog: 'ms', // 200
  compactionScheduleInternal: 'ms', // 900000 (15 min; "Internal" is RocketMQ's spelling)
  destroyMapedFileIntervalForcibly: 'ms', // 120000
  filterDataCleanTimeSpan: 'ms', // 86400000 (one day)
  flushIntervalCommitLog: 'ms', // 500
  flushIntervalConsumeQueue: 'ms', // 1000
  haMaxTimeSlaveNotCatchup: 'ms', // 15000
  popCkStayBufferTime: 'ms', // 10000
  reviveScanTime: 'ms', // 10000
  fileReservedTime: 'h', // 72: commit log files older than this many hours are deleted
  waitSecondsForService: 's', // 45
};

/** The unit of a time-valued integer key, or undefined when the key is not a time. */
export function timeUnitOf(key: string): TimeUnit | undefined {
  if (Object.hasOwn(TIMES, key)) return TIMES[key];
  if (NOT_TIMES.has(key)) return undefined;
  return TIME_SUFFIXES.find(([suffix]) => suffix.test(key))?.[1];
}

/**
 * Numeric keys that take a negative value. Everywhere else a negative number is a mistake the
 * server would take at face value (a negative timeout, a negative queue size), so the plan
 * refuses it. These are the keys whose 5.3.3 default is itself negative (found by reading the
 * constructors' bytecode), i.e. where -1 is a documented setting.
 */
const NEGATIVE_ALLOWED: ReadonlySet<string> = new Set([
  'maxStatsIdleTimeInMinutes', // -1: statistics never expire
  'defaultPopShareQueueNum', // -1: a pop consumer reads every queue
  'disappearTimeAfterStart', // -1: off
]);

export function takesNegative(key: string): boolean {
  return NEGATIVE_ALLOWED.has(key);
}

const PORTS = 'set by rmq-chaos (it picks a free port for every node)';
const ADDRESSES = "set by rmq-chaos (the node's addresses, routed through Toxiproxy for network faults)";
const SHARED_PATH =
  'set by rmq-chaos (each node keeps its files in its own directory of the run; one path for every node ' +
  'would be shared by all of them)';

/** broker.conf keys rmq-chaos writes for each broker (see node-config.ts), with what to set instead. */
const BROKER_OWNED: Readonly<Record<string, string>> = {
  brokerClusterName: 'set by rmq-chaos (the cluster is named rmq-chaos)',
  brokerName: 'set by rmq-chaos (brokers are named broker-a, broker-b, ...): set cluster.brokers',
  brokerId: 'set by rmq-chaos (0 for a master, 1, 2, ... for its slaves): set cluster.slavesPerMaster',
  namesrvAddr: 'set by rmq-chaos (the name servers it starts): set cluster.namesrv',
  listenPort: PORTS,
  haListenPort: PORTS,
  brokerIP1: ADDRESSES,
  brokerIP2: ADDRESSES,
  bindAddress: ADDRESSES,
  haMasterAddress: ADDRESSES,
  storePathRootDir: SHARED_PATH,
  storePathCommitLog: SHARED_PATH,
  storePathDLedgerCommitLog: SHARED_PATH,
  storePathEpochFile: SHARED_PATH,
  storePathBrokerIdentity: SHARED_PATH,
  readOnlyCommitLogStorePaths: SHARED_PATH,
  brokerConfigPath: SHARED_PATH,
  // BrokerStartup overwrites these three after it reads broker.conf.
  configName: 'set by the broker itself (to its brokerName, after reading broker.conf): a value here is ignored',
  clusterName:
    'set by the broker itself (to its brokerClusterName, after reading broker.conf): a value here is ignored',
  authConfigPath:
    'set by the broker itself (to storePathRootDir/config, after reading broker.conf): a value here is ignored',
};

/** Name server conf keys rmq-chaos writes for each name server. */
const NAMESRV_OWNED: Readonly<Record<string, string>> = {
  listenPort: PORTS,
  bindAddress: ADDRESSES,
  kvConfigPath: SHARED_PATH,
  // NamesrvStartup overwrites it after it reads the file.
  configStorePath: 'set by the name server itself (to the conf file rmq-chaos passes with -c): a value here is ignored',
};

/** Why the plan may not set `key` (and what to set instead), for a key rmq-chaos or the server sets. */
export function ownedKeyReason(server: ConfServer, key: string): string | undefined {
  const owned = server === 'broker' ? BROKER_OWNED : NAMESRV_OWNED;
  return Object.hasOwn(owned, key) ? owned[key] : undefined;
}

/**
 * Enum values the plan may not choose, with why. rmq-chaos decides which brokers are slaves
 * (slavesPerMaster); the plan's brokerRole applies to masters only.
 */
const REFUSED_VALUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  brokerRole: { SLAVE: 'rmq-chaos makes slaves itself (brokerRole applies to masters): set cluster.slavesPerMaster' },
};

export function refusedValues(server: ConfServer, key: string): Readonly<Record<string, string>> {
  return server === 'broker' && Object.hasOwn(REFUSED_VALUES, key) ? (REFUSED_VALUES[key] ?? {}) : {};
}
