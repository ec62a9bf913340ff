/**
 * Good plans for the fleets-and-measurement language: executors, message options, consumer
 * modes and distributions, failures, per-instance overrides, threshold selectors, sampling.
 * Bad ones are in the fixture corpus (test/fixtures/bad-plans).
 */
import { describe, expect, it } from 'vitest';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import type { ResolvedConsumerInstance } from '../../../src/plan/resolved-plan.ts';

const HEAD = `
description: "Fleets and measurement."
cluster: {proxy: true}
topics:
  - name: orders
  - name: audit
phases:
  load: 1m
`;

function load(fleets: string, rest = '') {
  return loadPlanText(`${HEAD}fleets:\n${fleets}${rest}`, 'plans/fleets.yaml');
}

describe('producer executors', () => {
  it('resolves a constant rate as before, with its derived fields', () => {
    const [fleet] = load('  producers:\n    - {name: p, topic: orders, rate: 120/m}\n').fleets.producers;
    expect(fleet).toMatchObject({
      executor: { kind: 'constant', ratePerSecond: 2 },
      ratePerSecond: 2,
      loadMs: 60_000,
      maxInFlight: 512,
    });
    expect(fleet).not.toHaveProperty('ordered');
    expect(fleet).not.toHaveProperty('delay');
  });

  it('resolves stages into a ramp whose derived rate is its peak and whose load time is the stages total', () => {
    const plan = load(`  producers:
    - name: ramp
      topic: orders
      startRate: 600/s
      maxInFlight: 64
      stages:
        - {duration: 10s, target: 500/s}
        - {duration: 0s, target: 50/s}
        - {duration: 20s, target: 0/s}
`);
    expect(plan.fleets.producers[0]).toMatchObject({
      executor: {
        kind: 'ramping',
        startRatePerSecond: 600,
        stages: [
          { durationMs: 10_000, targetPerSecond: 500 },
          { durationMs: 0, targetPerSecond: 50 },
          { durationMs: 20_000, targetPerSecond: 0 },
        ],
      },
      ratePerSecond: 600,
      loadMs: 30_000,
      maxInFlight: 64,
    });
  });

  it('starts a ramp at 0/s by default and accepts stages that fill the load phase exactly', () => {
    const plan = load('  producers:\n    - {name: ramp, topic: orders, stages: [{duration: 1m, target: 10/s}]}\n');
    expect(plan.fleets.producers[0]?.executor).toEqual({
      kind: 'ramping',
      startRatePerSecond: 0,
      stages: [{ durationMs: 60_000, targetPerSecond: 10 }],
    });
    expect(plan.fleets.producers[0]?.loadMs).toBe(60_000);
  });

  it('sends at a constant rate through load, chaos and heal', () => {
    const plan = loadPlanText(
      `${HEAD.replace('  load: 1m\n', '  load: 1m\n  chaos: 20s\n  heal: 10s\n')}fleets:\n  producers:\n    ` +
        `- {name: p, topic: orders, rate: 10/s}\n`,
      'plans/fleets.yaml',
    );
    expect(plan.phases).toMatchObject({ loadMs: 60_000, chaosMs: 20_000, healMs: 10_000 });
    expect(plan.fleets.producers[0]?.loadMs).toBe(90_000);
  });

  it('accepts stages that fill load, chaos and heal exactly', () => {
    const plan = loadPlanText(
      `${HEAD.replace('  load: 1m\n', '  load: 1m\n  chaos: 20s\n  heal: 10s\n')}fleets:\n  producers:\n    ` +
        `- {name: ramp, topic: orders, stages: [{duration: 1m, target: 10/s}, {duration: 30s, target: 0/s}]}\n`,
      'plans/fleets.yaml',
    );
    expect(plan.fleets.producers[0]?.loadMs).toBe(90_000);
  });

  it('resolves ordered and delayed messages', () => {
    const plan = load(`  producers:
    - {name: fifo, topic: orders, rate: 10/s, ordered: {shardingKeys: 16}}
    - {name: later, topic: orders, rate: 10/s, delay: {ratio: 0.1, by: 20s}}
    - {name: leveled, topic: orders, rate: 10/s, delay: {ratio: 1, level: 3}}
`);
    expect(plan.fleets.producers[0]?.ordered).toEqual({ shardingKeys: 16 });
    expect(plan.fleets.producers[1]?.delay).toEqual({ ratio: 0.1, delayMs: 20_000 });
    // Level 3 of the broker's default messageDelayLevel is 10s.
    expect(plan.fleets.producers[2]?.delay).toEqual({ ratio: 1, level: 3, delayMs: 10_000 });
  });

  it("reads delay levels from the plan's messageDelayLevel", () => {
    const plan = loadPlanText(
      `${HEAD.replace('{proxy: true}', '{proxy: true, brokerConfig: {messageDelayLevel: "2s 1m"}}')}fleets:\n` +
        '  producers:\n' +
        '    - {name: p, topic: orders, rate: 10/s, delay: {ratio: 1, level: 1}}\n',
      'plans/fleets.yaml',
    );
    expect(plan.fleets.producers[0]?.delay).toEqual({ ratio: 1, level: 1, delayMs: 2000 });
  });
});

describe('consumer modes and behaviour', () => {
  it('fills the defaults', () => {
    const [fleet] = load('  consumers:\n    - {name: c, subscription: {orders: "*"}}\n').fleets.consumers;
    expect(fleet).toMatchObject({
      mode: 'push',
      consumeTime: { kind: 'fixed', ms: 0 },
      consumeTimeMs: 0,
      failure: { ratio: 0, first: 0 },
      onCrash: 'fail',
    });
  });

  it('resolves distributions, keeping their mean in consumeTimeMs', () => {
    const plan = load(`  consumers:
    - {name: u, protocol: grpc, mode: simple, subscription: {orders: "*"}, consumeTime: {uniform: [2ms, 10ms]}}
    - {name: e, mode: push, subscription: {orders: "*"}, consumeTime: {exponential: 5ms}, onCrash: continue}
    - {name: f, subscription: {orders: "*"}, consumeTime: 1s, failure: {first: 5}}
    - {name: r, subscription: {orders: "*"}, failure: {ratio: 0.01}}
`);
    const [u, e, f, r] = plan.fleets.consumers;
    expect(u).toMatchObject({
      mode: 'simple',
      protocol: 'grpc',
      consumeTime: { kind: 'uniform', minMs: 2, maxMs: 10 },
      consumeTimeMs: 6,
    });
    expect(e).toMatchObject({
      mode: 'push',
      consumeTime: { kind: 'exponential', meanMs: 5 },
      consumeTimeMs: 5,
      onCrash: 'continue',
    });
    expect(f).toMatchObject({
      consumeTime: { kind: 'fixed', ms: 1000 },
      consumeTimeMs: 1000,
      failure: { ratio: 0, first: 5 },
    });
    expect(r?.failure).toEqual({ ratio: 0.01, first: 0 });
  });

  it('accepts a uniform distribution with equal bounds', () => {
    const plan = load(
      '  consumers:\n    - {name: c, subscription: {orders: "*"}, consumeTime: {uniform: [3ms, 3ms]}}\n',
    );
    expect(plan.fleets.consumers[0]?.consumeTimeMs).toBe(3);
  });
});

describe('per-instance overrides', () => {
  // The seed's problems 1 and 2: one group, instances subscribing different tags and topics.
  const plan = load(`  consumers:
    - name: billing
      instances: 4
      subscription: {orders: "TagA"}
      failure: {ratio: 0.5}
      overrides:
        - instances: [1]
          subscription: {orders: "TagA || TagB"}
        - instances: [3, 2]
          subscription: {orders: "*", audit: "*"}
          protocol: grpc
          mode: simple
          consumeTime: {exponential: 4ms}
          failure: {first: 2}
`);
  const [billing] = plan.fleets.consumers;
  const instance = (index: number): ResolvedConsumerInstance | undefined => billing?.perInstance[index];

  it('gives every instance its effective settings, in index order', () => {
    expect(billing?.perInstance.map((i) => [i.index, i.instanceId])).toEqual([
      [0, 'billing#0'],
      [1, 'billing#1'],
      [2, 'billing#2'],
      [3, 'billing#3'],
    ]);
  });

  it('keeps the fleet settings where no override applies', () => {
    expect(instance(0)).toEqual({
      index: 0,
      instanceId: 'billing#0',
      subscriptions: [{ topic: 'orders', expression: 'TagA', tags: ['TagA'] }],
      protocol: 'remoting',
      driver: 'node',
      mode: 'push',
      consumeTime: { kind: 'fixed', ms: 0 },
      consumeTimeMs: 0,
      failure: { ratio: 0.5, first: 0 },
    });
  });

  it('replaces only the keys an override gives', () => {
    expect(instance(1)).toMatchObject({
      subscriptions: [{ topic: 'orders', expression: 'TagA || TagB', tags: ['TagA', 'TagB'] }],
      protocol: 'remoting',
      failure: { ratio: 0.5, first: 0 },
    });
  });

  it('replaces subscription and failure as a whole, not key by key', () => {
    for (const index of [2, 3]) {
      expect(instance(index)).toMatchObject({
        subscriptions: [
          { topic: 'orders', expression: '*', tags: '*' },
          { topic: 'audit', expression: '*', tags: '*' },
        ],
        protocol: 'grpc',
        mode: 'simple',
        consumeTime: { kind: 'exponential', meanMs: 4 },
        consumeTimeMs: 4,
        failure: { ratio: 0, first: 2 },
      });
    }
  });

  it('leaves the fleet-level settings as the fleet wrote them', () => {
    expect(billing).toMatchObject({
      protocol: 'remoting',
      mode: 'push',
      subscriptions: [{ topic: 'orders', expression: 'TagA' }],
    });
  });
});

describe('threshold selectors and sampling', () => {
  const fleets = `  consumers:
    - {name: clustered, instances: 3, subscription: {orders: "*"}}
    - {name: wide, group: billing, instances: 2, subscription: {orders: "*"}}
`;

  it('resolves the key as written and the selector it holds', () => {
    const plan = load(
      fleets,
      `thresholds:
  received{group:clustered,instance:each}: ["count==3"]
  "loss{ fleet: wide , group: billing }": ["count==0"]
  e2e_latency{instance:wide#1}: ["p(99)<1s"]
  resume_latency{group:billing}: ["max<30s"]
  unique: ["count>0"]
  dropped: ["count==0"]
`,
    );
    expect(plan.thresholds.map((t) => [t.key, t.metric, t.selector, t.value])).toEqual([
      ['received{group:clustered,instance:each}', 'received', { group: 'clustered', instance: 'each' }, 3],
      ['loss{ fleet: wide , group: billing }', 'loss', { fleet: 'wide', group: 'billing' }, 0],
      ['e2e_latency{instance:wide#1}', 'e2e_latency', { instance: 'wide#1' }, 1000],
      ['resume_latency{group:billing}', 'resume_latency', { group: 'billing' }, 30_000],
      ['unique', 'unique', {}, 0],
      ['dropped', 'dropped', {}, 0],
    ]);
  });

  it('samples every second unless told otherwise', () => {
    expect(load(fleets).sampling).toEqual({ intervalMs: 1000, snapshotMs: 3000 });
    expect(load(fleets, 'sampling: {interval: 250ms}\n').sampling).toEqual({ intervalMs: 250, snapshotMs: 3000 });
    expect(loadPlanText(`${HEAD}fleets:\n${fleets}`, 'plans/x.yaml', ['sampling.interval=1m']).sampling).toEqual({
      intervalMs: 60_000,
      snapshotMs: 3000,
    });
  });
});
