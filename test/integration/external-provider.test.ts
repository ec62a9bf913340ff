/**
 * provider external on a real cluster the run did not start (one brought up through the same
 * local provider `cluster up` uses): the smoke plan, switched to external with --set, passes
 * with zero loss; a grpc plan reaches the cluster's proxy through cluster.proxyAddr; and the
 * cluster is still running after each run (a run stops only what it owns).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingAdmin } from '../../src/protocol/index.ts';
import { isProcessAlive } from '../../src/util/process-info.ts';
import { readEvents, runCli, writePlan } from '../support/run-cli.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';

let cluster: TestCluster;

beforeAll(async () => {
  // No topics: the run creates its own on the external cluster.
  cluster = await startTestCluster({ proxy: true, topics: [] });
}, 180_000);

afterAll(async () => {
  await cluster?.[Symbol.asyncDispose]();
});

/** Every JVM of the cluster is alive and the name server still lists its broker. */
async function expectStillRunning(): Promise<void> {
  const pids = cluster.cluster.nodes.map((n) => n.pid!);
  expect(pids.length).toBe(3);
  for (const pid of pids) expect(isProcessAlive(pid), `pid ${pid}`).toBe(true);
  const admin = RemotingAdmin.create({ namesrvAddr: cluster.namesrvAddr });
  try {
    const info = await admin.clusterInfo();
    expect(Object.keys(info.brokerAddrTable)).toEqual(['broker-a']);
  } finally {
    await admin.close();
  }
}

describe('provider external', () => {
  it('runs the smoke plan against a running cluster with zero loss, and leaves the cluster running', async () => {
    const run = await runCli('smoke', [
      'cluster.provider=external',
      `cluster.namesrvAddr=${cluster.namesrvAddr}`,
      'phases.warmup=3s',
      'phases.load=8s',
    ]);
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    expect(s.verdict).toBe('pass');
    expect(s.cluster).toMatchObject({
      provider: 'external',
      namesrvAddr: cluster.namesrvAddr,
      brokers: cluster.brokers,
    });
    expect(s.producers.attempted).toBeGreaterThanOrEqual(790);
    expect(s.producers.acked).toBe(s.producers.attempted);
    expect(s.totals).toMatchObject({ lost: 0, unexpected: 0, drained: true });
    expect(s.groups.find((g) => g.scope === 'billing')!.unique).toBe(s.producers.acked);
    expect(run.output).toContain('(not started or stopped by rmq-chaos)');
    // The run started no node: cluster-ready lists the external nodes without pids.
    const ready = readEvents(run.runDir!).find((e) => e.type === 'cluster-ready') as unknown as {
      nodes: { name: string; pid?: number }[];
    };
    expect(ready.nodes.map((n) => n.name)).toEqual(['namesrv-0', 'broker-a']);
    expect(ready.nodes.every((n) => n.pid === undefined)).toBe(true);

    await expectStillRunning();
    // The topic the run created is still there: nothing is deleted from someone else's cluster.
    const admin = RemotingAdmin.create({ namesrvAddr: cluster.namesrvAddr });
    try {
      expect((await admin.route('smoke')).queueDatas.map((q) => [q.brokerName, q.writeQueueNums])).toEqual([
        ['broker-a', 4],
      ]);
    } finally {
      await admin.close();
    }
  }, 240_000);

  it('runs grpc fleets through the proxy given as cluster.proxyAddr, and leaves the cluster running', async () => {
    const plan = writePlan(
      'external-grpc',
      `
description: grpc producer and consumers through an external cluster's proxy
cluster: {provider: external, namesrvAddr: "${cluster.namesrvAddr}", proxyAddr: "${cluster.endpoints.proxy!.grpc}"}
topics: [{name: eg, queues: 4}]
fleets:
  producers: [{name: gp, topic: eg, rate: 40/s, protocol: grpc}]
  consumers: [{name: gc, instances: 2, protocol: grpc, subscription: {eg: "*"}}]
phases: {warmup: 3s, load: 5s, drain: 40s}
thresholds:
  loss: ["count==0"]
  sent: ["count>0"]
`,
    );
    const run = await runCli(plan);
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    expect(s.cluster.provider).toBe('external');
    expect(s.totals).toMatchObject({ lost: 0, unexpected: 0, drained: true });
    expect(s.totals.acked).toBeGreaterThanOrEqual(150);
    await expectStillRunning();
  }, 240_000);
});
