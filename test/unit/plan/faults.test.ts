/**
 * Good plans for the faults section: every action's parameters in resolved units, every kind
 * of target, defaults, phase-relative timing and seeded random picks. Bad ones are in the
 * fixture corpus (test/fixtures/bad-plans/fault-*.yaml).
 */
import { describe, expect, it } from 'vitest';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import type { ResolvedFault } from '../../../src/plan/resolved-plan.ts';

const HEAD = `
description: "Faults."
cluster: {namesrv: 2, brokers: 2, slavesPerMaster: 1, proxy: true}
topics:
  - name: orders
  - name: audit
fleets:
  producers:
    - {name: orders, topic: orders, instances: 2, rate: 10/s}
  consumers:
    - {name: billing, instances: 3, subscription: {orders: "*"}}
    - {name: audit, subscription: {audit: "*"}}
phases:
  warmup: 10s
  load: 1m
  drain: 30s
`;

function load(faults: string, sets: string[] = [], head = HEAD): ResolvedFault[] {
  return loadPlanText(`${head}faults:\n${faults}`, 'plans/faults.yaml', sets).faults;
}

function one(fault: string): ResolvedFault {
  const [resolved] = load(`  - ${fault}\n`);
  if (!resolved) throw new Error('no fault resolved');
  return resolved;
}

describe('actions', () => {
  it.each([
    ['{action: network.down, target: consumers->broker-b, duration: 20s}', {}],
    [
      '{action: network.flap, target: consumers->broker-a, duration: 20s, period: 2s}',
      { periodMs: 2000, downForMs: 1000, jitterMs: 0 },
    ],
    [
      '{action: network.flap, target: consumers->broker-a, duration: 20s, period: 1s, downFor: 300ms, jitter: 50ms}',
      { periodMs: 1000, downForMs: 300, jitterMs: 50 },
    ],
    [
      '{action: network.latency, target: producers->broker-a, duration: 5s, latency: 200ms}',
      { latencyMs: 200, jitterMs: 0, stream: 'both' },
    ],
    [
      '{action: network.latency, target: producers->broker-a, duration: 5s, latency: 200ms, jitter: 50ms, ' +
        'stream: downstream}',
      { latencyMs: 200, jitterMs: 50, stream: 'downstream' },
    ],
    [
      '{action: network.bandwidth, target: clients->proxy, duration: 5s, rate: 100KiB/s}',
      { rateKBps: 102, stream: 'both' },
    ],
    [
      '{action: network.bandwidth, target: clients->proxy, duration: 5s, rate: 1MB/s, stream: upstream}',
      { rateKBps: 1000, stream: 'upstream' },
    ],
    ['{action: network.timeout, target: clients->namesrv-1, duration: 5s}', { timeoutMs: 0, stream: 'both' }],
    [
      '{action: network.timeout, target: clients->namesrv-1, duration: 5s, timeout: 2s}',
      { timeoutMs: 2000, stream: 'both' },
    ],
    [
      '{action: network.reset_peer, target: broker-a->namesrv-0, duration: 5s, timeout: 100ms}',
      { timeoutMs: 100, stream: 'both' },
    ],
    [
      '{action: network.slicer, target: broker-b->broker-b-s1, duration: 5s, averageSize: 1KiB}',
      { averageSizeBytes: 1024, sizeVariationBytes: 0, delayUs: 0, stream: 'both' },
    ],
    [
      '{action: network.slicer, target: broker-b->broker-b-s1, duration: 5s, averageSize: 1KiB, ' +
        'sizeVariation: 256B, delay: 1.5ms}',
      { averageSizeBytes: 1024, sizeVariationBytes: 256, delayUs: 1500, stream: 'both' },
    ],
    [
      '{action: network.limit_data, target: consumers->broker-a, duration: 5s, bytes: 64KiB}',
      { bytes: 65_536, stream: 'both' },
    ],
    ['{action: kill, target: broker-a}', {}],
    ['{action: pause, target: billing#1, duration: 3s}', {}],
    ['{action: restart, target: namesrv-1}', { hard: false, downMs: 0 }],
    ['{action: restart, target: orders#1, hard: true, down: 10s}', { hard: true, downMs: 10_000 }],
    ['{action: scale, target: billing, delta: -3}', { delta: -3 }],
    [
      '{action: drift, target: billing#2, subscription: {orders: "TagA", audit: "*"}}',
      {
        subscriptions: [
          { topic: 'orders', expression: 'TagA', tags: ['TagA'] },
          { topic: 'audit', expression: '*', tags: '*' },
        ],
      },
    ],
  ])('%s', (fault, params) => {
    expect(one(fault).params).toEqual(params);
  });

  it('rounds bandwidth down to whole KB/s, but never to 0 (Toxiproxy reads 0 as unlimited)', () => {
    expect(one('{action: network.bandwidth, target: clients->proxy, duration: 5s, rate: 1999B/s}').params).toEqual({
      rateKBps: 1,
      stream: 'both',
    });
    expect(one('{action: network.bandwidth, target: clients->proxy, duration: 5s, rate: 1B/s}').params).toEqual({
      rateKBps: 1,
      stream: 'both',
    });
  });

  it('gives lasting actions their duration and instant ones none; drift heals only with a duration', () => {
    const faults = load(`  - {action: pause, target: broker-b, duration: 1m30s}
  - {action: kill, target: billing#0}
  - {action: drift, target: billing#0, subscription: {orders: "TagA"}}
  - {action: drift, target: billing#0, subscription: {orders: "TagA"}, duration: 10s}
`);
    expect(faults.map((f) => f.occurrences[0]?.durationMs)).toEqual([90_000, null, null, 10_000]);
  });
});

describe('targets', () => {
  it('accepts every link of the cluster', () => {
    const links = [
      'producers->broker-a',
      'consumers->broker-a',
      'producers->broker-b',
      'consumers->broker-b',
      'clients->namesrv-0',
      'clients->namesrv-1',
      'clients->proxy',
      'broker-a->namesrv-0',
      'broker-a->namesrv-1',
      'broker-a->broker-a-s1',
      'broker-b->namesrv-0',
      'broker-b->namesrv-1',
      'broker-b->broker-b-s1',
    ];
    const [fault] = load(`  - {action: network.down, target: [${links.join(', ')}], duration: 1s}\n`);
    expect(fault?.occurrences[0]?.targets).toEqual(links);
  });

  it('accepts every node and every fleet instance for kill, pause and restart', () => {
    const names = [
      'namesrv-0',
      'namesrv-1',
      'broker-a',
      'broker-a-s1',
      'broker-b',
      'broker-b-s1',
      'proxy',
      'orders#0',
      'orders#1',
      'billing#2',
      'audit#0',
    ];
    const faults = load(`  - {action: kill, target: [${names.join(', ')}]}
  - {action: pause, target: [${names.join(', ')}], duration: 1s}
  - {action: restart, target: [${names.join(', ')}]}
`);
    for (const fault of faults) expect(fault.occurrences[0]?.targets).toEqual(names);
  });

  it('scales consumer fleets and drifts consumer instances', () => {
    const faults = load(`  - {action: scale, target: [billing, audit], delta: 2}
  - {action: drift, target: [audit#0, billing#1], subscription: {audit: "TagA"}}
`);
    expect(faults.map((f) => f.occurrences[0]?.targets)).toEqual([
      ['billing', 'audit'],
      ['audit#0', 'billing#1'],
    ]);
  });

  it('reads a fleet named like a node by what the action takes', () => {
    const head = HEAD.replace('{name: audit, subscription: {audit: "*"}}', '{name: proxy, subscription: {audit: "*"}}');
    const faults = load('  - {action: scale, target: proxy, delta: 1}\n  - {action: kill, target: proxy}\n', [], head);
    expect(faults.map((f) => [f.action, f.occurrences[0]?.targets])).toEqual([
      ['scale', ['proxy']],
      ['kill', ['proxy']],
    ]);
  });

  it(
    'allows fleet faults on an external cluster (node and network ' +
      'faults are plan errors: see the external-* fixtures)',
    () => {
      const head = HEAD.replace(
        'cluster: {namesrv: 2, brokers: 2, slavesPerMaster: 1, proxy: true}',
        'cluster: {provider: external, namesrvAddr: "10.0.0.5:9876"}',
      );
      const faults = load(
        [
          '  - {action: kill, target: billing#0}',
          '  - {action: pause, target: orders#1, at: 5s, duration: 5s}',
          '  - {action: restart, target: audit#0, at: 15s, hard: true}',
          '  - {action: scale, target: billing, at: 20s, delta: 1}',
          '  - {action: drift, target: billing#2, at: 25s, duration: 10s, subscription: {audit: "*"}}',
          '',
        ].join('\n'),
        [],
        head,
      );
      expect(faults.map((f) => [f.action, f.occurrences[0]?.targets])).toEqual([
        ['kill', ['billing#0']],
        ['pause', ['orders#1']],
        ['restart', ['audit#0']],
        ['scale', ['billing']],
        ['drift', ['billing#2']],
      ]);
    },
  );

  it('lets a scale fault empty a fleet exactly, counting earlier ones in time order across phases', () => {
    const faults = load(`  - {action: scale, target: billing, delta: -4, at: 5s}
  - {action: scale, target: billing, delta: 1, phase: warmup, at: 9s}
  - {action: scale, target: billing, delta: 2, phase: drain}
`);
    expect(faults.map((f) => [f.phase, f.occurrences[0]?.atMs, f.params])).toEqual([
      ['load', 5000, { delta: -4 }],
      ['warmup', 9000, { delta: 1 }],
      ['drain', 0, { delta: 2 }],
    ]);
  });
});

describe('timing and names', () => {
  it('fills the defaults: name <action>-<index>, load phase, at 0, once', () => {
    const faults = load(
      '  - {action: kill, target: billing#0}\n  - {name: cut, action: network.down, target: ' +
        'consumers->broker-a, duration: 1s}\n',
    );
    expect(faults.map(({ name, phase, occurrences }) => ({ name, phase, occurrences }))).toEqual([
      { name: 'kill-0', phase: 'load', occurrences: [{ index: 0, atMs: 0, durationMs: null, targets: ['billing#0'] }] },
      {
        name: 'cut',
        phase: 'load',
        occurrences: [{ index: 0, atMs: 0, durationMs: 1000, targets: ['consumers->broker-a'] }],
      },
    ]);
  });

  it('unrolls every and count into occurrences timed from the start of their phase', () => {
    const fault = one('{action: pause, target: billing#0, phase: drain, at: 1s, duration: 2s, every: 9.5s, count: 3}');
    expect(fault.phase).toBe('drain');
    expect(fault.occurrences.map((o) => [o.index, o.atMs, o.durationMs])).toEqual([
      [0, 1000, 2000],
      [1, 10_500, 2000],
      [2, 20_000, 2000],
    ]);
  });

  it('accepts an occurrence that starts just before its phase ends and lasts into the next phases', () => {
    const fault = one('{action: network.down, target: clients->proxy, phase: warmup, at: 9999ms, duration: 1m30s}');
    expect(fault.occurrences[0]).toMatchObject({ atMs: 9999, durationMs: 90_000 });
  });

  it('accepts an occurrence that ends exactly as the run ends', () => {
    const fault = one('{action: pause, target: broker-a, phase: drain, at: 10s, duration: 20s}');
    expect(fault.occurrences[0]).toMatchObject({ atMs: 10_000, durationMs: 20_000 });
  });

  it('times faults from the start of chaos and heal, and lets the last one end exactly as the run ends', () => {
    const head = HEAD.replace('  load: 1m\n', '  load: 1m\n  chaos: 20s\n  heal: 15s\n');
    const faults = load(
      `  - {action: network.down, target: consumers->broker-a, phase: chaos, at: 2s, duration: 5s, every: 6s, count: 3}
  - {action: pause, target: broker-a, phase: heal, at: 14999ms, duration: 30001ms}
`,
      [],
      head,
    );
    expect(faults.map((f) => [f.phase, f.occurrences.map((o) => [o.atMs, o.durationMs])])).toEqual([
      [
        'chaos',
        [
          [2000, 5000],
          [8000, 5000],
          [14_000, 5000],
        ],
      ],
      ['heal', [[14_999, 30_001]]],
    ]);
  });

  it('replays scale faults in run order: chaos before heal, whatever the plan order', () => {
    const head = HEAD.replace('  load: 1m\n', '  load: 1m\n  chaos: 20s\n  heal: 15s\n');
    // In plan order billing would go from 3 to -1; in run order it goes 3 → 4 → 0.
    const faults = load(
      '  - {action: scale, target: billing, phase: heal, delta: -4}\n  - {action: scale, target: billing, ' +
        'phase: chaos, at: 19s, delta: 1}\n',
      [],
      head,
    );
    expect(faults.map((f) => [f.phase, f.params])).toEqual([
      ['heal', { delta: -4 }],
      ['chaos', { delta: 1 }],
    ]);
  });

  it('keeps every, once count is given, even with count 1 (so --set count=1 runs a repeated fault once)', () => {
    const text = '  - {action: kill, target: billing#0, every: 10s, count: 5}\n';
    expect(load(text, ['faults[0].count=1'])[0]?.occurrences).toHaveLength(1);
  });
});

describe('random targets', () => {
  const RANDOM =
    '  - {action: kill, target: {random: [billing#0, billing#1, billing#2, orders#0, orders#1], pick: 2}, ' +
    'every: 1s, count: 20}\n';
  const picks = (seed: number) => load(RANDOM, [`seed=${seed}`])[0]?.occurrences.map((o) => o.targets) ?? [];

  it('picks different targets from the list for every occurrence, in the order listed', () => {
    const order = ['billing#0', 'billing#1', 'billing#2', 'orders#0', 'orders#1'];
    for (const targets of picks(1)) {
      expect(targets).toHaveLength(2);
      expect(new Set(targets).size).toBe(2);
      expect(order.indexOf(targets[0] ?? '')).toBeLessThan(order.indexOf(targets[1] ?? ''));
    }
    expect(new Set(picks(1).map((t) => t.join())).size).toBeGreaterThan(1);
  });

  it('is stable for a seed and differs across seeds', () => {
    expect(picks(7)).toEqual(picks(7));
    expect(picks(7)).not.toEqual(picks(8));
  });

  it('picks one by default, and all of them when pick is the list length', () => {
    const faults = load(`  - {action: kill, target: {random: [billing#0, billing#1]}}
  - {action: kill, target: {random: [billing#0, billing#1], pick: 2}}
`);
    expect(faults[0]?.occurrences[0]?.targets).toHaveLength(1);
    expect(faults[1]?.occurrences[0]?.targets).toEqual(['billing#0', 'billing#1']);
  });

  it('gives each fault its own stream: a fault added after another does not change its picks', () => {
    const before = load(RANDOM)[0]?.occurrences;
    const after = load(`${RANDOM}  - {action: kill, target: {random: [billing#0, billing#1]}, at: 5s}\n`)[0]
      ?.occurrences;
    expect(after).toEqual(before);
  });
});
