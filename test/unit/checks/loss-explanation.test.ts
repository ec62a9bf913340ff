import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/checks/diagnoses/index.ts';
import { lostExplained } from '../../../src/checks/diagnoses/loss-claims.ts';
import type { LostCell } from '../../../src/metrics/loss-breakdown.ts';
import { group, over } from './snapshot-builder.ts';

const T = [0, 5000, 10000, 15000, 20000];
const t2Queue = (i: number) => `t2@broker-a/${i}`;

/**
 * The different-topic-sets case: c#0 and c#1 subscribe t1, c#2 subscribes t1 and t2 (8
 * queues). The averagely allocation gives t2's queues 0-2 to c#0, 3-5 to c#1 (neither
 * subscribes t2) and 6-7 to c#2, which holds them but consumes nothing: the broker's table
 * lacks t2 (the last heartbeat came from c#0 or c#1). Nothing of t2 was ever committed, so
 * the consume stats leave it out and its lag counts from the start offsets.
 */
function topicSetsSnapshots() {
  return over(T, (at) =>
    group({
      topics: { t1: 8, t2: 8 },
      brokerSubs: { t1: '*' },
      uncommitted: Object.fromEntries(
        Array.from({ length: 8 }, (_, i) => [t2Queue(i), { brokerOffset: 100 + at / 100, startOffset: 0 }]),
      ),
      clients: [
        { id: 'c#0', subs: { t1: '*' }, queues: ['t1@broker-a/0', 't1@broker-a/1', 't1@broker-a/2'] },
        { id: 'c#1', subs: { t1: '*' }, queues: ['t1@broker-a/3', 't1@broker-a/4', 't1@broker-a/5'] },
        {
          id: 'c#2',
          subs: { t1: '*', t2: '*' },
          queues: ['t1@broker-a/6', 't1@broker-a/7', t2Queue(6), t2Queue(7)],
          idleSince: -60_000,
        },
      ],
    }),
  );
}

const lostOnT2 = (perQueue: number): LostCell[] =>
  Array.from({ length: 8 }, (_, i) => ({
    queue: t2Queue(i),
    tag: '',
    holder: i >= 6 ? 'c#2' : undefined,
    window: 'load',
    offsetReused: false,
    withHost: undefined,
    count: perQueue,
  }));

describe('diagnoses against the ledger', () => {
  it('a stalled pull consumer is not said to be refused by the table: its pulls carry their own expression', () => {
    const snapshots = over(T, (at) =>
      group({
        topics: { t1: 2 },
        brokerSubs: {},
        lag: { 't1@broker-a/0': 100 + at / 100, 't1@broker-a/1': 100 + at / 100 },
        clients: [
          {
            id: 'p#0',
            subs: { t1: '*' },
            queues: ['t1@broker-a/0', 't1@broker-a/1'],
            idleSince: -60_000,
            consumeType: 'CONSUME_ACTIVELY',
          },
        ],
      }),
    );
    const stranded = diagnose({ snapshots, run: { duplicates: [], uniqueByGroup: {} } }).find(
      (f) => f.id === 'unconsumed-queues',
    );
    expect(stranded?.summary).toContain('held by p#0, which subscribes t1 but consumed nothing of it for');
    expect(stranded?.summary).not.toContain('SUBSCRIPTION_NOT_EXIST');
  });

  /**
   * RocketMQ's Java push consumer restamps its subscription on a rebalance change and may skip
   * the heartbeat meant to carry the new version (seen in plans/sql-filters.yaml on a busy host:
   * group eu-big-java held all 4 queues and got 0 of 218 messages). Versions as that run's logs had them.
   */
  const staleTable = (member: { consumeType?: string; subVersion: number }) =>
    over(T, (at) =>
      group({
        name: 'eu-big-java',
        topics: { orders: 4 },
        brokerSubs: { orders: "region = 'eu' AND amount > 50" },
        brokerSubVersions: { orders: 1_796_650_252_638 },
        lag: Object.fromEntries([0, 1, 2, 3].map((i) => [`orders@broker-a/${i}`, 10 + at / 1000])),
        clients: [
          {
            id: 'eu-big-java#0',
            subs: { orders: { sql: "region = 'eu' AND amount > 50" } },
            queues: [0, 1, 2, 3].map((i) => `orders@broker-a/${i}`),
            idleSince: -60_000,
            ...member,
          },
        ],
      }),
    );

  it("unconsumed-queues names a push member's pulls refused as not latest: the table holds an older subVersion", () => {
    const lost: LostCell[] = [0, 1, 2, 3].map((i) => ({
      queue: `orders@broker-a/${i}`,
      tag: '',
      holder: 'eu-big-java#0',
      window: 'load',
      offsetReused: false,
      withHost: undefined,
      count: 50,
    }));
    const findings = diagnose({
      snapshots: staleTable({ subVersion: 1_796_650_254_681 }),
      run: { duplicates: [], uniqueByGroup: {}, lost: [{ group: 'eu-big-java', cells: lost }] },
    });
    const stranded = findings.find((f) => f.id === 'unconsumed-queues');
    expect(stranded?.summary).toBe(
      '4 of 4 queues of topic orders in group eu-big-java are consumed by nobody (4 held by eu-big-java#0, ' +
        "which subscribes orders, but broker-a's subscription table holds an older version of it (subVersion " +
        '1796650252638, 2 s before the 1796650254681 the member pulls with: the heartbeat that would carry it has ' +
        'not come), so the broker refuses its pulls (SUBSCRIPTION_NOT_LATEST)); lag 120',
    );
    expect((stranded?.evidence['queues'] as { refusal?: string }[]).map((q) => q.refusal)).toEqual(
      Array(4).fill('SUBSCRIPTION_NOT_LATEST'),
    );
    expect(stranded?.remedy).toContain('heartbeatBrokerInterval');
    expect(stranded?.remedy).not.toContain('subscribe the same topics');
    expect(stranded?.explains?.lost).toBe(200);
  });

  it('a stall with the same subVersion on both sides, or of a pull consumer, is not said to be not latest', () => {
    for (const member of [
      { subVersion: 1_796_650_252_638 },
      { subVersion: 1_796_650_254_681, consumeType: 'CONSUME_ACTIVELY' },
    ]) {
      const stranded = diagnose({ snapshots: staleTable(member) }).find((f) => f.id === 'unconsumed-queues');
      expect(stranded?.summary).toContain(
        'held by eu-big-java#0, which subscribes orders but consumed nothing of it for',
      );
      expect(stranded?.summary).not.toContain('SUBSCRIPTION_NOT_LATEST');
      expect(stranded?.remedy).not.toContain('heartbeatBrokerInterval');
    }
  });

  it('unconsumed-queues names every queue of t2, held-but-refused ones too, lag counted from the start', () => {
    const findings = diagnose({
      snapshots: topicSetsSnapshots(),
      run: { duplicates: [], uniqueByGroup: {}, lost: [{ group: 'g', cells: lostOnT2(300) }] },
    });
    // The lag of t2 grows as messages arrive: backlog-growth (a symptom; it claims no loss).
    expect(findings.map((f) => f.id)).toEqual(['inconsistent-subscription', 'unconsumed-queues', 'backlog-growth']);
    expect(findings[2]!.explains).toBeUndefined();
    const stranded = findings[1]!;
    expect(stranded.summary).toBe(
      '8 of 8 queues of topic t2 in group g are consumed by nobody (6 allocated to c#0 and c#1, which do not ' +
        "subscribe it; 2 held by c#2, which subscribes t2, but broker-a's subscription table for the group has " +
        'no t2 (the last heartbeat came from a member that does not subscribe it), so the broker refuses its ' +
        'pulls (SUBSCRIPTION_NOT_EXIST)); lag 2400',
    );
    expect((stranded.evidence['queues'] as { queue: string; lag: number }[]).map((q) => [q.queue, q.lag])).toEqual(
      Array.from({ length: 8 }, (_, i) => [t2Queue(i), 300]),
    );
    expect(stranded.explains).toEqual({
      lost: 2400,
      of: 2400,
      byQueue: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [t2Queue(i), 300])),
    });
    expect(findings[0]!.explains?.lost).toBe(2400);
  });

  it('loss no finding claims is an unexplained-loss finding with its queues and windows', () => {
    const extra: LostCell = {
      queue: 't1@broker-a/0',
      tag: '',
      holder: 'c#0',
      window: 'network-down x at 3.0s',
      offsetReused: false,
      withHost: undefined,
      count: 7,
    };
    const findings = diagnose({
      snapshots: topicSetsSnapshots(),
      run: { duplicates: [], uniqueByGroup: {}, lost: [{ group: 'g', cells: [...lostOnT2(300), extra] }] },
    });
    const unexplained = findings.find((f) => f.id === 'unexplained-loss');
    expect(unexplained?.summary).toBe(
      '7 of 2407 lost messages of group g are explained by no finding: on t1@broker-a/0 (7); sent during ' +
        'network-down x at 3.0s (7)',
    );
    expect(unexplained?.evidence['unexplained']).toBe(7);
    expect(lostExplained('g', [...lostOnT2(300), extra], findings)).toBe(2400);
    // Off by one message: the count moves with it.
    expect(lostExplained('g', [...lostOnT2(300), { ...extra, count: 8 }], findings)).toBe(2400);
  });

  it('a finding that covers part of the loss says so, and the rest is unexplained', () => {
    // Only c#0 strands queues here (c#1 subscribes t2 and consumes): 3 of 8 queues explained.
    const snapshots = over(T, () =>
      group({
        topics: { t2: 8 },
        lag: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [t2Queue(i), i < 3 ? 100 : 0])),
        brokerSubs: { t2: '*' },
        clients: [
          { id: 'c#0', subs: { t1: '*' }, queues: [] },
          { id: 'c#1', subs: { t1: '*', t2: '*' }, queues: [3, 4, 5, 6, 7].map(t2Queue) },
        ],
      }),
    );
    const findings = diagnose({
      snapshots,
      run: { duplicates: [], uniqueByGroup: {}, lost: [{ group: 'g', cells: lostOnT2(10) }] },
    });
    const stranded = findings.find((f) => f.id === 'unconsumed-queues')!;
    expect(stranded.explains?.lost).toBe(30);
    expect(stranded.explains?.of).toBe(80);
    // inconsistent-subscription claims all of t2 (a member does not subscribe it): the rest is explained by it.
    expect(findings.find((f) => f.id === 'unexplained-loss')).toBeUndefined();
    expect(lostExplained('g', lostOnT2(10), findings)).toBe(80);
  });

  it('tag drift claims only the tags not every expression accepts', () => {
    const snapshots = over(T, () =>
      group({
        topics: { t: 2 },
        clients: [
          { id: 'c#0', subs: { t: 'A' }, queues: ['t@broker-a/0'] },
          { id: 'c#1', subs: { t: '*' }, queues: ['t@broker-a/1'] },
        ],
      }),
    );
    const cells: LostCell[] = [
      {
        queue: 't@broker-a/0',
        tag: 'B',
        holder: 'c#0',
        window: 'load',
        offsetReused: false,
        withHost: undefined,
        count: 5,
      },
      {
        queue: 't@broker-a/1',
        tag: '',
        holder: 'c#1',
        window: 'load',
        offsetReused: false,
        withHost: undefined,
        count: 2,
      },
      {
        queue: 't@broker-a/1',
        tag: 'A',
        holder: 'c#1',
        window: 'load',
        offsetReused: false,
        withHost: undefined,
        count: 3,
      },
    ];
    const findings = diagnose({ snapshots, run: { duplicates: [], uniqueByGroup: {}, lost: [{ group: 'g', cells }] } });
    expect(findings[0]!.claims).toEqual([{ topic: 't', exceptTags: ['A'] }]);
    expect(findings[0]!.explains?.lost).toBe(7);
    expect(findings.find((f) => f.id === 'unexplained-loss')?.evidence['unexplained']).toBe(3);
  });

  it('without snapshots (a gRPC-only group) the loss is still unexplained, seen when it was accounted', () => {
    const cells: LostCell[] = [
      {
        queue: 'g@?/-1',
        tag: '',
        holder: undefined,
        window: 'load',
        offsetReused: false,
        withHost: undefined,
        count: 4,
      },
    ];
    const findings = diagnose({
      snapshots: [],
      run: { duplicates: [], uniqueByGroup: {}, lost: [{ group: 'g', cells }], accountedAt: 123_000 },
    });
    expect(findings.map((f) => [f.id, f.firstSeenAt, f.lastSeenAt, f.evidence['unexplained']])).toEqual([
      ['unexplained-loss', 123_000, 123_000, 4],
    ]);
  });
});
