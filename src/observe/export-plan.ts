/**
 * What `doctor --export` writes: the snapshots doctor took of a live cluster turned into a plan
 * that replays them on a local cluster. Topics with their queue counts, one consumer fleet per
 * group with an instance per client the brokers listed (each with its own subscriptions, push or
 * pull, clustering or broadcasting), a producer per topic at the rate its queues grew during the
 * window, the broker settings that matter, and `expect` listing doctor's findings the plan's
 * shape reproduces. Pure: the caller reads the cluster, this decides the plan, and every guess or
 * omission becomes a line of the header so the file says what it could not carry.
 */
import type { ConfValue } from '../cluster/server-conf/conf-keys.ts';
import { PLAN_LIMITS as L } from '../plan/defaults.ts';
import { FLEET_NAME, GROUP_NAME } from '../plan/schema-names.ts';
import { formatDuration } from '../plan/units.ts';
import { exportBrokerConfig } from './export-broker-config.ts';
import { consumerOf, type ExportedConsumer, instancesOf } from './export-consumers.ts';
import { putRate, queueCount, roundedRate } from './export-traffic.ts';
import { subscribedLast } from './export-subscription-order.ts';
import type { ClusterSnapshot } from './snapshot.ts';

/**
 * Why a finding of doctor's is not among the plan's expectations: the plan's shape (topics,
 * subscriptions, rates) makes only inconsistent-subscription for certain, and unconsumed-queues
 * when instances subscribe different topics. The rest depend on what the export cannot see.
 */
const NOT_EXPECTED_BECAUSE: Readonly<Record<string, string>> = {
  'unconsumed-queues':
    'its instances subscribe the same topics, so it came from which tags fell on which queue, ' +
    'which the replay picks at random',
  'stale-consumer': 'it needs a client that stops answering (add a pause fault)',
  'broker-without-consumers': 'it needs consumers cut off a broker (add a network.down fault)',
  'backlog-growth': 'it depends on how fast the clients consume, which doctor cannot see',
};

/** Whether a replay of the plan's shape makes the finding again: see NOT_EXPECTED_BECAUSE. */
export function reproducible(id: string, topicsDiffer: boolean): boolean {
  return id === 'inconsistent-subscription' || (id === 'unconsumed-queues' && topicsDiffer);
}

/** Phases of the exported plan: long enough for a diagnosis to persist (8 s) and for a backlog to show. */
export const EXPORT_PHASES = { warmup: '5s', load: '30s', drain: '20s' } as const;

export interface PlanExportInput {
  namesrv: string;
  /** Doctor's snapshots in the order taken; at least one. */
  snapshots: readonly ClusterSnapshot[];
  /** Doctor's findings (id and group are what the plan needs). */
  findings: readonly { id: string; group: string }[];
  /** GET_BROKER_CONFIG of each master that answered. */
  brokerConfigs: readonly { broker: string; config: Readonly<Record<string, string>> }[];
}

export interface ExportedProducer {
  name: string;
  topic: string;
  rate: string;
  tags?: Record<string, number>;
}

export interface ExportedFault {
  action: 'restart';
  target: string;
  phase: 'load';
  at: string;
}

/** The plan as written (units as strings), in the key order a reader expects. */
export interface ExportedPlanDocument {
  description: string;
  cluster: { provider: 'local'; brokers: number; brokerConfig?: Record<string, ConfValue> };
  topics: { name: string; queues: number }[];
  fleets: { producers?: ExportedProducer[]; consumers: ExportedConsumer[] };
  phases: typeof EXPORT_PHASES;
  faults?: ExportedFault[];
  expect?: {
    diagnoses: { id: string; group: string }[];
    others: 'report';
    invariants: { 'no-loss': 'off'; 'broadcast-complete': 'off' };
  };
}

export interface PlanExport {
  plan: ExportedPlanDocument;
  /** Comment lines for the top of the file: where it came from, when, what was estimated or left out. */
  header: string[];
  /** A comment for one value of the plan (how a number was estimated), by its path. */
  comments: { path: (string | number)[]; text: string }[];
}

/** Thrown when what doctor saw cannot make a plan (no group with a usable client). */
export class NothingToExportError extends Error {}

export function exportPlan(input: PlanExportInput): PlanExport {
  const first = input.snapshots[0];
  const last = input.snapshots[input.snapshots.length - 1];
  if (!first || !last) throw new NothingToExportError('no consumer group has an online consumer');
  const notes: string[] = [];
  const kept: string[] = [];
  const comments: PlanExport['comments'] = [];
  const names = new UniqueNames();

  const consumers: ExportedConsumer[] = [];
  const faults: ExportedFault[] = [];
  const exportedGroups: string[] = [];
  /** Groups whose instances subscribe different sets of topics. */
  const topicsDiffer = new Set<string>();
  const topicTags = new Map<string, Set<string>>();
  for (const group of last.groups) {
    if (!GROUP_NAME.test(group.group) || group.group.length > L.groupNameLength) {
      notes.push(`group ${group.group} left out: a plan's group names are letters, digits, "_" and "-"`);
      continue;
    }
    if (group.pop) {
      // What each gRPC client subscribes is not visible (no running info through a proxy): a
      // replay would have to guess every instance's expression.
      notes.push(
        `group ${group.group} left out: consumed by pop through a proxy (gRPC clients), whose subscriptions ` +
          'nothing reports',
      );
      continue;
    }
    const instances = instancesOf(group, notes);
    if (instances.length === 0) {
      if (group.clients.length > 0)
        notes.push(`group ${group.group} left out: no client with a subscription a plan can write`);
      continue;
    }
    if (instances.length > L.instances.max) {
      notes.push(`group ${group.group}: ${instances.length} clients, the plan keeps the first ${L.instances.max}`);
      instances.length = L.instances.max;
    }
    const fleet = names.take(group.group);
    consumers.push(consumerOf(fleet, group, instances));
    exportedGroups.push(group.group);
    if (new Set(instances.map((i) => Object.keys(i.subscription).sort().join('\u0000'))).size > 1)
      topicsDiffer.add(group.group);
    for (const instance of instances)
      for (const [topic, tags] of instance.tags) {
        const set = topicTags.get(topic) ?? new Set<string>();
        for (const tag of tags) set.add(tag);
        topicTags.set(topic, set);
      }
    const order = subscribedLast(group, instances);
    if (order.note) notes.push(order.note);
    const targets = order.indexes.map((index) => `${fleet}#${index}`);
    for (const target of targets) {
      comments.push({
        path: ['faults', faults.length],
        text: "the brokers filter with this instance's expression: it subscribes last",
      });
      faults.push({ action: 'restart', target, phase: 'load', at: '0s' });
    }
    if (targets.length > 0)
      kept.push(
        `${group.group}: the brokers filter with ${order.held.join(', ')}, the expression of ${targets.join(', ')}: ` +
          'a restart at the start of load makes it subscribe last in the replay too (faults).',
      );
  }
  if (consumers.length === 0)
    throw new NothingToExportError('no consumer group with a client whose subscription a plan can write');

  const topics = [...topicTags.keys()].sort();
  const windowMs = last.at - first.at;
  const producers: ExportedProducer[] = [];
  for (const topic of topics) {
    const put = putRate(topic, first, last);
    if (put === undefined) {
      notes.push(
        windowMs > 0
          ? `no message was put on ${topic} during the ${formatDuration(windowMs)} window: no producer for it`
          : `${topic}: one snapshot gives no rate (use a --window above 0s): no producer for it`,
      );
      continue;
    }
    const tags = [...(topicTags.get(topic) ?? [])].sort();
    comments.push({
      path: ['fleets', 'producers', producers.length, 'rate'],
      text: `${put.messages} messages put in ${formatDuration(put.ms)} (the growth of the queues' max offsets)`,
    });
    producers.push({
      name: names.take(`${topic}-producer`),
      topic,
      rate: roundedRate(put.perSecond),
      ...(tags.length > 0 ? { tags: Object.fromEntries(tags.map((t) => [t, 1])) } : {}),
    });
  }

  const brokers = Math.min(Math.max(last.brokers.length, L.brokers.min), L.brokers.max);
  if (last.brokers.length > L.brokers.max)
    notes.push(`${last.brokers.length} masters, the plan starts ${L.brokers.max} (the local provider's most)`);
  const config = exportBrokerConfig(input.brokerConfigs);
  notes.push(...config.notes);

  const expected = dedupe(
    input.findings.filter((f) => exportedGroups.includes(f.group) && reproducible(f.id, topicsDiffer.has(f.group))),
  );
  for (const f of dedupe(input.findings.filter((f) => !expected.some((e) => e.id === f.id && e.group === f.group))))
    notes.push(
      `doctor's ${f.id} on ${f.group} is not expected: ` +
        (exportedGroups.includes(f.group)
          ? (NOT_EXPECTED_BECAUSE[f.id] ?? "it is not part of the plan's shape")
          : 'the group is not in the plan'),
    );

  const plan: ExportedPlanDocument = {
    description: describe(input.namesrv, first.at, exportedGroups, expected),
    cluster: {
      provider: 'local',
      brokers,
      ...(Object.keys(config.entries).length > 0 ? { brokerConfig: config.entries } : {}),
    },
    topics: topics.map((name) => ({ name, queues: queueCount(name, last, notes) })),
    fleets: { ...(producers.length > 0 ? { producers } : {}), consumers },
    phases: EXPORT_PHASES,
    ...(faults.length > 0 ? { faults } : {}),
    ...(expected.length > 0
      ? {
          expect: {
            diagnoses: expected,
            others: 'report' as const,
            invariants: { 'no-loss': 'off' as const, 'broadcast-complete': 'off' as const },
          },
        }
      : {}),
  };
  return {
    plan,
    comments,
    header: header(input, windowMs, last, producers.length > 0, expected.length > 0, { kept, notes }),
  };
}

function header(
  input: PlanExportInput,
  windowMs: number,
  last: ClusterSnapshot,
  estimatedRates: boolean,
  expects: boolean,
  { kept, notes }: { kept: readonly string[]; notes: readonly string[] },
): string[] {
  const at = new Date(input.snapshots[0]!.at).toISOString();
  const lines = [
    `Exported by \`rmq-chaos doctor --export\` from the cluster at ${input.namesrv} on ${at}`,
    `(${input.snapshots.length} snapshot${input.snapshots.length === 1 ? '' : 's'} over ${formatDuration(windowMs)}; ` +
      `masters ${last.brokers.map((b) => b.name).join(', ')}, replayed as broker-a, broker-b, ... in that order).`,
    `Doctor found: ${
      input.findings.length === 0
        ? 'nothing'
        : dedupe(input.findings)
            .map((f) => `${f.id} (${f.group})`)
            .join(', ')
    }.`,
    'Run it on a local cluster: npm run plan <this file>.',
    '',
    'Kept: topics and queues per broker; per group one instance per client the brokers listed, in client-id',
    'order (the order queues are allocated in), each with the subscriptions its running info reported;',
    'clustering or broadcasting; push, or pull for clients that consume actively.',
    ...kept,
    'Estimated:',
  ];
  if (estimatedRates)
    lines.push(
      "- producer rates: growth of the topic's max offsets (all queues, all masters) between the first and",
      '  last snapshot, divided by the time between them; rounded.',
      '- tags: each tag the subscriptions name, in equal shares (doctor reads no messages: the mix is unknown).',
    );
  else lines.push('- nothing: no topic grew during the window, so the plan has no producers.');
  lines.push(
    "- clients run on the node driver (fleets.consumers[].driver: java for RocketMQ's own client), with the",
    '  default consume time and message size.',
  );
  if (expects)
    lines.push(
      'expect lists the findings the plan reproduces; loss invariants are off because doctor cannot count loss.',
    );
  if (notes.length > 0) lines.push('Not reproduced, or changed:', ...notes.map((n) => `- ${n}`));
  return lines;
}

function describe(
  namesrv: string,
  at: number,
  groups: readonly string[],
  expected: readonly { id: string; group: string }[],
): string {
  const found = expected.length > 0 ? ` It must show ${expected.map((f) => `${f.id} on ${f.group}`).join(', ')}.` : '';
  return (
    `Replays what doctor saw on ${namesrv} at ${new Date(at).toISOString()}: consumer group` +
    `${groups.length === 1 ? '' : 's'} ${groups.join(', ')}, their clients' subscriptions and the topics' ` +
    `traffic.${found}`
  );
}

function dedupe(findings: readonly { id: string; group: string }[]): { id: string; group: string }[] {
  const seen = new Set<string>();
  return findings.flatMap((f) => {
    const key = `${f.id}\u0000${f.group}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ id: f.id, group: f.group }];
  });
}

/** Fleet names: lowercase letters, digits and dashes, unique across producers and consumers. */
class UniqueNames {
  private readonly taken = new Set<string>();

  take(from: string): string {
    const base =
      from
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 60) || 'fleet';
    let name = FLEET_NAME.test(base) ? base : `f-${base}`;
    for (let n = 2; this.taken.has(name); n++) name = `${base}-${n}`;
    this.taken.add(name);
    return name;
  }
}
