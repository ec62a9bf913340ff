/**
 * doctor's snapshots → a runnable plan (`doctor --export`), without a cluster: what each part of
 * a snapshot becomes in the plan, what the header says was estimated or left out, and (property)
 * that any group of clients with any tag subscriptions exports to a plan that validates and
 * resolves to the same subscription per instance.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportBrokerConfig } from '../../../src/observe/export-broker-config.ts';
import { NothingToExportError, exportPlan, type PlanExportInput } from '../../../src/observe/export-plan.ts';
import { exportedPlanYaml } from '../../../src/observe/export-plan-yaml.ts';
import type { ClientView, ClusterSnapshot, GroupSnapshot } from '../../../src/observe/snapshot.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';

const BROKER = 'prod-broker-1';

function client(clientId: string, subs: Record<string, string>, extra: Partial<ClientView> = {}): ClientView {
  return {
    clientId,
    addr: `${clientId}:1`,
    language: 'JAVA',
    version: 475,
    brokers: [BROKER],
    subscriptions: [
      ...Object.entries(subs).map(([topic, expression]) => ({
        topic,
        expression,
        tags: expression === '*' ? [] : expression.split('||').map((t) => t.trim()),
      })),
      { topic: '%RETRY%billing', expression: '*', tags: [] },
    ],
    ...extra,
  };
}

function group(
  clients: ClientView[],
  options: { held?: Record<string, string>; offsets?: number[]; topics?: string[]; group?: string } = {},
): GroupSnapshot {
  const topics = options.topics ?? ['orders'];
  return {
    group: options.group ?? 'billing',
    messageModel: 'CLUSTERING',
    brokers: [
      {
        broker: BROKER,
        addr: '10.0.0.1:10911',
        clientIds: clients.map((c) => c.clientId),
        subscriptions: Object.entries(options.held ?? {}).map(([topic, expression]) => ({ topic, expression })),
      },
    ],
    clients,
    queues: topics.flatMap((topic) =>
      (options.offsets ?? [0, 0, 0, 0]).map((brokerOffset, queueId) => ({
        topic,
        broker: BROKER,
        queueId,
        brokerOffset,
        consumerOffset: 0,
        lastTimestamp: 0,
      })),
    ),
    topicQueues: Object.fromEntries(
      topics.map((topic) => [topic, [0, 1, 2, 3].map((queueId) => ({ topic, broker: BROKER, queueId }))]),
    ),
  };
}

function snapshot(at: number, groups: GroupSnapshot[]): ClusterSnapshot {
  return { at, brokers: [{ name: BROKER, addr: '10.0.0.1:10911' }], groups, errors: [] };
}

const AT = Date.UTC(2026, 11, 7, 5, 0, 0);

/** Two instances of billing on orders, TagA and TagA || TagB; 42 messages put in 10 s. */
function tagDrift(held = 'TagA'): PlanExportInput {
  const clients = [client('10.1.1.1@narrow', { orders: 'TagA' }), client('10.1.1.2@wide', { orders: 'TagA || TagB' })];
  return {
    namesrv: '10.0.0.9:9876',
    snapshots: [
      snapshot(AT, [group(clients, { held: { orders: held }, offsets: [100, 100, 100, 100] })]),
      snapshot(AT + 10_000, [group(clients, { held: { orders: held }, offsets: [110, 110, 110, 112] })]),
    ],
    findings: [
      { id: 'inconsistent-subscription', group: 'billing' },
      { id: 'stale-consumer', group: 'billing' },
    ],
    brokerConfigs: [{ broker: BROKER, config: { channelExpiredTimeout: '40000', flushDiskType: 'SYNC_FLUSH' } }],
  };
}

describe('doctor --export: snapshots to a plan', () => {
  it('maps the tag drift: one fleet, an override for the other expression, the rate, tags, settings', () => {
    const { plan, header } = exportPlan(tagDrift());
    expect(plan.cluster).toEqual({
      provider: 'local',
      brokers: 1,
      brokerConfig: { channelExpiredTimeout: 40000, flushDiskType: 'SYNC_FLUSH' },
    });
    expect(plan.topics).toEqual([{ name: 'orders', queues: 4 }]);
    expect(plan.fleets.consumers).toEqual([
      {
        name: 'billing',
        group: 'billing',
        instances: 2,
        subscription: { orders: 'TagA' },
        overrides: [{ instances: [1], subscription: { orders: 'TagA || TagB' } }],
      },
    ]);
    // 42 messages in 10 s: 4.2/s, rounded.
    expect(plan.fleets.producers).toEqual([
      { name: 'orders-producer', topic: 'orders', rate: '4/s', tags: { TagA: 1, TagB: 1 } },
    ]);
    expect(plan.expect?.diagnoses).toEqual([{ id: 'inconsistent-subscription', group: 'billing' }]);
    const text = header.join('\n');
    expect(text).toContain('from the cluster at 10.0.0.9:9876 on 2026-12-07T05:00:00.000Z');
    expect(text).toContain(
      "doctor's stale-consumer on billing is not expected: it needs a client that stops answering",
    );
    expect(text).toContain('masters prod-broker-1, replayed as broker-a');
  });

  it('has the instance whose expression the broker filters with subscribe last, whichever it is', () => {
    expect(exportPlan(tagDrift('TagA')).plan.faults).toEqual([
      { action: 'restart', target: 'billing#0', phase: 'load', at: '0s' },
    ]);
    expect(exportPlan(tagDrift('TagB || TagA')).plan.faults).toEqual([
      { action: 'restart', target: 'billing#1', phase: 'load', at: '0s' },
    ]);
    const { plan, header } = exportPlan(tagDrift('TagC'));
    expect(plan.faults).toBeUndefined();
    expect(header.join('\n')).toContain('billing: which instance subscribed last is not reproduced');
  });

  it('expects unconsumed-queues only when instances subscribe different topics', () => {
    const clients = [client('a', { orders: '*' }), client('b', { orders: '*', refunds: '*' })];
    const input: PlanExportInput = {
      namesrv: '10.0.0.9:9876',
      snapshots: [snapshot(AT, [group(clients, { topics: ['orders', 'refunds'] })])],
      findings: [
        { id: 'inconsistent-subscription', group: 'billing' },
        { id: 'unconsumed-queues', group: 'billing' },
      ],
      brokerConfigs: [],
    };
    const { plan, header } = exportPlan(input);
    expect(plan.expect?.diagnoses.map((d) => d.id)).toEqual(['inconsistent-subscription', 'unconsumed-queues']);
    expect(plan.topics.map((t) => t.name)).toEqual(['orders', 'refunds']);
    expect(plan.faults).toBeUndefined();
    // One snapshot: no rate, so no producer, and the header says why.
    expect(plan.fleets.producers).toBeUndefined();
    expect(header.join('\n')).toContain('orders: one snapshot gives no rate');

    const sameTopics = exportPlan({ ...tagDrift(), findings: [{ id: 'unconsumed-queues', group: 'billing' }] });
    expect(sameTopics.plan.expect).toBeUndefined();
    expect(sameTopics.header.join('\n')).toContain('which tags fell on which queue');
  });

  it('keeps broadcasting and pull consumers; a client without running info subscribes the broker table', () => {
    const clients = [
      client('a', { orders: 'TagA' }, { consumeType: 'CONSUME_ACTIVELY' }),
      client('b', {}, { subscriptions: undefined, runningInfoError: 'timed out' }),
    ];
    const g = { ...group(clients, { held: { orders: 'TagA' } }), messageModel: 'BROADCASTING' };
    const { plan, header } = exportPlan({
      namesrv: 'n:9876',
      snapshots: [snapshot(AT, [g])],
      findings: [],
      brokerConfigs: [],
    });
    expect(plan.fleets.consumers).toEqual([
      {
        name: 'billing',
        group: 'billing',
        instances: 2,
        model: 'broadcasting',
        mode: 'pull',
        subscription: { orders: 'TagA' },
        overrides: [{ instances: [1], mode: 'push' }],
      },
    ]);
    expect(header.join('\n')).toContain(
      "client b did not answer for its running info (timed out); it subscribes what the broker's table holds",
    );
    expect(plan.expect).toBeUndefined();
  });

  it('leaves out what a plan cannot write, and says so; no usable group is an error', () => {
    const clients = [client('a', { orders: 'a > 1' })];
    const input = { namesrv: 'n:9876', snapshots: [snapshot(AT, [group(clients)])], findings: [], brokerConfigs: [] };
    expect(() => exportPlan(input)).toThrow(NothingToExportError);
    expect(() => exportPlan({ ...input, snapshots: [snapshot(AT, [])] })).toThrow(NothingToExportError);
    const odd = group([client('a', { orders: '*' })], { group: 'GID.odd' });
    const { header } = exportPlan({
      ...input,
      snapshots: [snapshot(AT, [odd, group([client('b', { orders: '*' })])])],
    });
    expect(header.join('\n')).toContain('group GID.odd left out');
  });

  it("leaves a pop group out (its gRPC clients' subscriptions are not visible) and says so", () => {
    const pop = { ...group([client('vm@1@0@x', {}, { via: 'pop', brokers: [] })], { group: 'pop-billing' }) };
    pop.pop = { proxies: [{ addr: '10.0.0.9:8080', clientIds: ['vm@1@0@x'], subscriptions: [] }] };
    const input = { namesrv: 'n:9876', findings: [], brokerConfigs: [] };
    expect(() => exportPlan({ ...input, snapshots: [snapshot(AT, [pop])] })).toThrow(NothingToExportError);
    const { header, plan } = exportPlan({
      ...input,
      snapshots: [snapshot(AT, [pop, group([client('b', { orders: '*' })])])],
    });
    expect(header.join('\n')).toContain('group pop-billing left out: consumed by pop through a proxy');
    expect(plan.fleets.consumers.map((c) => c.group)).toEqual(['billing']);
  });

  it('the YAML starts with the header as comments and validates', () => {
    const text = exportedPlanYaml(exportPlan(tagDrift()));
    expect(text.split('\n')[0]).toMatch(
      /^# Exported by `rmq-chaos doctor --export` from the cluster at 10\.0\.0\.9:9876/,
    );
    expect(text).toContain('subscription: { orders: TagA }');
    expect(text).toContain("rate: 4/s # 42 messages put in 10s (the growth of the queues' max offsets)");
    const plan = loadPlanText(text, 'exported.yaml');
    expect(plan.fleets.consumers[0]!.perInstance.map((i) => i.subscriptions.map((s) => s.expression))).toEqual([
      ['TagA'],
      ['TagA || TagB'],
    ]);
    expect(plan.faults.map((f) => [f.action, f.phase, f.occurrences[0]!.targets])).toEqual([
      ['restart', 'load', ['billing#0']],
    ]);
  });

  it('property: any clients with any tag subscriptions export to a valid plan with each instance as seen', () => {
    const expression = fc.oneof(
      fc.constant('*'),
      fc
        .uniqueArray(fc.constantFrom('TagA', 'TagB', 'TagC'), { minLength: 1, maxLength: 3 })
        .map((t) => t.join(' || ')),
    );
    const subs = fc.dictionary(fc.constantFrom('orders', 'refunds', 'audit_log'), expression, {
      minKeys: 1,
      maxKeys: 3,
    });
    const groupArb = fc.record({
      clients: fc.array(subs, { minLength: 1, maxLength: 5 }),
      pulls: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      grown: fc.array(fc.nat(50), { minLength: 4, maxLength: 4 }),
    });
    fc.assert(
      fc.property(groupArb, ({ clients, pulls, grown }) => {
        const views = clients.map((s, i) =>
          client(`10.0.0.${i}@c${i}`, s, pulls[i] ? { consumeType: 'CONSUME_ACTIVELY' } : {}),
        );
        const topics = [...new Set(clients.flatMap((s) => Object.keys(s)))].sort();
        const held = Object.fromEntries(topics.map((t) => [t, clients.find((s) => s[t])![t]!]));
        const text = exportedPlanYaml(
          exportPlan({
            namesrv: 'n:9876',
            snapshots: [
              snapshot(AT, [group(views, { topics, held })]),
              snapshot(AT + 3000, [group(views, { topics, held, offsets: grown })]),
            ],
            findings: [{ id: 'inconsistent-subscription', group: 'billing' }],
            brokerConfigs: [],
          }),
        );
        const plan = loadPlanText(text, 'exported.yaml');
        const fleet = plan.fleets.consumers[0]!;
        expect(
          fleet.perInstance.map((i) => Object.fromEntries(i.subscriptions.map((s) => [s.topic, s.expression]))),
        ).toEqual(clients);
        expect(fleet.perInstance.map((i) => i.mode)).toEqual(clients.map((_, i) => (pulls[i] ? 'pull' : 'push')));
      }),
      { numRuns: 60 },
    );
  });
});

describe('doctor --export: broker settings', () => {
  it('converts the exported keys, notes where brokers differ, leaves out the rest', () => {
    const result = exportBrokerConfig([
      {
        broker: 'b1',
        config: { channelExpiredTimeout: '40000', longPollingEnable: 'false', brokerName: 'b1', listenPort: '10911' },
      },
      { broker: 'b2', config: { channelExpiredTimeout: '120000', longPollingEnable: 'false' } },
    ]);
    expect(result.entries).toEqual({ channelExpiredTimeout: 40000, longPollingEnable: false });
    expect(result.notes).toEqual([
      "brokers differ on channelExpiredTimeout (b1: 40000, b2: 120000); the plan sets b1's for every broker",
    ]);
    expect(exportBrokerConfig([{ broker: 'b1', config: { flushDiskType: 'SOMETIMES' } }]).notes[0]).toMatch(
      /^broker flushDiskType=SOMETIMES left out: expected one of/,
    );
  });
});
