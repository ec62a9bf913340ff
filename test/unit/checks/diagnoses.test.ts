import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/checks/diagnoses/index.ts';
import { sustainedGrowth } from '../../../src/checks/diagnoses/rules/backlog-growth.ts';
import { group, over } from './snapshot-builder.ts';

const T = [0, 3000, 6000, 9000, 12000];
const ids = (f: { id: string }[]) => f.map((x) => x.id);

describe('diagnoses', () => {
  it('a healthy group (same subscriptions, a disjoint cover, no lag growth) has no findings', () => {
    const snapshots = over(T, () =>
      group({
        topics: { t: 4 },
        clients: [
          { id: 'c#0', subs: { t: 'TagA || TagB' }, queues: ['t@broker-a/0', 't@broker-a/1'] },
          { id: 'c#1', subs: { t: 'TagB||TagA' }, queues: ['t@broker-a/2', 't@broker-a/3'] },
        ],
      }),
    );
    expect(diagnose({ snapshots })).toEqual([]);
  });

  it('inconsistent tags within a group: names the group, both instances and both expressions', () => {
    const snapshots = over(T, () =>
      group({
        name: 'billing',
        topics: { orders: 2 },
        clients: [
          { id: 'billing#0', subs: { orders: 'TagA' }, queues: ['orders@broker-a/0'] },
          { id: 'billing#1', subs: { orders: 'TagA || TagB' }, queues: ['orders@broker-a/1'] },
        ],
      }),
    );
    const [finding, ...rest] = diagnose({ snapshots });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: 'inconsistent-subscription',
      severity: 'critical',
      group: 'billing',
      firstSeenAt: 0,
      lastSeenAt: 12000,
    });
    expect(finding!.summary).toBe(
      'instances of group billing subscribe differently: topic orders: "TagA" (billing#0) vs "TagA || TagB" ' +
        '(billing#1)',
    );
    expect(finding!.evidence['differences']).toEqual([
      { topic: 'orders', variants: { TagA: ['billing#0'], 'TagA || TagB': ['billing#1'] } },
    ]);
  });

  it('a tag subscription beside a SQL92 one, and two different SQL92 ones, are inconsistent: all of the topic', () => {
    const snapshots = over(T, () =>
      group({
        name: 'billing',
        topics: { orders: 3 },
        clients: [
          { id: 'billing#0', subs: { orders: 'TagA' }, queues: ['orders@broker-a/0'] },
          { id: 'billing#1', subs: { orders: { sql: "a > 5 AND region = 'eu'" } }, queues: ['orders@broker-a/1'] },
          { id: 'billing#2', subs: { orders: { sql: 'a > 5' } }, queues: ['orders@broker-a/2'] },
        ],
      }),
    );
    const [finding, ...rest] = diagnose({ snapshots });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ id: 'inconsistent-subscription', group: 'billing' });
    expect(finding!.claims).toEqual([{ topic: 'orders' }]);
    expect(finding!.summary).toBe(
      'instances of group billing subscribe differently: topic orders: "TagA" (billing#0) vs ' +
        '"SQL92: a > 5 AND region = \'eu\'" (billing#1) vs "SQL92: a > 5" (billing#2)',
    );
    expect(finding!.evidence['instances']).toMatchObject({
      'billing#1': { orders: { sql: "a > 5 AND region = 'eu'" } },
    });
  });

  it('the same SQL92 subscription on every instance is consistent', () => {
    const snapshots = over(T, () =>
      group({
        topics: { t: 2 },
        clients: [
          { id: 'c#0', subs: { t: { sql: 'a > 5' } }, queues: ['t@broker-a/0'] },
          { id: 'c#1', subs: { t: { sql: ' a > 5 ' } }, queues: ['t@broker-a/1'] },
        ],
      }),
    );
    expect(diagnose({ snapshots })).toEqual([]);
  });

  it('a transient difference (shorter than persistMs) is not a finding', () => {
    const snapshots = over(T, (_, i) =>
      group({
        topics: { t: 2 },
        clients: [
          { id: 'c#0', subs: { t: i === 2 ? 'TagA' : '*' }, queues: ['t@broker-a/0'] },
          { id: 'c#1', subs: { t: '*' }, queues: ['t@broker-a/1'] },
        ],
      }),
    );
    expect(diagnose({ snapshots })).toEqual([]);
    expect(ids(diagnose({ snapshots }, { persistMs: 0 }))).toEqual(['inconsistent-subscription']);
  });

  it('different topics: the share of the member that does not subscribe T2 is stranded, named with its owner', () => {
    // Members c#0 and c#1; only c#1 subscribes t2, so it pulls its half of t2 (queues 2, 3 by
    // the averagely allocation, c#1 sorting second) and c#0's half (0, 1) is pulled by nobody.
    const snapshots = over(T, (_, i) =>
      group({
        topics: { t1: 4, t2: 4 },
        lag: { 't2@broker-a/0': 10 * i, 't2@broker-a/1': 10 * i },
        clients: [
          { id: 'c#0', subs: { t1: '*' }, queues: ['t1@broker-a/0', 't1@broker-a/1'] },
          {
            id: 'c#1',
            subs: { t1: '*', t2: '*' },
            queues: ['t1@broker-a/2', 't1@broker-a/3', 't2@broker-a/2', 't2@broker-a/3'],
          },
        ],
      }),
    );
    const findings = diagnose({ snapshots });
    expect(ids(findings)).toEqual(['inconsistent-subscription', 'unconsumed-queues']);
    const stranded = findings[1]!;
    expect(stranded.summary).toBe(
      '2 of 4 queues of topic t2 in group g are consumed by nobody (2 allocated to c#0, which does not ' +
        'subscribe it); lag 80',
    );
    expect(stranded.evidence['queues']).toEqual([
      { queue: 't2@broker-a/0', lag: 40, allocatedTo: 'c#0', reason: 'allocated to c#0, which does not subscribe t2' },
      { queue: 't2@broker-a/1', lag: 40, allocatedTo: 'c#0', reason: 'allocated to c#0, which does not subscribe t2' },
    ]);
    expect(findings[0]!.summary).toContain('topic t2: "*" (c#1) vs not subscribed by c#0');
  });

  it('a frozen member still registered: stale-consumer with the queues allocated to it and their lag', () => {
    const snapshots = over(T, (_, i) =>
      group({
        topics: { t: 4 },
        lag: { 't@broker-a/2': 100 * i, 't@broker-a/3': 100 * i },
        clients: [
          { id: 'c#0', subs: { t: '*' }, queues: ['t@broker-a/0', 't@broker-a/1'] },
          { id: 'c#1', subs: null, process: 'paused', runningInfoError: 'timeout' },
        ],
      }),
    );
    const findings = diagnose({ snapshots });
    expect(ids(findings)).toEqual(['stale-consumer']);
    expect(findings[0]!.summary).toBe(
      'c#1 is still registered in group g on broker-a but its process is frozen (SIGSTOP); the 2 queues ' +
        'allocated to it (lag 800) wait for the broker to expire it',
    );
    expect(findings[0]!.evidence).toMatchObject({ state: 'paused', lag: 800, brokers: ['broker-a'] });
    // With the default 50-message growth over 15 s it is not backlog growth yet; over 12 s it is.
    expect(ids(diagnose({ snapshots }, { growthSpanMs: 12_000 }))).toEqual(['stale-consumer', 'backlog-growth']);
  });

  it(
    'in doctor (no process facts) a member that does not answer is ' +
      'the sign of staleness; one that answers is fine',
    () => {
      const snapshots = over(T, () => {
        const g = group({
          topics: { t: 2 },
          clients: [
            { id: 'c#0', subs: { t: '*' }, queues: ['t@broker-a/0'] },
            { id: 'c#1', subs: null, runningInfoError: 'no answer in 3000 ms' },
          ],
        });
        return { ...g, clients: g.clients.map(({ process: _process, ...c }) => c) };
      });
      const findings = diagnose({ snapshots });
      expect(ids(findings)).toEqual(['stale-consumer']);
      expect(findings[0]!.summary).toContain(
        '127.0.0.3@c#1 is still registered in group g on broker-a but it does not answer the broker (no answer ' +
          'in 3000 ms)',
      );
    },
  );

  it('a broker with queues but no registered member, while another broker has members', () => {
    const snapshots = over(T, () =>
      group({
        brokers: ['broker-a', 'broker-b'],
        emptyBrokers: ['broker-b'],
        topics: { t: 2 },
        lag: { 't@broker-b/0': 30, 't@broker-b/1': 20 },
        clients: [
          { id: 'c#0', subs: { t: '*' }, queues: ['t@broker-a/0', 't@broker-a/1', 't@broker-b/0', 't@broker-b/1'] },
        ],
      }),
    );
    const findings = diagnose({ snapshots });
    expect(ids(findings)).toEqual(['broker-without-consumers']);
    expect(findings[0]!.summary).toBe(
      'group g has no consumer registered on broker-b (broker-a lists 1); its 2 queues of t (lag 50) are not consumed',
    );
    expect(findings[0]!.remedy).toContain('reach broker-b');
  });

  it('a broker that did not answer is not taken for one without consumers', () => {
    const snapshots = over(T, () => {
      const g = group({
        brokers: ['broker-a', 'broker-b'],
        emptyBrokers: ['broker-b'],
        topics: { t: 2 },
        clients: [
          { id: 'c#0', subs: { t: '*' }, queues: ['t@broker-a/0', 't@broker-a/1', 't@broker-b/0', 't@broker-b/1'] },
        ],
      });
      return { ...g, brokers: g.brokers.map((b) => (b.broker === 'broker-b' ? { ...b, error: 'timeout' } : b)) };
    });
    expect(diagnose({ snapshots })).toEqual([]);
  });

  it('duplicates attributed to a window are a burst; retries are not; run rules are skipped in doctor', () => {
    const run = {
      uniqueByGroup: { c: 1000 },
      duplicates: [
        { label: 'retry', group: 'c', count: 5, firstAt: 1, lastAt: 2, instances: ['c#0'] },
        {
          label: 'restart c#1 at 10.0s',
          group: 'c',
          count: 40,
          firstAt: 10_500,
          lastAt: 12_000,
          instances: ['c#0', 'c#1'],
        },
      ],
    };
    const findings = diagnose({ snapshots: [], run });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: 'duplicate-burst', severity: 'warning', group: 'c', firstSeenAt: 10_500 });
    expect(findings[0]!.summary).toBe(
      '40 duplicate deliveries in group c after restart c#1 at 10.0s (4.00% of unique), to c#0 and c#1',
    );
    expect(diagnose({ snapshots: [], run }, { skipRunRules: true })).toEqual([]);
    // A stray duplicate as a queue changes hands between live members is not a burst.
    const stray = {
      ...run,
      duplicates: [{ label: 'join c#1 at 30.6s', group: 'c', count: 1, firstAt: 1, lastAt: 1, instances: ['c#1'] }],
    };
    expect(diagnose({ snapshots: [], run: stray })).toEqual([]);
    expect(diagnose({ snapshots: [], run: stray }, { burstMin: 1 })).toHaveLength(1);
  });

  it('broadcasting groups hold every queue in every member: no stranded queues', () => {
    const snapshots = over(T, () =>
      group({
        model: 'BROADCASTING',
        topics: { t: 2 },
        clients: [
          { id: 'b#0', subs: { t: '*' }, queues: [] },
          { id: 'b#1', subs: { t: '*' }, queues: [] },
        ],
      }),
    );
    expect(diagnose({ snapshots })).toEqual([]);
  });
});

describe('sustainedGrowth', () => {
  const pts = (lags: number[], step = 1000) => lags.map((lag, i) => ({ at: i * step, lag, consumerOffset: 0 }));
  it('saw-tooth lag from periodic commits is not growth', () => {
    expect(
      sustainedGrowth(pts([0, 50, 100, 0, 50, 100, 0, 50, 100, 0, 50, 100, 0, 50, 100, 0, 50]), 5000, 10),
    ).toBeUndefined();
  });
  it('finds the largest qualifying stretch', () => {
    expect(sustainedGrowth(pts([5, 0, 10, 20, 20, 40, 80, 3]), 3000, 50)).toEqual({
      from: 1000,
      to: 6000,
      lagFrom: 0,
      lagTo: 80,
      consumed: 0,
    });
  });
  it('a flat start before the lag rises does not count towards the span', () => {
    expect(sustainedGrowth(pts([0, 0, 0, 0, 0, 60, 120]), 3000, 50)).toBeUndefined();
    expect(sustainedGrowth(pts([0, 0, 0, 0, 20, 60, 120, 180]), 3000, 50)).toEqual({
      from: 3000,
      to: 7000,
      lagFrom: 0,
      lagTo: 180,
      consumed: 0,
    });
  });
  it('a start that barely moves (a message in flight) does not count either; a steady rise keeps its start', () => {
    // The acl plan's queue 0: lag 1 for 9 s of load, then 8 s of revoked reads.
    expect(sustainedGrowth(pts([0, 1, 1, 1, 42, 117, 192], 3000), 6000, 50)).toEqual({
      from: 9000,
      to: 18000,
      lagFrom: 1,
      lagTo: 192,
      consumed: 0,
    });
    expect(sustainedGrowth(pts([0, 10, 20, 30, 40, 50, 60]), 3000, 50)).toMatchObject({ from: 0, lagFrom: 0 });
  });
  it('needs both the span and the amount', () => {
    expect(sustainedGrowth(pts([0, 100]), 3000, 10)).toBeUndefined();
    expect(sustainedGrowth(pts([0, 1, 2, 3, 4, 5]), 3000, 10)).toBeUndefined();
  });
});
