/**
 * Every metric a plan may put a threshold on: its kind, the aggregations that make sense for
 * it, and what kind of value a threshold compares against. The threshold parser, the JSON
 * Schema (editor completion) and the checks all read this one table, so a metric added here
 * is accepted, documented and evaluated everywhere at once.
 */

export type AggregationName = 'count' | 'rate' | 'avg' | 'min' | 'max' | 'med' | 'p' | 'final' | 'value';

/** `value`: one figure a run measures once (the rate search's answer, a drain's time), k6's `value`. */
export type MetricKind = 'counter' | 'rate' | 'trend' | 'gauge' | 'value';

/**
 * What the threshold value is: `number` is a plain number (counts, per-second rates, backlog),
 * `fraction` a plain number in 0..1, `duration` must carry a unit and is compared in ms.
 */
export type ThresholdValueKind = 'number' | 'fraction' | 'duration';

export interface MetricSpec {
  kind: MetricKind;
  aggregations: readonly AggregationName[];
  value: ThresholdValueKind;
  /**
   * Measured per consumer group and instance, so a threshold key may select a part of it:
   * `received{group:billing,instance:each}` (k6 sub-metrics). Producer-side and run-wide
   * metrics are not.
   */
  selectable: boolean;
  description: string;
}

const COUNTER = ['count', 'rate'] as const;
const TREND = ['p', 'avg', 'min', 'max', 'med'] as const;

/** Every metric name, in catalogue order (tables and help list them so). */
export const METRIC_NAMES = [
  'loss',
  'loss_unexplained',
  'duplicates',
  'unexpected',
  'reordered',
  'sent',
  'received',
  'unique',
  'send_errors',
  'dropped',
  'duplicate_rate',
  'loss_rate',
  'e2e_latency',
  'send_latency',
  'rebalance_latency',
  'resume_latency',
  'failover_rto',
  'backlog',
  'max_rate',
  'drain_time',
  'drain_rate',
  'timer_lateness',
  'timer_early',
] as const;

// A named union rather than `keyof typeof METRICS`, so the summary's JSON Schema generator can read it.
export type MetricName = (typeof METRIC_NAMES)[number];

export const METRICS: Readonly<Record<MetricName, MetricSpec>> = {
  loss: {
    selectable: true,
    kind: 'counter',
    aggregations: COUNTER,
    value: 'number',
    description: 'Messages the broker acknowledged that a group never received by the end of drain.',
  },
  loss_unexplained: {
    selectable: true,
    kind: 'counter',
    aggregations: COUNTER,
    value: 'number',
    description:
      'Lost messages no diagnosis accounts for (the unexplained-loss finding lists them): a loss the harness ' +
      'cannot explain.',
  },
  duplicates: {
    selectable: true,
    kind: 'counter',
    aggregations: COUNTER,
    value: 'number',
    description: 'Receipts beyond the first per message id (per group in clustering, per instance in broadcasting).',
  },
  unexpected: {
    selectable: true,
    kind: 'counter',
    aggregations: COUNTER,
    value: 'number',
    description: 'Receipts of message ids this run never sent.',
  },
  reordered: {
    selectable: true,
    kind: 'counter',
    aggregations: COUNTER,
    value: 'number',
    description:
      "First deliveries of an ordered producer's message after a later message of the same sharding key (per " +
      'group in clustering, per instance in broadcasting). No data when no ordered producer feeds the group.',
  },
  sent: {
    selectable: false,
    kind: 'counter',
    aggregations: COUNTER,
    value: 'number',
    description: 'Messages the broker acknowledged. `rate` is per second over the load phase.',
  },
  received: {
    selectable: true,
    kind: 'counter',
    aggregations: COUNTER,
    value: 'number',
    description: 'Messages delivered to consumers, duplicates included. `rate` is per second.',
  },
  unique: {
    selectable: true,
    kind: 'counter',
    aggregations: COUNTER,
    value: 'number',
    description:
      'Distinct message ids delivered (per group in clustering, per instance in broadcasting). `rate` is per second.',
  },
  send_errors: {
    selectable: false,
    kind: 'counter',
    aggregations: COUNTER,
    value: 'number',
    description: 'Send calls that failed or timed out.',
  },
  dropped: {
    selectable: false,
    kind: 'counter',
    aggregations: COUNTER,
    value: 'number',
    description: 'Sends that were due but skipped because the producer instance had maxInFlight sends outstanding.',
  },
  duplicate_rate: {
    selectable: true,
    kind: 'rate',
    aggregations: ['rate'],
    value: 'fraction',
    description: 'duplicates / unique receipts, a fraction between 0 and 1.',
  },
  loss_rate: {
    selectable: true,
    kind: 'rate',
    aggregations: ['rate'],
    value: 'fraction',
    description: 'loss / acknowledged sends, a fraction between 0 and 1.',
  },
  e2e_latency: {
    selectable: true,
    kind: 'trend',
    aggregations: TREND,
    value: 'duration',
    description: 'Born timestamp to receipt, per delivered message.',
  },
  send_latency: {
    selectable: false,
    kind: 'trend',
    aggregations: TREND,
    value: 'duration',
    description: 'Send call to broker acknowledgement.',
  },
  rebalance_latency: {
    selectable: true,
    kind: 'trend',
    aggregations: TREND,
    value: 'duration',
    description: 'Membership or subscription event until live instances claim a disjoint cover of all queues.',
  },
  resume_latency: {
    selectable: true,
    kind: 'trend',
    aggregations: TREND,
    value: 'duration',
    description: 'Membership or subscription event until every queue with backlog has delivered again.',
  },
  failover_rto: {
    selectable: true,
    kind: 'trend',
    aggregations: TREND,
    value: 'duration',
    description:
      'Per fault that hit a broker: time until a master was listed again (side:elect), until sends succeeded ' +
      'again (side:send), until each group received a message sent after the fault (side:consume, one per ' +
      'group; group:<name> narrows). A recovery that never came counts as 1 h. No data when no fault hit a broker.',
  },
  backlog: {
    selectable: true,
    kind: 'gauge',
    aggregations: ['max', 'min', 'avg', 'final'],
    value: 'number',
    description: 'Broker max offset minus committed consumer offset, summed over queues, sampled each second.',
  },
  max_rate: {
    selectable: false,
    kind: 'value',
    aggregations: ['value'],
    value: 'number',
    description:
      'rate: max: the highest producer rate (messages per second, the fleet total) the search measured ' +
      'sustainable. No data when not even its lowest rate was.',
  },
  drain_time: {
    selectable: false,
    kind: 'value',
    aggregations: ['value'],
    value: 'duration',
    description: "backlog: the consumers' release until the backlog is 0. No data when it never drained.",
  },
  drain_rate: {
    selectable: false,
    kind: 'value',
    aggregations: ['value'],
    value: 'number',
    description: 'backlog: messages drained per second, from the release until the backlog is 0.',
  },
  timer_lateness: {
    selectable: false,
    kind: 'trend',
    aggregations: TREND,
    value: 'duration',
    description:
      'Delayed messages (delay): first receipt minus the requested delivery time (send time + delay). A delivery ' +
      'before its time counts as 0 here (timer_early counts those). No data when no fleet delays messages.',
  },
  timer_early: {
    selectable: false,
    kind: 'counter',
    aggregations: COUNTER,
    value: 'number',
    description:
      'Delayed messages delivered before their requested time by more than the broker allows (a timer: its ' +
      'timerPrecisionMs, 1s by default; a delay level: not at all). No data when no fleet delays messages.',
  },
};

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

export function metricSpec(name: MetricName): MetricSpec {
  return METRICS[name];
}

/** Metrics a threshold key may narrow with a selector, in catalogue order. */
export const SELECTABLE_METRICS = METRIC_NAMES.filter((name) => METRICS[name].selectable);

/** How an aggregation is written in a threshold (`p(N)` for percentiles). */
export function aggregationLabel(name: AggregationName): string {
  return name === 'p' ? 'p(N)' : name;
}

/** A threshold a user could copy for this metric; shown in schema help and error messages. */
export function exampleThreshold(name: MetricName): string {
  const spec = metricSpec(name);
  if (spec.kind === 'value') return spec.value === 'duration' ? 'value<30s' : 'value>=500';
  if (spec.value === 'duration') return 'p(99)<500ms';
  if (spec.value === 'fraction') return 'rate<0.001';
  return spec.kind === 'gauge' ? 'max<10000' : 'count==0';
}

/** One line of help for a metric's threshold expressions (editor hover text). */
export function thresholdHelp(name: MetricName): string {
  const spec = metricSpec(name);
  const words = spec.aggregations.map(aggregationLabel);
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : (words[0] ?? '');
  const against =
    spec.value === 'duration'
      ? 'a duration with a unit'
      : spec.value === 'fraction'
        ? 'a fraction between 0 and 1'
        : spec.kind === 'counter'
          ? 'a plain number (rate is per second)'
          : 'a plain number';
  return `${list} compared with ${against}, e.g. ${exampleThreshold(name)}`;
}
