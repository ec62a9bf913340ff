/**
 * The plan as the rest of the harness sees it: every default filled, every unit converted
 * (durations in ms, rates in messages per second, sizes in bytes), thresholds parsed. Field
 * names carry their unit so a reader never has to guess. Nothing downstream reads raw YAML.
 */
import type { ParsedThreshold } from './thresholds.ts';

export type ClusterProvider = 'local' | 'containers' | 'external';
export type ClientProtocol = 'remoting' | 'grpc';
export type MessageModel = 'clustering' | 'broadcasting';
export type BrokerConfigValue = string | number | boolean;

export interface ResolvedCluster {
  provider: ClusterProvider;
  /** Name servers to start (not used by `external`). */
  namesrv: number;
  /** Master brokers; `brokerNames` holds their names, `broker-a`, `broker-b`, ... */
  brokers: number;
  brokerNames: string[];
  slavesPerMaster: number;
  proxy: boolean;
  /** JVM heap per process. */
  heapBytes: number;
  /** Set exactly when `provider` is `external`: `host:port`, several separated by `;`. */
  namesrvAddr?: string;
  /** Extra broker.conf entries for every broker; empty when the plan sets none. */
  brokerConfig: Record<string, BrokerConfigValue>;
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

export interface ResolvedProducerFleet {
  name: string;
  topic: string;
  instances: number;
  protocol: ClientProtocol;
  /** Total for the fleet; each instance sends `ratePerSecond / instances`. */
  ratePerSecond: number;
  messageSizeBytes: number;
  /** Weighted tags, in plan order; empty means messages carry no tag. */
  tags: TagWeight[];
  /** Stop after this many messages in total for the fleet; absent means unbounded. */
  maxMessages?: number;
}

export interface ResolvedSubscription {
  topic: string;
  /** As written, e.g. `TagA || TagB`, for the client and for reports. */
  expression: string;
  /** `'*'` for every tag, else the tags the expression names. */
  tags: '*' | string[];
}

export interface ResolvedConsumerFleet {
  name: string;
  /** Defaults to the fleet name; several fleets may share a group (that is how drift is staged). */
  group: string;
  instances: number;
  protocol: ClientProtocol;
  model: MessageModel;
  /** One entry per subscribed topic, in plan order. */
  subscriptions: ResolvedSubscription[];
  consumeTimeMs: number;
}

export interface ResolvedPhases {
  warmupMs: number;
  loadMs: number;
  drainMs: number;
}

export interface ResolvedPlan {
  version: 1;
  name: string;
  description: string;
  seed: number;
  cluster: ResolvedCluster;
  topics: ResolvedTopic[];
  fleets: {
    producers: ResolvedProducerFleet[];
    consumers: ResolvedConsumerFleet[];
  };
  phases: ResolvedPhases;
  /** Every threshold in plan order (metric by metric, entry by entry); `metric` says which. */
  thresholds: ParsedThreshold[];
  source: {
    /** The plan file as given to the loader. */
    file: string;
    /** The `--set key=value` overrides applied, in order. */
    sets: string[];
  };
}
