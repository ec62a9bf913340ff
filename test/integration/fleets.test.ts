/**
 * Fleets and measurement on a real cluster, through the command line: exact duplicate counts
 * when consumers ask for redelivery, the seed's broadcast-vs-cluster invariant, and a consumer
 * crash handled by the fleet's onCrash policy with the rebalance it causes measured.
 *
 * Runs that need no cluster of their own share one, started when the first needs it, as provider
 * external (what `cluster up` and a running cluster look like to a run); each has its own
 * topics and groups, so none sees another's messages. The grpc run (its proxy) and the
 * read-only broker keep a cluster of their own.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvents, runCli, writePlan } from '../support/run-cli.ts';
import { waitFor } from '../support/wait-for.ts';
import { sharedExternalCluster } from './support/cluster.ts';

const shared = sharedExternalCluster();
afterAll(() => shared.dispose());

describe('fleets and measurement', () => {
  it('counts exactly k duplicates, all caused by retry, when a consumer fails its first k messages', async () => {
    const plan = writePlan(
      'retry-k',
      `
description: one consumer asks for redelivery of its first 5 messages
topics: [{name: retry-k, queues: 2}]
fleets:
  producers: [{name: p, topic: retry-k, rate: 50/s, maxMessages: 60}]
  consumers:
    - name: c
      group: retry-k
      instances: 2
      subscription: {retry-k: "*"}
      overrides: [{instances: [0], failure: {first: 5}}]
phases: {warmup: 3s, load: 2s, drain: 45s}
thresholds:
  duplicates: ["count==5"]
  loss: ["count==0"]
`,
    );
    const run = await runCli(plan, await shared.sets());
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    expect(s.totals).toMatchObject({ acked: 60, unique: 60, duplicates: 5, lost: 0, unexpected: 0, drained: true });
    expect(s.duplicateCauses).toEqual({ retry: 5 });
    // The broker redelivers through %RETRY% after delay level 3 (10 s).
    expect(s.latency.e2e.max).toBeGreaterThanOrEqual(9000);
    expect(s.backlog).toMatchObject({ finalLedger: 0, finalBroker: 0 });
  }, 180_000);

  it('proves the seed example: clustering gives 3 of 9 to each of 3 instances, broadcasting 9 to each', async () => {
    // The plan's 8 s warmup predates the settle wait: load now starts once the clustering group holds one queue per
    // instance.
    const run = await runCli('broadcast-vs-cluster', [...(await shared.sets()), 'phases.warmup=1s']);
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    const clustered = s.groups.find((g) => g.scope === 'clustered')!;
    expect(Object.values(clustered.perInstance).sort()).toEqual([3, 3, 3]);
    const broadcast = s.groups.filter((g) => g.scope.startsWith('broadcast/'));
    expect(broadcast.map((g) => g.unique)).toEqual([9, 9, 9]);
    expect(s.checks.filter((c) => c.key.startsWith('received{')).length).toBe(6);
    expect(s.checks.every((c) => c.ok)).toBe(true);
  }, 180_000);

  it('runs grpc fleets through the proxy (pop consumption) with zero loss', async () => {
    const plan = writePlan(
      'grpc-fleets',
      `
description: grpc producer and consumers through the proxy
cluster: {proxy: true}
topics: [{name: g, queues: 4}]
fleets:
  producers: [{name: gp, topic: g, rate: 40/s, protocol: grpc}]
  consumers: [{name: gc, instances: 2, protocol: grpc, subscription: {g: "*"}}]
phases: {warmup: 3s, load: 5s, drain: 40s}
thresholds:
  loss: ["count==0"]
  sent: ["count>0"]
`,
    );
    const run = await runCli(plan);
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    expect(s.totals).toMatchObject({ lost: 0, unexpected: 0, drained: true });
    expect(s.totals.acked).toBeGreaterThanOrEqual(150);
    expect(Object.keys(s.groups[0]!.perInstance).sort()).toEqual(['gc#0', 'gc#1']);
    // Pop consumers own no queues: no rebalance events are invented for them.
    expect(s.rebalance.events).toEqual([]);
  }, 180_000);

  it('a broker that refuses writes shows as send errors by kind, not as a crash, and fails smoke', async () => {
    const run = await runCli('smoke', [
      'phases.load=3s',
      'phases.warmup=1s',
      'phases.drain=3s',
      'cluster.brokerConfig.brokerPermission=4',
    ]);
    expect(run.code, run.output).toBe(99);
    const s = run.summary!;
    expect(s.crashes).toEqual([]);
    expect(s.producers.acked).toBe(0);
    // A read-only broker publishes no writable queue: the producer has no route to send to.
    expect(s.producers.sendErrors).toEqual({ 'no-route': s.producers.attempted });
    expect(s.checks.find((c) => c.key === 'send_errors')).toMatchObject({ ok: false, observed: s.producers.attempted });
    expect(run.output).toMatch(/send errors \d+ \(no-route: \d+\)/);
  }, 120_000);

  for (const policy of ['continue', 'fail'] as const) {
    it(`a consumer killed mid-run is reported, and onCrash: ${policy} ` +
      `${policy === 'continue' ? 'lets the run pass' : 'fails it (exit 99)'}`, async () => {
      const plan = writePlan(
        `crash-${policy}`,
        `
description: a consumer is killed during load
topics: [{name: crash-${policy}, queues: 4}]
fleets:
  producers: [{name: p, topic: crash-${policy}, rate: 100/s}]
  consumers: [{name: c, group: crash-${policy}, instances: 2, subscription: {crash-${policy}: "*"}, onCrash: ${policy}}]
phases: {warmup: 3s, load: 9s, drain: 60s}
thresholds:
  loss: ["count==0"]
`,
      );
      const run = await runCli(plan, await shared.sets(), async (_pid, reportsDir) => {
        const runDir = await waitFor(() => readdirSync(reportsDir)[0], 60_000, 'the run dir');
        const worker = await waitFor(
          () => {
            const events = readEvents(join(reportsDir, runDir));
            const loading = events.some((e) => e.type === 'phase' && e.phase === 'load');
            return loading ? events.find((e) => e.type === 'worker-start' && e.worker === 'c#1') : undefined;
          },
          120_000,
          'the load phase',
        );
        await new Promise((r) => setTimeout(r, 4000));
        process.kill(worker.pid as number, 'SIGKILL');
      });
      expect(run.code, run.output).toBe(policy === 'continue' ? 0 : 99);
      const s = run.summary!;
      expect(s.crashes).toEqual([expect.objectContaining({ worker: 'c#1', failsRun: policy === 'fail' })]);
      expect(run.output).toMatch(/\[consumer c#1\] exited unexpectedly \(SIGKILL\)/);
      // Nothing is lost: the survivor takes the dead instance's queues and consumes them.
      expect(s.totals.lost).toBe(0);
      const crash = s.rebalance.events.find((e) => e.kind === 'crash')!;
      expect(crash.instance).toBe('c#1');
      expect(crash.assignmentLatencyMs).not.toBeNull();
      expect(crash.resumeLatencyMs).not.toBeNull();
      // Redeliveries of what an instance consumed but had not committed are blamed on the
      // membership change that moved its queues: the crash, or a join's hand-over.
      for (const cause of Object.keys(s.duplicateCauses)) expect(cause).toMatch(/^(crash c#1|join c#[01]) at /);
    }, 240_000);
  }
});
