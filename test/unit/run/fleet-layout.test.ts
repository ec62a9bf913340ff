/**
 * Which worker runs each instance and what it is told: Java fleets get their client version
 * (the cluster's by default, per override when a group mixes versions), pull-assign instances
 * their share of the queues, push fleets their consume style, producers their send mode.
 */
import { describe, expect, it } from 'vitest';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { javaProgramsOf, layoutFleets } from '../../../src/run/fleet-layout.ts';
import { JAVA_CLIENTS, ROCKETMQ_VERSION } from '../../../src/setup/versions.ts';

const JAVA_GRPC_CLIENT_VERSION = JAVA_CLIENTS.grpc.defaultVersion;

const plan = loadPlanText(
  `
description: "workers"
cluster: {proxy: true}
topics: [{name: orders}]
phases: {load: 10s}
fleets:
  producers:
    - {name: java-sync, topic: orders, rate: 10/s, driver: java, send: oneway}
    - {name: grpc-java, topic: orders, rate: 10/s, driver: java, protocol: grpc}
    - {name: plain, topic: orders, rate: 10/s}
  consumers:
    - name: upgrade
      driver: java
      consume: orderly
      instances: 3
      subscription: {orders: "*"}
      overrides:
        - {instances: [1], clientVersion: 4.9.7}
        - {instances: [2], driver: node}
    - name: pullers
      mode: pull
      pull: assign
      instances: 3
      subscription: {orders: "*"}
      overrides:
        - {instances: [1], mode: push}
`,
  'plans/workers.yaml',
);
const layout = layoutFleets(plan, 'run-1', {
  namesrvAddr: '127.0.0.1:9876',
  proxy: { grpc: '127.0.0.1:8081' },
} as never);

describe('fleet layout: workers', () => {
  it('runs Java instances on the cluster version unless an override names another', () => {
    expect(layout.programs.get('upgrade#0')).toEqual({
      driver: 'java',
      protocol: 'remoting',
      clientVersion: ROCKETMQ_VERSION,
    });
    expect(layout.programs.get('upgrade#1')).toEqual({ driver: 'java', protocol: 'remoting', clientVersion: '4.9.7' });
    expect(layout.programs.get('upgrade#2')).toEqual({ driver: 'node' });
    expect(layout.programs.get('grpc-java#0')).toEqual({
      driver: 'java',
      protocol: 'grpc',
      clientVersion: JAVA_GRPC_CLIENT_VERSION,
    });
    expect(layout.programs.get('plain#0')).toEqual({ driver: 'node' });
  });

  it('lists each Java program once, to build before anything starts', () => {
    expect(javaProgramsOf(layout.programs).map((p) => `${p.protocol}-${p.clientVersion}`)).toEqual([
      `remoting-${ROCKETMQ_VERSION}`,
      'remoting-4.9.7',
      `grpc-${JAVA_GRPC_CLIENT_VERSION}`,
    ]);
  });

  it('tells push instances how to consume and producers how to send', () => {
    const upgrade = layout.consumers.filter((c) => c.fleet === 'upgrade');
    expect(upgrade.map((c) => [c.mode, c.consume])).toEqual([
      ['push', 'orderly'],
      ['push', 'orderly'],
      ['push', 'orderly'],
    ]);
    expect(layout.producers.map((p) => p.sendMode)).toEqual(['oneway', 'async', 'async']);
  });

  it('splits the queues among the pull-assign instances by rank, skipping one an override makes push', () => {
    const pullers = layout.consumers.filter((c) => c.fleet === 'pullers');
    expect(pullers.map((c) => [c.instanceId, c.mode, c.consume, c.assign])).toEqual([
      ['pullers#0', 'pull', 'concurrently', { index: 0, count: 2 }],
      ['pullers#1', 'push', 'concurrently', undefined],
      ['pullers#2', 'pull', 'concurrently', { index: 1, count: 2 }],
    ]);
  });
});
