/**
 * The rules on pop groups (gRPC clients through a proxy), with snapshots built by hand the way
 * collectSnapshot records them: the proxy lists the clients, no broker lists any, nobody holds
 * a queue; in runs each client carries the subscriptions the run gave its instance, in doctor
 * none, and each broker's latest-pop expression is all there is.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/checks/diagnoses/index.ts';
import type { ClientView, GroupSnapshot, ProcessState } from '../../../src/observe/snapshot.ts';
import { group as remotingGroup, over, queues } from './snapshot-builder.ts';

const T = [0, 3000, 6000, 9000, 12000];
const PROXY = '127.0.0.1:8080';

interface PopClient {
  instance: string;
  /** Topic → tag expression the run gave it; null: unknown (doctor). */
  subs: Record<string, string> | null;
  process?: ProcessState;
}

function popGroup(spec: {
  clients: PopClient[];
  topics: Record<string, number>;
  /** The broker's latest-pop expression per topic (several: what the snapshot's samples saw, in order). */
  lastPop?: Record<string, string | string[]>;
  lag?: number;
  proxyTable?: Record<string, string>;
}): GroupSnapshot {
  const clients: ClientView[] = spec.clients.map((c, i) => ({
    clientId: `vm@${100 + i}@0@mxd4${i}`,
    via: 'pop',
    addr: '127.0.0.1:50000',
    language: 'HTTP',
    version: 479,
    brokers: [],
    proxies: [PROXY],
    ...(c.subs === null
      ? {}
      : {
          instance: c.instance,
          subscriptionsFrom: 'plan' as const,
          subscriptions: Object.entries(c.subs).map(([topic, expression]) => ({
            topic,
            expression,
            tags: expression === '*' ? [] : expression.split('||').map((t) => t.trim()),
          })),
          process: c.process ?? 'running',
        }),
  }));
  const topicQueues = Object.fromEntries(
    Object.entries(spec.topics).map(([topic, n]) => [topic, queues(topic, ['broker-a'], n)]),
  );
  const table = Object.entries(spec.proxyTable ?? {}).map(([topic, expression]) => ({ topic, expression }));
  return {
    group: 'billing',
    pop: {
      proxies: [{ addr: PROXY, clientIds: clients.map((c) => c.clientId), subscriptions: table }],
    },
    messageModel: 'CLUSTERING',
    brokers: [
      {
        broker: 'broker-a',
        addr: '127.0.0.2:10911',
        clientIds: [],
        subscriptions: [],
        lastPop: Object.entries(spec.lastPop ?? {}).flatMap(([topic, seen]) =>
          (Array.isArray(seen) ? seen : [seen]).map((expression) => ({ topic, expression })),
        ),
      },
    ],
    clients,
    queues: Object.values(topicQueues)
      .flat()
      .map((q) => ({ ...q, brokerOffset: 100 + (spec.lag ?? 0), consumerOffset: 100, lastTimestamp: 0 })),
    topicQueues,
  };
}

const ids = (findings: { id: string }[]) => findings.map((f) => f.id);

describe('diagnoses of pop groups', () => {
  it("tag drift in a run: the run's subscriptions compared, what only some accept claimed, nothing allocated", () => {
    const snapshots = over(T, (_, i) =>
      popGroup({
        topics: { orders: 4 },
        clients: [
          { instance: 'billing#0', subs: { orders: 'TagA' } },
          { instance: 'billing#1', subs: { orders: 'TagA || TagB' } },
        ],
        proxyTable: { orders: 'TagA || TagB' },
        lastPop: { orders: i % 2 === 0 ? 'TagA' : 'TagA || TagB' },
      }),
    );
    const findings = diagnose({ snapshots });
    // No member holds a queue and no broker lists one, yet nothing is "unconsumed" or "without consumers".
    expect(ids(findings)).toEqual(['inconsistent-subscription']);
    const [finding] = findings;
    expect(finding!.summary).toBe(
      'instances of pop group billing subscribe differently: topic orders: "TagA" (billing#0) vs "TagA || TagB" ' +
        '(billing#1) (each pop filters with its own expression and the broker commits past what it skipped: a ' +
        'message only some expressions accept is lost when another instance pops its queue)',
    );
    expect(finding!.evidence).toMatchObject({
      consumption: 'pop',
      subscriptionsFrom: 'plan',
      proxyTables: { [PROXY]: { orders: 'TagA || TagB' } },
      lastPopByBroker: { 'broker-a': { orders: ['TagA'] } },
    });
    expect(finding!.evidence['brokerFilters']).toBeUndefined();
    expect(finding!.claims).toEqual([{ topic: 'orders', exceptTags: ['TagA'] }]);
    expect(finding!.remedy).toMatch(/same tag or SQL92 expression per topic/);
  });

  it('different topic sets in a pop group: inconsistent, but nothing claimed lost (only subscribers pop)', () => {
    const make = () =>
      popGroup({
        topics: { orders: 4, refunds: 4 },
        clients: [
          { instance: 'billing#0', subs: { orders: '*' } },
          { instance: 'billing#1', subs: { orders: '*', refunds: '*' } },
        ],
      });
    const findings = diagnose({ snapshots: over(T, make) });
    expect(ids(findings)).toEqual(['inconsistent-subscription']);
    expect(findings[0]!.claims).toBeUndefined();
    expect(findings[0]!.summary).toMatch(/only the subscribers pop a topic: nothing is lost/);
    // The same drift among remoting clients strands the non-subscriber's share of refunds.
    const remoting = over(T, () =>
      remotingGroup({
        name: 'billing',
        topics: { orders: 2, refunds: 2 },
        clients: [
          { id: 'billing#0', subs: { orders: '*' }, queues: ['orders@broker-a/0'] },
          { id: 'billing#1', subs: { orders: '*', refunds: '*' }, queues: ['orders@broker-a/1', 'refunds@broker-a/1'] },
        ],
      }),
    );
    expect(ids(diagnose({ snapshots: remoting }))).toContain('unconsumed-queues');
  });

  it("doctor: no client's subscription known; the latest-pop expression going back and forth is the finding", () => {
    const series = ['TagA', 'TagA || TagB', 'TagA || TagB', 'TagA', 'TagA'];
    const snapshots = over(T, (_, i) =>
      popGroup({
        topics: { orders: 4 },
        clients: [
          { instance: 'billing#0', subs: null },
          { instance: 'billing#1', subs: null },
        ],
        proxyTable: { orders: 'TagA' },
        lastPop: { orders: series[i]! },
      }),
    );
    const findings = diagnose({ snapshots }, { skipRunRules: true });
    expect(ids(findings)).toEqual(['inconsistent-subscription']);
    const [finding] = findings;
    expect(finding!.summary).toMatch(
      /^the pops of group billing carry different expressions .*topic orders: "TagA" and "TagA \|\| TagB" by turns/,
    );
    expect(finding!.evidence).toMatchObject({
      consumption: 'pop',
      clients: ['vm@100@0@mxd40', 'vm@101@0@mxd41'],
      differences: [{ topic: 'orders', expressions: ['TagA', 'TagA || TagB'] }],
      proxyTables: { [PROXY]: { orders: 'TagA' } },
    });
    expect(finding!.evidence['lastPopSeries']).toEqual({
      orders: series.map((expression, i) => ({ at: T[i], broker: 'broker-a', expression })),
    });
    expect(finding!.claims).toEqual([{ topic: 'orders', exceptTags: ['TagA'] }]);
    expect([finding!.firstSeenAt, finding!.lastSeenAt]).toEqual([0, 9000]);
  });

  it('doctor: the samples of one snapshot going back and forth are enough', () => {
    const snapshots = over(T, (_, i) =>
      popGroup({
        topics: { orders: 4 },
        clients: [{ instance: 'billing#0', subs: null }],
        lastPop: { orders: i === 2 ? ['TagA', 'TagB', 'TagA'] : 'TagA' },
      }),
    );
    const [finding, ...rest] = diagnose({ snapshots }, { skipRunRules: true });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ id: 'inconsistent-subscription', firstSeenAt: 0, lastSeenAt: 6000 });
    // No tag passes both: every message of the topic is at risk.
    expect(finding!.claims).toEqual([{ topic: 'orders', exceptTags: [] }]);
  });

  it('doctor: one expression replacing another (a redeploy) or a single one is no finding', () => {
    for (const series of [
      ['TagA', 'TagA', 'TagA || TagB', 'TagA || TagB', 'TagA || TagB'],
      ['TagA', 'TagA', 'TagA', 'TagA', 'TagA'],
    ]) {
      const snapshots = over(T, (_, i) =>
        popGroup({
          topics: { orders: 4 },
          clients: [{ instance: 'billing#0', subs: null }],
          lastPop: { orders: series[i]! },
        }),
      );
      expect(diagnose({ snapshots }, { skipRunRules: true })).toEqual([]);
    }
  });

  it('a frozen popper in a run is a stale consumer with no queues of its own; doctor cannot tell', () => {
    const run = over(T, () =>
      popGroup({
        topics: { orders: 4 },
        clients: [
          { instance: 'billing#0', subs: { orders: '*' }, process: 'paused' },
          { instance: 'billing#1', subs: { orders: '*' } },
        ],
        lag: 5,
      }),
    );
    const findings = diagnose({ snapshots: run });
    expect(ids(findings)).toEqual(['stale-consumer']);
    expect(findings[0]!.summary).toBe(
      `billing#0 is still registered in pop group billing on proxy ${PROXY} but its process is frozen (SIGSTOP); ` +
        'the messages it popped stay invisible until their invisible time passes (no queue waits for it: the ' +
        'others keep popping)',
    );
    expect(findings[0]!.evidence).toMatchObject({ consumption: 'pop', proxies: [PROXY], groupLag: 20 });
    expect(findings[0]!.claims).toBeUndefined();
    expect(findings[0]!.remedy).toMatch(/invisible time/);
    const doctor = over(T, () =>
      popGroup({
        topics: { orders: 4 },
        clients: [
          { instance: 'billing#0', subs: null },
          { instance: 'billing#1', subs: null },
        ],
      }),
    );
    expect(diagnose({ snapshots: doctor }, { skipRunRules: true })).toEqual([]);
  });

  it("backlog-growth reads a pop group's lag (committed as pops are acked) and says so", () => {
    const times = [0, 5000, 10000, 15000, 20000];
    const snapshots = over(times, (_, i) =>
      popGroup({
        topics: { orders: 1 },
        clients: [{ instance: 'billing#0', subs: { orders: '*' } }],
        lag: i * 20,
      }),
    );
    const findings = diagnose({ snapshots });
    expect(ids(findings)).toEqual(['backlog-growth']);
    expect(findings[0]!.evidence).toMatchObject({ consumption: 'pop', stalledQueues: ['orders@broker-a/0'] });
  });
});
