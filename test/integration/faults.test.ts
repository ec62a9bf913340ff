/**
 * Faults from plans on a real cluster, through the command line: a flapping broker link,
 * toxics, scaling and kills, the chaos and heal phases, and subscription drift changing the
 * delivered tag mix. A frozen consumer kept until channel expiry and the duplicates of a
 * network blip and a hard restart are the zombie-consumer and flap-duplicates plans, tested
 * in problem-plans.test.ts.
 *
 * The network faults need a cluster of their own behind Toxiproxy; the runs whose faults are
 * all on the fleet (scale, kill, pause, drift) share one, started when the first of them needs
 * it, as provider external, each with its own topic and group.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, writePlan } from '../support/run-cli.ts';
import { sharedExternalCluster } from './support/cluster.ts';

const shared = sharedExternalCluster();
afterAll(() => shared.dispose());

describe('faults from plans', () => {
  it('a flapping producers->broker link makes sends fail and recover, and every fault is undone', async () => {
    const plan = writePlan(
      'flap',
      `
description: the producers' link to broker-a flaps
topics: [{name: t, queues: 4}]
fleets:
  producers: [{name: p, topic: t, rate: 100/s}]
  consumers: [{name: c, instances: 1, subscription: {t: "*"}}]
phases: {warmup: 2s, load: 14s, drain: 30s}
faults:
  - action: network.flap
    target: producers->broker-a
    at: 2s
    duration: 8s
    period: 4s
    downFor: 2s
thresholds:
  loss: ["count==0"]
`,
    );
    const run = await runCli(plan);
    const s = run.summary!;
    expect(run.code, run.output).toBe(0);
    const errors = Object.values(s.producers.sendErrors).reduce((a, b) => a + b, 0);
    expect(errors, JSON.stringify(s.producers)).toBeGreaterThan(0);
    // Sends recover: the last seconds of load are acked again.
    const lastLoadRows = s.timeseries.filter((r) => r.phase === 'load').slice(-3);
    expect(lastLoadRows.some((r) => r.acked > 0)).toBe(true);
    expect(s.faults).toHaveLength(1);
    expect(s.faults[0]).toMatchObject({ action: 'network.flap', target: 'producers->broker-a' });
    expect(s.faults[0]!.observed.endMs).not.toBeNull();
  }, 180_000);

  it('timeout, reset_peer and bandwidth toxics disturb sends; limit_data ' +
    'applies; slicer lets them through; nothing acked is lost', async () => {
    const plan = writePlan(
      'toxics',
      `
description: one toxic after another on the producers' link
topics: [{name: t, queues: 4}]
fleets:
  producers: [{name: p, topic: t, rate: 100/s, messageSize: 1KiB}]
  consumers: [{name: c, instances: 1, subscription: {t: "*"}}]
phases: {warmup: 2s, load: 36s, drain: 40s}
faults:
  - {name: hold, action: network.timeout, target: producers->broker-a, at: 2s, duration: 4s, stream: upstream}
  - {name: reset, action: network.reset_peer, target: producers->broker-a, at: 9s, duration: 4s, stream: upstream}
  - {name: narrow, action: network.bandwidth, target: producers->broker-a, at: 16s, duration: 4s, ` +
        `rate: 2KB/s, stream: upstream}
  - {name: limit, action: network.limit_data, target: producers->broker-a, at: 23s, duration: 4s, ` +
        `bytes: 4KiB, stream: upstream}
  - {name: slices, action: network.slicer, target: producers->broker-a, at: 30s, duration: 4s, ` +
        `averageSize: 64B, stream: upstream}
thresholds:
  loss: ["count==0"]
`,
    );
    const run = await runCli(plan);
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    const inWindow = (name: string) => {
      const f = s.faults.find((x) => x.fault === name)!;
      expect(f.error).toBeUndefined();
      return s.timeseries.filter((r) => r.t > f.observed.beginMs! + 500 && r.t <= f.observed.endMs! + 1000);
    };
    const disturbed = (rows: typeof s.timeseries) =>
      rows.some((r) => r.sendErrors > 0 || (r.send.p99 ?? 0) > 1000 || r.acked < r.sent / 2);
    // limit_data is applied (no error) but its effect is not asserted: one CI run showed the
    // connection untouched for the whole window, another showed it cut (left open in the notes).
    inWindow('limit');
    for (const name of ['hold', 'reset', 'narrow'])
      expect(
        disturbed(inWindow(name)),
        `${name}: ${JSON.stringify(inWindow(name).map((r) => [r.t, r.sent, r.acked, r.sendErrors, r.send.p99]))}`,
      ).toBe(true);
    expect(inWindow('slices').reduce((n, r) => n + r.acked, 0)).toBeGreaterThan(0);
  }, 240_000);

  it('scale adds a consumer (its join rebalance measured) and kill removes one without failing the run', async () => {
    const plan = writePlan(
      'scale-kill',
      `
description: a third consumer joins, then one is killed
topics: [{name: scale-kill, queues: 4}]
fleets:
  producers: [{name: p, topic: scale-kill, rate: 100/s}]
  consumers: [{name: c, group: scale-kill, instances: 2, subscription: {scale-kill: "*"}}]
phases: {warmup: 3s, load: 16s, drain: 40s}
faults:
  - action: scale
    target: c
    at: 3s
    delta: 1
  - action: kill
    target: c#0
    at: 10s
thresholds:
  loss: ["count==0"]
  received{group:scale-kill,instance:each}: ["count>0"]
`,
    );
    const run = await runCli(plan, await shared.sets());
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    expect(s.crashes).toEqual([]);
    expect(Object.keys(s.groups[0]!.perInstance).sort()).toEqual(['c#0', 'c#1', 'c#2']);
    const join = s.rebalance.events.find((e) => e.kind === 'join' && e.instance === 'c#2')!;
    expect(join.assignmentLatencyMs).not.toBeNull();
    const kill = s.rebalance.events.find((e) => e.kind === 'kill' && e.instance === 'c#0')!;
    expect(kill.assignmentLatencyMs).not.toBeNull();
    expect(s.faults.map((f) => f.observed.detail)).toEqual(['added c#2', 'SIGKILL instance c#0']);
  }, 180_000);

  it('runs warmup → load → chaos → heal → drain, producers ' +
    'sending through chaos and heal, faults timed in chaos', async () => {
    const plan = writePlan(
      'chaos-heal',
      `
description: a consumer frozen during the chaos phase, recovered in heal
topics: [{name: chaos-heal, queues: 4}]
fleets:
  producers: [{name: p, topic: chaos-heal, rate: 50/s}]
  consumers: [{name: c, group: chaos-heal, instances: 2, subscription: {chaos-heal: "*"}}]
phases: {warmup: 2s, load: 4s, chaos: 6s, heal: 4s, drain: 30s}
faults:
  - {action: pause, target: c#1, phase: chaos, at: 1s, duration: 4s}
thresholds:
  loss: ["count==0"]
`,
    );
    const run = await runCli(plan, await shared.sets());
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    expect(Object.keys(s.phases)).toEqual(expect.arrayContaining(['warmup', 'load', 'chaos', 'heal', 'drain']));
    expect(s.phases.chaos!.durationMs).toBeGreaterThanOrEqual(5900);
    expect(s.producers.attempted).toBeGreaterThanOrEqual(690); // 50/s over 4 + 6 + 4 s
    const pause = s.faults[0]!;
    expect(pause.observed.beginMs! - s.phases.chaos!.startMs).toBeGreaterThanOrEqual(950);
    expect(pause.observed.endMs!).toBeLessThanOrEqual(s.phases.heal!.startMs + 500);
  }, 180_000);

  it('subscription drift changes the delivered tag mix, and healing restores it', async () => {
    const plan = writePlan(
      'drift',
      `
description: the only consumer drifts from "*" to TagA for a while
topics: [{name: drift, queues: 2}]
fleets:
  producers: [{name: p, topic: drift, rate: 100/s, tags: {TagA: 1, TagB: 1}}]
  consumers: [{name: c, group: drift, instances: 1, subscription: {drift: "*"}}]
phases: {warmup: 3s, load: 22s, drain: 5s}
faults:
  - action: drift
    target: c#0
    at: 4s
    duration: 8s
    subscription: {drift: TagA}
`,
    );
    const run = await runCli(plan, await shared.sets());
    const s = run.summary!;
    // While drifted, the broker filters TagB away for the group, and the group's committed
    // offsets move past them: those TagB messages are never consumed (the seed's problem 1).
    expect(s.faults[0]).toMatchObject({ action: 'drift', target: 'c#0' });
    expect(s.faults[0]!.observed.endMs).not.toBeNull();
    expect(s.totals.lost, run.output).toBeGreaterThan(0);
    // The plan does not expect it, so the default no-loss invariant fails the run.
    expect(run.code).toBe(99);
    expect(s.invariants.find((i) => i.id === 'no-loss')).toMatchObject({ expected: 'hold', held: false, ok: false });
    const fault = s.faults[0]!;
    const tagSum = (from: number, to: number, tag: string) =>
      s.timeseries.filter((r) => r.t >= from && r.t < to).reduce((n, r) => n + (r.receivedByTag[tag] ?? 0), 0);
    const loadStart = s.phases.load!.startMs;
    // Before: both tags arrive. Drifted (after the restart settles): only TagA. Healed: both again.
    // Healing restarts the consumer too: 5.7 s in one loaded run, so the load goes on 10 s after it.
    expect(tagSum(loadStart, fault.observed.beginMs!, 'TagB')).toBeGreaterThan(0);
    expect(tagSum(fault.observed.beginMs! + 3000, fault.observed.endMs!, 'TagA')).toBeGreaterThan(0);
    expect(tagSum(fault.observed.beginMs! + 3000, fault.observed.endMs!, 'TagB')).toBe(0);
    expect(
      tagSum(fault.observed.endMs! + 2000, Number.POSITIVE_INFINITY, 'TagB'),
      JSON.stringify({ fault, rows: s.timeseries.map((r) => [r.t, r.phase, r.receivedByTag]) }),
    ).toBeGreaterThan(0);
  }, 180_000);
});
