/**
 * From plan to action: every action's resolved params, as the run hands them to the scheduler
 * (plus `faultName`), pass its spec's runtime schema and apply and heal through the registry.
 * Fake node, fleet and network controls record what each begin and end did.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FaultContext } from '../../../src/faults/fault-action.ts';
import { getFaultAction } from '../../../src/faults/registry.ts';
import type { NetworkControl, Toxic } from '../../../src/network/network-control.ts';
import { FAULT_ACTION_NAMES } from '../../../src/plan/fault-catalogue.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { faultOccurrences } from '../../../src/run/fault-plan.ts';

const PLAN = `
description: "Every fault action once."
cluster:
  namesrv: 1
  brokers: 1
  acl: {users: [{name: app, secret: generated, allow: [{resource: "Topic:orders", actions: [Pub]}]}]}
topics:
  - name: orders
fleets:
  producers:
    - {name: orders, topic: orders, rate: 10/s}
  consumers:
    - {name: billing, instances: 2, subscription: {orders: "*"}}
phases:
  load: 1m
faults:
  - {action: network.down, target: consumers->broker-a, duration: 5s}
  - {action: network.flap, target: consumers->broker-a, duration: 5s, period: 1s, jitter: 10ms}
  - {action: network.latency, target: producers->broker-a, duration: 5s, latency: 200ms}
  - {action: network.bandwidth, target: producers->broker-a, duration: 5s, rate: 100KiB/s, stream: upstream}
  - {action: network.timeout, target: producers->broker-a, duration: 5s, timeout: 2s}
  - {action: network.reset_peer, target: producers->broker-a, duration: 5s}
  - {action: network.slicer, target: producers->broker-a, duration: 5s, averageSize: 1KiB, delay: 1ms}
  - {action: network.limit_data, target: producers->broker-a, duration: 5s, bytes: 64KiB}
  - {action: kill, target: broker-a}
  - {action: pause, target: billing#1, duration: 5s}
  - {action: restart, target: namesrv-0, hard: true, down: 2s}
  - {action: scale, target: billing, delta: 1}
  - {action: drift, target: billing#0, subscription: {orders: "TagA"}, duration: 5s}
  - {action: disk.fill, target: broker-a, duration: 5s, ratio: 0.001}
  - {action: disk.slow, target: broker-a, duration: 5s, writeBps: 1MiB/s, readIops: 40}
  - {action: acl.revoke, target: app, resource: "Topic:orders", duration: 5s}
`;

// disk.fill's bounded store, here a plain folder: a ratio below its disk's use writes an empty file.
const store = mkdtempSync(join(tmpdir(), 'rmq-chaos-store-'));

function fakes() {
  const calls: string[] = [];
  const record =
    (what: string) =>
    async (...args: unknown[]): Promise<void> => {
      calls.push(`${what} ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
    };
  const network: NetworkControl = {
    links: () => ['consumers->broker-a', 'producers->broker-a'],
    setEnabled: record('enabled'),
    addToxic: async (link: string, toxic: Toxic) => record('add')(link, toxic.type, toxic.stream, toxic.attributes),
    removeToxic: record('remove'),
    reset: record('reset'),
  };
  const context: FaultContext = {
    network,
    nodes: {
      names: () => ['namesrv-0', 'broker-a'],
      kill: record('kill'),
      pause: record('pause'),
      resume: record('resume'),
      restart: record('restart'),
      boundedStore: (node) => {
        calls.push(`boundedStore ${node}`);
        return store;
      },
      storeThrottle: (node) => ({
        deviceName: `/dev/loop9 (7:9) of ${node}`,
        throttle: (limits) => calls.push(`throttle ${node} ${JSON.stringify(limits)}`),
        unthrottle: () => calls.push(`unthrottle ${node}`),
      }),
    },
    fleet: {
      instances: () => ['billing#0', 'billing#1', 'orders#0'],
      kill: record('kill'),
      pause: record('pause'),
      resume: record('resume'),
      restart: record('restart'),
      scale: async (fleet, delta) => {
        await record('scale')(fleet, delta);
        return [`${fleet}#2`];
      },
    },
    acl: {
      users: () => ['app'],
      revoke: async (user, resource) => {
        await record('revoke')(user, resource);
        return { restore: () => record('restore')(user, resource) };
      },
    },
    log: () => {},
  };
  return { calls, context };
}

describe('fault registry, from a resolved plan', () => {
  it('begins and ends every action with the params the run hands over', async () => {
    const plan = loadPlanText(PLAN, 'plans/every-fault.yaml');
    const occurrences = faultOccurrences(plan);
    expect(occurrences.map((o) => o.action)).toEqual(FAULT_ACTION_NAMES);
    const { calls, context } = fakes();
    const seen: Record<string, string[]> = {};
    for (const o of occurrences) {
      const before = calls.length;
      const params = { ...o.params, faultName: `${o.fault}-${o.index}` };
      const handle = await getFaultAction(o.action).begin(o.target, params, context);
      await handle.end();
      seen[o.action] = calls.slice(before);
    }
    expect(seen).toEqual({
      'network.down': ['enabled consumers->broker-a false', 'enabled consumers->broker-a true'],
      // Ended before its first up phase: one down, one up.
      'network.flap': ['enabled consumers->broker-a false', 'enabled consumers->broker-a true'],
      'network.latency': [
        'add producers->broker-a latency upstream {"latency":200,"jitter":0}',
        'add producers->broker-a latency downstream {"latency":200,"jitter":0}',
        'remove producers->broker-a network.latency-2-0.upstream',
        'remove producers->broker-a network.latency-2-0.downstream',
      ],
      'network.bandwidth': [
        'add producers->broker-a bandwidth upstream {"rate":102}',
        'remove producers->broker-a network.bandwidth-3-0.upstream',
      ],
      'network.timeout': [
        'add producers->broker-a timeout upstream {"timeout":2000}',
        'add producers->broker-a timeout downstream {"timeout":2000}',
        'remove producers->broker-a network.timeout-4-0.upstream',
        'remove producers->broker-a network.timeout-4-0.downstream',
      ],
      'network.reset_peer': [
        'add producers->broker-a reset_peer upstream {"timeout":0}',
        'add producers->broker-a reset_peer downstream {"timeout":0}',
        'remove producers->broker-a network.reset_peer-5-0.upstream',
        'remove producers->broker-a network.reset_peer-5-0.downstream',
      ],
      'network.slicer': [
        'add producers->broker-a slicer upstream {"average_size":1024,"size_variation":0,"delay":1000}',
        'add producers->broker-a slicer downstream {"average_size":1024,"size_variation":0,"delay":1000}',
        'remove producers->broker-a network.slicer-6-0.upstream',
        'remove producers->broker-a network.slicer-6-0.downstream',
      ],
      'network.limit_data': [
        'add producers->broker-a limit_data upstream {"bytes":65536}',
        'add producers->broker-a limit_data downstream {"bytes":65536}',
        'remove producers->broker-a network.limit_data-7-0.upstream',
        'remove producers->broker-a network.limit_data-7-0.downstream',
      ],
      kill: ['kill broker-a'],
      pause: ['pause billing#1', 'resume billing#1'],
      restart: ['restart namesrv-0 {"hard":true,"downMs":2000}'],
      scale: ['scale billing 1'],
      drift: [
        'restart billing#0 {"hard":false,"downMs":0,"subscription":{"orders":"TagA"}}',
        'restart billing#0 {"hard":false,"downMs":0,"subscription":{"orders":"*"}}',
      ],
      'disk.fill': ['boundedStore broker-a'],
      'disk.slow': ['throttle broker-a {"writeBps":1048576,"readIops":40}', 'unthrottle broker-a'],
      'acl.revoke': ['revoke app Topic:orders', 'restore app Topic:orders'],
    });
    // The filler is gone with the fault.
    expect(readdirSync(store)).toEqual([]);
  });

  it("rejects params that are not the action's own, for process actions too", async () => {
    const { context } = fakes();
    await expect(getFaultAction('restart').begin('broker-a', { hard: 'yes', downMs: 0 }, context)).rejects.toThrow(
      /restart: invalid params: hard/,
    );
    await expect(getFaultAction('kill').begin('broker-a', { delta: 1 }, context)).rejects.toThrow(
      /kill: invalid params: .*delta/,
    );
  });
});
