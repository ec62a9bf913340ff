/**
 * The run's metrics as labelled series for the pull and push outputs (`prometheus`, `otlp`):
 * counters that only grow (totals since the run started) and gauges (the latest level). One
 * definition of names, units and labels serves both exporters, so a dashboard built on one
 * reads the other. The names are stable: dashboards and alerts are written against them.
 *
 * A consumer instance (`billing#0`, the plan's instance id) is labelled `instance_id`, not
 * `instance`: Prometheus gives every scraped series an `instance` label of its own (the target)
 * and would rename ours to `exported_instance`.
 *
 * Fed by the run as it goes: each 1 s time-series row (counts, ledger backlog, latency
 * percentiles), each run event (phase, fault begin/end) and each broker snapshot (lag per
 * queue, who holds which queue, consumers per broker).
 */
import { queueLag } from '../../checks/diagnoses/group-view.ts';
import type { Percentiles } from '../../metrics/histogram.ts';
import type { TimeSeriesRow } from '../../metrics/time-series-row.ts';
import type { ClusterSnapshot } from '../../observe/snapshot.ts';
import type { RunEvent } from '../../result/run-event.ts';

export type MetricKind = 'counter' | 'gauge';

export interface RunMetricDefinition {
  /** Without Prometheus's `_total` (its exporter adds it to counters). */
  name: string;
  kind: MetricKind;
  help: string;
  /** UCUM, as OpenTelemetry wants it: `{message}`, `s`. */
  unit: string;
  labels: readonly string[];
}

const LATENCY_STATS = ['p50', 'p90', 'p99', 'max'] as const;

export const RUN_METRICS = [
  {
    name: 'rmq_chaos_sent',
    kind: 'counter',
    unit: '{message}',
    labels: [],
    help: 'Sends attempted by the producer fleets.',
  },
  { name: 'rmq_chaos_acked', kind: 'counter', unit: '{message}', labels: [], help: 'Sends the broker acknowledged.' },
  { name: 'rmq_chaos_send_errors', kind: 'counter', unit: '{message}', labels: [], help: 'Sends that failed.' },
  {
    name: 'rmq_chaos_dropped',
    kind: 'counter',
    unit: '{message}',
    labels: [],
    help: 'Sends never attempted: the producer had its maximum in flight when one was due.',
  },
  {
    name: 'rmq_chaos_received',
    kind: 'counter',
    unit: '{message}',
    labels: ['group', 'fleet', 'instance_id'],
    help: "Deliveries of this run's messages, duplicates included, per consumer instance.",
  },
  {
    name: 'rmq_chaos_received_by_tag',
    kind: 'counter',
    unit: '{message}',
    labels: ['tag'],
    help: 'Deliveries per message tag ("(no tag)" for untagged): how a subscription drift shows.',
  },
  {
    name: 'rmq_chaos_duplicates',
    kind: 'counter',
    unit: '{message}',
    labels: [],
    help: 'Deliveries of a message its group had already received.',
  },
  {
    name: 'rmq_chaos_backlog',
    kind: 'gauge',
    unit: '{message}',
    labels: ['group', 'instance_id'],
    help: "Acked, not yet received, by the harness's ledger (instance set for broadcasting groups).",
  },
  {
    name: 'rmq_chaos_broker_lag',
    kind: 'gauge',
    unit: '{message}',
    labels: ['group', 'broker', 'topic', 'queue'],
    help: "The broker's lag of the group per queue: max offset minus committed offset.",
  },
  {
    name: 'rmq_chaos_queue_owner',
    kind: 'gauge',
    unit: '1',
    labels: ['group', 'broker', 'topic', 'queue', 'fleet', 'instance_id'],
    help: 'Queues each consumer instance reports holding (1); the assignment as the clients see it.',
  },
  {
    name: 'rmq_chaos_broker_consumers',
    kind: 'gauge',
    unit: '{client}',
    labels: ['group', 'broker'],
    help: 'Consumer clients of the group each broker has a connection from (0: no consumer on that broker).',
  },
  {
    name: 'rmq_chaos_e2e_latency_seconds',
    kind: 'gauge',
    unit: 's',
    labels: ['stat'],
    help: `Send to delivery over the last 1 s interval, per statistic (${LATENCY_STATS.join(', ')}).`,
  },
  {
    name: 'rmq_chaos_send_latency_seconds',
    kind: 'gauge',
    unit: 's',
    labels: ['stat'],
    help: `Send to acknowledgement over the last 1 s interval, per statistic (${LATENCY_STATS.join(', ')}).`,
  },
  {
    name: 'rmq_chaos_fault_active',
    kind: 'gauge',
    unit: '1',
    labels: ['fault', 'action', 'target'],
    help: "Occurrences of a plan's fault in effect now (0 once healed).",
  },
  {
    name: 'rmq_chaos_phase',
    kind: 'gauge',
    unit: '1',
    labels: ['phase'],
    help: 'The run phase now (1), and the phases it has left (0).',
  },
] as const satisfies readonly RunMetricDefinition[];

export type RunMetricName = (typeof RUN_METRICS)[number]['name'];
type LabelsOf<N extends RunMetricName> = Extract<(typeof RUN_METRICS)[number], { name: N }>['labels'][number];

export type Labels = Readonly<Record<string, string>>;

export interface Series {
  labels: Labels;
  value: number;
}

/** Fleet instances are named `<fleet>#<n>`; a client id is `<ip>@<instance>`. */
function fleetOf(instance: string): string {
  const hash = instance.lastIndexOf('#');
  return hash < 0 ? instance : instance.slice(0, hash);
}

export class RunMetrics {
  private readonly series = new Map<RunMetricName, Map<string, Series>>(
    RUN_METRICS.map((m) => [m.name, new Map<string, Series>()]),
  );

  /** `groupOfFleet`: each consumer fleet's group (rows count deliveries per instance only). */
  constructor(private readonly groupOfFleet: Readonly<Record<string, string>>) {}

  /** The series of one metric, in the order they first appeared. */
  read(name: RunMetricName): Series[] {
    return [...(this.series.get(name)?.values() ?? [])];
  }

  row(row: TimeSeriesRow): void {
    this.add('rmq_chaos_sent', {}, row.sent);
    this.add('rmq_chaos_acked', {}, row.acked);
    this.add('rmq_chaos_send_errors', {}, row.sendErrors);
    this.add('rmq_chaos_dropped', {}, row.dropped);
    this.add('rmq_chaos_duplicates', {}, row.duplicates);
    for (const [instance, n] of Object.entries(row.perInstance))
      this.add(
        'rmq_chaos_received',
        { group: this.groupOfFleet[fleetOf(instance)] ?? '', fleet: fleetOf(instance), instance_id: instance },
        n,
      );
    for (const [tag, n] of Object.entries(row.receivedByTag))
      this.add('rmq_chaos_received_by_tag', { tag: tag === '' ? '(no tag)' : tag }, n);
    for (const [scope, n] of Object.entries(row.backlogByScope)) {
      // A broadcasting group's scope is `group/instance`: each instance owes every message.
      const slash = scope.indexOf('/');
      const labels =
        slash < 0
          ? { group: scope, instance_id: '' }
          : { group: scope.slice(0, slash), instance_id: scope.slice(slash + 1) };
      this.set('rmq_chaos_backlog', labels, n);
    }
    this.latency('rmq_chaos_e2e_latency_seconds', row.e2e);
    this.latency('rmq_chaos_send_latency_seconds', row.send);
  }

  event(event: RunEvent): void {
    if (event.type === 'phase' && typeof event.phase === 'string') {
      for (const s of this.read('rmq_chaos_phase')) s.value = 0;
      this.set('rmq_chaos_phase', { phase: event.phase }, 1);
    } else if (event.type === 'fault-begin' || event.type === 'fault-end') {
      const labels = {
        fault: String(event.fault ?? ''),
        action: String(event.action ?? ''),
        target: String(event.target ?? ''),
      };
      const now = this.get('rmq_chaos_fault_active', labels);
      this.set('rmq_chaos_fault_active', labels, Math.max(0, now + (event.type === 'fault-begin' ? 1 : -1)));
    }
  }

  snapshot(snapshot: ClusterSnapshot): void {
    // Owners are as of this snapshot: a queue no longer held drops to 0 rather than vanishing,
    // so a graph shows the hand-over.
    for (const s of this.read('rmq_chaos_queue_owner')) s.value = 0;
    for (const group of snapshot.groups) {
      for (const q of group.queues)
        this.set(
          'rmq_chaos_broker_lag',
          { group: group.group, broker: q.broker, topic: q.topic, queue: String(q.queueId) },
          queueLag(q),
        );
      // A pop group's gRPC clients register with the proxy, never with a broker: 0 would say "none here".
      for (const broker of group.pop ? [] : group.brokers)
        if (broker.error === undefined)
          this.set(
            'rmq_chaos_broker_consumers',
            { group: group.group, broker: broker.broker },
            broker.clientIds.length,
          );
      for (const client of group.clients) {
        const instance = client.clientId.slice(client.clientId.indexOf('@') + 1);
        for (const q of client.queues ?? [])
          this.set(
            'rmq_chaos_queue_owner',
            {
              group: group.group,
              broker: q.broker,
              topic: q.topic,
              queue: String(q.queueId),
              fleet: fleetOf(instance),
              instance_id: instance,
            },
            1,
          );
      }
    }
  }

  private latency(name: 'rmq_chaos_e2e_latency_seconds' | 'rmq_chaos_send_latency_seconds', p: Percentiles): void {
    for (const stat of LATENCY_STATS) {
      const ms = p[stat];
      if (ms !== null) this.set(name, { stat }, ms / 1000);
    }
  }

  private entry<N extends RunMetricName>(name: N, labels: Record<LabelsOf<N>, string>): Series {
    const map = this.series.get(name) as Map<string, Series>;
    const key = JSON.stringify(labels);
    let series = map.get(key);
    if (!series) {
      series = { labels, value: 0 };
      map.set(key, series);
    }
    return series;
  }

  private get<N extends RunMetricName>(name: N, labels: Record<LabelsOf<N>, string>): number {
    return this.entry(name, labels).value;
  }

  private add<N extends RunMetricName>(name: N, labels: Record<LabelsOf<N>, string>, n: number): void {
    this.entry(name, labels).value += n;
  }

  private set<N extends RunMetricName>(name: N, labels: Record<LabelsOf<N>, string>, value: number): void {
    this.entry(name, labels).value = value;
  }
}
