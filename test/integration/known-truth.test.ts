/**
 * The checkers against known truth, on a real cluster: consumers with the faultyConsumer test
 * aid drop (acknowledge, never report) or double-report a set of messages that the test
 * computes itself with `faultyChoice`, and the ledger, the duplicate events and breakdown, the
 * diagnoses and the invariants must find exactly that set: every assertion is an equality, so
 * a ledger off by one message fails it. Each invariant is also made to fail on a real run.
 *
 * The runs without network faults share one cluster as provider external, each with its own
 * topics and groups; the run with a network fault needs Toxiproxy, so it starts its own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RemotingProducer } from '../../src/drivers/remoting/index.ts';
import { faultyChoice, type FaultyRates } from '../../src/fleet/faulty-consumer.ts';
import { buildMessage } from '../../src/fleet/identity.ts';
import type { RunSummary } from '../../src/result/run-summary.ts';
import { type CliRun, readEvents, runCli, writePlan } from '../support/run-cli.ts';
import { waitFor } from '../support/wait-for.ts';
import { sharedExternalCluster } from './support/cluster.ts';

const shared = sharedExternalCluster();
afterAll(() => shared.dispose());

/**
 * Seed 10 with producers p#0 and p#1 of 750 messages each gives 13 discards (lostSample holds
 * 20, so the whole lost set is visible) and 11 duplicates (at least 10, duplicate-burst's
 * threshold, so the diagnosis must fire and count them). The test asserts both sizes first.
 */
const SEED = 10;
const RATES: FaultyRates = { discard: 0.01, duplicate: 0.005 };
const PER_PRODUCER = 750;

/** The ids `producer:seq` faultyChoice puts in each set, for producers `p#0..` of `perProducer` messages. */
function knownSets(rates: FaultyRates, producers: number, perProducer: number) {
  const sets = { discard: [] as string[], duplicate: [] as string[] };
  for (let p = 0; p < producers; p++)
    for (let seq = 0; seq < perProducer; seq++) {
      const choice = faultyChoice(rates, SEED, `p#${p}`, seq);
      if (choice !== 'normal') sets[choice].push(`p#${p}:${seq}`);
    }
  return sets;
}

const sorted = (ids: readonly string[]) => [...ids].sort();

/** Every lost message the run wrote to messages.ndjson.gz (all of them, not a sample), as producer:seq. */
function lostIds(run: CliRun): string[] {
  const text = gunzipSync(readFileSync(join(run.runDir!, 'messages.ndjson.gz'))).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('["lost"'))
    .map((line) => {
      const [, , producer, seq] = JSON.parse(line) as [string, string, string, number];
      return `${producer}:${seq}`;
    });
}

/**
 * The breakdown and the diagnoses find exactly the discard set: the log's lost records, every
 * table of the breakdown summing to it with its ids from it, and unexplained-loss counting it
 * (a consumer that acks and drops is a cause no broker-side view can see).
 */
function expectLossAccountedExactly(run: CliRun, discard: readonly string[], windows: readonly string[]): void {
  const s = run.summary!;
  const group = s.groups[0]!;
  expect(sorted(lostIds(run))).toEqual(sorted(discard));
  for (const table of [group.breakdown.byQueue, group.breakdown.byTopic, group.breakdown.byInstance]) {
    expect(table.reduce((n, c) => n + c.lost, 0)).toBe(discard.length);
    expect(table.reduce((n, c) => n + c.duplicates, 0)).toBe(group.duplicates);
  }
  expect(sorted(group.breakdown.byQueue.flatMap((c) => c.lostIds))).toEqual(sorted(discard));
  // Sent in load, or in the fault's window; every queue was held by someone when they were sent.
  for (const c of group.breakdown.byWindow.filter((x) => x.lost > 0)) expect(windows).toContain(c.key);
  expect(group.breakdown.byInstance.map((c) => c.key)).not.toContain('(nobody)');
  expect(group.breakdown.heat.queues.reduce((n, q) => n + q.lost.reduce((a, b) => a + b, 0), 0)).toBe(discard.length);
  expect(group.lostExplained).toBe(0);
  const unexplained = s.diagnoses.filter((d) => d.id === 'unexplained-loss');
  expect(
    unexplained.map((d) => d.evidence['unexplained']),
    run.output,
  ).toEqual([discard.length]);
}

interface DuplicateEvent {
  id: string;
  cause: string;
  instance: string;
}

function duplicateEvents(run: CliRun): DuplicateEvent[] {
  return readEvents(run.runDir!).filter((e) => e.type === 'duplicate') as unknown as DuplicateEvent[];
}

/** Every seq 0..n-1 of every producer was acked: the acked set is known, not just counted. */
function expectEverySendAcked(s: RunSummary, total: number, output: string): void {
  expect(s.producers, output).toMatchObject({ attempted: total, acked: total, dropped: 0 });
  expect(Object.values(s.producers.sendErrors).reduce((a, b) => a + b, 0)).toBe(0);
}

function memo(make: () => Promise<CliRun>): () => Promise<CliRun> {
  let run: Promise<CliRun> | undefined;
  return () => (run ??= make());
}

const faultyPlan = (name: string, extra: string) => `
description: a clustering group that drops and double-reports a known set of messages
seed: ${SEED}
topics: [{name: ${name}, queues: 4}]
fleets:
  producers: [{name: p, topic: ${name}, instances: 2, rate: 150/s, maxMessages: ${2 * PER_PRODUCER}}]
  consumers:
    - name: c
      group: ${name}
      instances: 2
      subscription: {${name}: "*"}
      faultyConsumer: {discard: ${RATES.discard}, duplicate: ${RATES.duplicate}}
${extra}`;

// Warmup waits until the group settled on its queues before producers start, so no message is
// in flight while queues move: the retry-k test in fleets.test.ts sees no rebalance duplicate
// with two instances either. Drain cannot end early (the discarded messages never arrive), so
// it is short; 1500 messages at 150/s are sent in 10 s of the 11 s load.
const noFaultRun = memo(async () =>
  runCli(writePlan('kt-clean', faultyPlan('kt-clean', 'phases: {warmup: 3s, load: 11s, drain: 8s}\n')), [
    ...(await shared.sets()),
  ]),
);

const FAULT = { action: 'network.down', target: 'consumers->broker-a' };
const faultRun = memo(() =>
  runCli(
    writePlan(
      'kt-fault',
      faultyPlan(
        'kt-fault',
        `phases: {warmup: 3s, load: 11s, drain: 20s}
faults:
  - {action: ${FAULT.action}, target: ${FAULT.target}, at: 3s, duration: 3s}
`,
      ),
    ),
  ),
);

describe('faultyConsumer: the checkers find exactly the known set', () => {
  const known = knownSets(RATES, 2, PER_PRODUCER);

  it('the seed gives a discard set lostSample can hold whole and a duplicate set duplicate-burst must report', () => {
    expect(known.discard).toHaveLength(13);
    expect(known.duplicate).toHaveLength(11);
  });

  it('without faults: lost is exactly the discard set, duplicates exactly the duplicate set', async () => {
    const run = await noFaultRun();
    const s = run.summary!;
    expect(s, run.output).toBeDefined();
    expectEverySendAcked(s, 2 * PER_PRODUCER, run.output);
    const [group] = s.groups;
    expect(s.groups).toHaveLength(1);
    const n = 2 * PER_PRODUCER;
    const [lost, dups] = [known.discard.length, known.duplicate.length];
    expect(group, run.output).toMatchObject({
      scope: 'kt-clean',
      acked: n,
      lost,
      unique: n - lost,
      duplicates: dups,
      receipts: n - lost + dups,
      unexpected: 0,
    });
    expect(sorted(group!.lostSample)).toEqual(sorted(known.discard));
    expect(s.totals).toMatchObject({ acked: n, lost, duplicates: dups, unexpected: 0, drained: false });
    expectLossAccountedExactly(run, known.discard, ['load']);

    // One duplicate event per duplicated delivery, each id of the set once, and nothing else.
    const events = duplicateEvents(run);
    expect(sorted(events.map((e) => e.id))).toEqual(sorted(known.duplicate));
    // The breakdown counts the same duplicates. Their labels are whatever window the time falls
    // in (a join window stays open 30 s, so here the last join's): never a retry, none was asked.
    expect(Object.values(s.duplicateCauses).reduce((a, b) => a + b, 0)).toBe(dups);
    expect(s.duplicateCauses['retry']).toBeUndefined();
    expect(sorted(Object.keys(s.duplicateCauses)), JSON.stringify(s.duplicateCauses)).toEqual(
      sorted([...new Set(events.map((e) => e.cause))]),
    );

    // duplicate-burst counts exactly the set (one window holds all of them).
    const bursts = s.diagnoses.filter((d) => d.id === 'duplicate-burst');
    expect(
      bursts.map((d) => d.evidence['duplicates']),
      JSON.stringify(s.diagnoses),
    ).toEqual([dups]);
    expect(bursts[0]!.group).toBe('kt-clean');

    // The default invariants hold the run to no loss: it fails with the ledger's own numbers.
    expect(run.code).toBe(99);
    expect(s.invariants.find((i) => i.id === 'no-loss')).toMatchObject({ expected: 'hold', held: false, ok: false });
    expect(s.failures).toEqual([`invariant no-loss violated: lost ${lost} of ${n} in kt-clean`]);
  }, 240_000);

  it('under consumers->broker-a down: lost is still the discard set; other duplicates blame the fault', async () => {
    const run = await faultRun();
    const s = run.summary!;
    expect(s, run.output).toBeDefined();
    expectEverySendAcked(s, 2 * PER_PRODUCER, run.output);
    const [fault] = s.faults;
    expect(fault, run.output).toMatchObject({ ...FAULT });
    expect(fault!.error).toBeUndefined();
    expect(fault!.observed.endMs).not.toBeNull();
    const n = 2 * PER_PRODUCER;
    const lost = known.discard.length;
    expect(s.groups[0], run.output).toMatchObject({
      scope: 'kt-fault',
      acked: n,
      lost,
      unique: n - lost,
      unexpected: 0,
    });
    expect(sorted(s.groups[0]!.lostSample)).toEqual(sorted(known.discard));

    const events = duplicateEvents(run);
    const ids = new Set(events.map((e) => e.id));
    for (const id of known.duplicate) expect(ids.has(id), `${id} among the duplicates`).toBe(true);
    // Each delivery of a duplicated message adds one, so the set contributes at least its size;
    // everything the ledger counted is an event, one each.
    expect(events).toHaveLength(s.totals.duplicates);
    const faultLabel = `${FAULT.action} ${FAULT.target} at ${(fault!.observed.beginMs! / 1000).toFixed(1)}s`;
    expectLossAccountedExactly(run, known.discard, ['load', faultLabel]);
    const natural = events.filter((e) => !known.duplicate.includes(e.id));
    const causes = [...new Set(natural.map((e) => e.cause))];
    console.log(
      `known-truth under ${faultLabel}: ${events.length} duplicates, ${natural.length} outside the duplicate set ` +
        `(causes ${JSON.stringify(causes)}); breakdown ${JSON.stringify(s.duplicateCauses)}`,
    );
    for (const cause of causes) expect([faultLabel, 'retry'], JSON.stringify(natural)).toContain(cause);
    expect(s.failures).toEqual([`invariant no-loss violated: lost ${lost} of ${n} in kt-fault`]);
  }, 300_000);
});

/** Sends `count` messages of no run of ours into `topic` once the run is in its load phase. */
function foreignDuringLoad(topic: string, count: number, namesrvAddr: () => string) {
  return async (_pid: number, reportsDir: string): Promise<void> => {
    const runDir = await waitFor(() => readdirSync(reportsDir)[0], 60_000, 'the run dir');
    await waitFor(
      () => readEvents(join(reportsDir, runDir)).some((e) => e.type === 'phase' && e.phase === 'load') || undefined,
      120_000,
      'the load phase',
    );
    const stranger = await RemotingProducer.start({
      namesrvAddr: namesrvAddr(),
      group: `${topic}-stranger`,
      instanceName: `${topic}-stranger`,
      sendTimeoutMs: 3000,
    });
    try {
      for (let seq = 0; seq < count; seq++)
        await stranger.send(buildMessage('another-run', 'stranger#0', seq, topic, 64, undefined));
    } finally {
      await stranger.close();
    }
  };
}

const FOREIGN = 5;
const INV_MESSAGES = 600;
const CLUSTER_RATES: FaultyRates = { discard: 0.03, duplicate: 0 };
const BROADCAST_RATES: FaultyRates = { discard: 0.02, duplicate: 0 };

/**
 * A clustering group that discards, a broadcasting group whose instance #1 discards, and a
 * stranger's messages in the topic: each invariant violated, expected as `expectation`.
 */
async function invariantsRun(name: string, expectation: 'hold' | 'violated'): Promise<CliRun> {
  const sets = await shared.sets();
  const namesrvAddr = sets.find((s) => s.startsWith('cluster.namesrvAddr='))!.split('=')[1]!;
  const plan = writePlan(
    name,
    `
description: every invariant broken on purpose
seed: ${SEED}
topics: [{name: ${name}, queues: 2}]
fleets:
  producers: [{name: p, topic: ${name}, rate: 100/s, maxMessages: ${INV_MESSAGES}}]
  consumers:
    - name: cl
      group: ${name}-cl
      subscription: {${name}: "*"}
      faultyConsumer: {discard: ${CLUSTER_RATES.discard}}
    - name: bc
      group: ${name}-bc
      model: broadcasting
      instances: 2
      subscription: {${name}: "*"}
      overrides: [{instances: [1], faultyConsumer: {discard: ${BROADCAST_RATES.discard}}}]
phases: {warmup: 3s, load: 7s, drain: 6s}
expect:
  invariants: {no-loss: ${expectation}, broadcast-complete: ${expectation}, no-unexpected: ${expectation}}
`,
  );
  return runCli(
    plan,
    sets,
    foreignDuringLoad(name, FOREIGN, () => namesrvAddr),
  );
}

const violatedRun = memo(() => invariantsRun('kt-inv-v', 'violated'));
const holdRun = memo(() => invariantsRun('kt-inv-h', 'hold'));

describe('each invariant made to fail on a real run', () => {
  const clusterLost = knownSets(CLUSTER_RATES, 1, INV_MESSAGES).discard.length;
  const broadcastLost = knownSets(BROADCAST_RATES, 1, INV_MESSAGES).discard.length;
  // The stranger's messages reach the clustering group once and each broadcasting instance once.
  const unexpected = 3 * FOREIGN;
  const details = (name: string) => ({
    'no-loss': `lost ${clusterLost} of ${INV_MESSAGES} in ${name}-cl`,
    'broadcast-complete': `lost ${broadcastLost} of ${INV_MESSAGES} in ${name}-bc/bc#1`,
    'no-unexpected': `${unexpected} receipts of ids this run never sent`,
  });

  it('the seed gives each discarding scope some loss', () => {
    expect([clusterLost, broadcastLost].every((n) => n > 0)).toBe(true);
  });

  async function checkViolatedPasses(id: keyof ReturnType<typeof details>) {
    const run = await violatedRun();
    const s = run.summary!;
    expect(s, run.output).toBeDefined();
    expectEverySendAcked(s, INV_MESSAGES, run.output);
    expect(s.invariants.find((i) => i.id === id)).toEqual({
      id,
      expected: 'violated',
      held: false,
      ok: true,
      detail: details('kt-inv-v')[id],
    });
    expect(run.code, run.output).toBe(0);
    expect(s.verdict).toBe('pass');
  }

  async function checkHoldFails(id: keyof ReturnType<typeof details>) {
    const run = await holdRun();
    const s = run.summary!;
    expect(s, run.output).toBeDefined();
    expectEverySendAcked(s, INV_MESSAGES, run.output);
    expect(run.code, run.output).toBe(99);
    const detail = details('kt-inv-h')[id];
    expect(s.invariants.find((i) => i.id === id)).toEqual({ id, expected: 'hold', held: false, ok: false, detail });
    expect(s.failures).toContain(`invariant ${id} violated: ${detail}`);
    expect(run.output).toContain(detail);
  }

  it('no-loss: a discarding clustering group violates it (expected violated: pass; hold: fail)', async () => {
    await checkViolatedPasses('no-loss');
    await checkHoldFails('no-loss');
    // The ledger sees the loss in the discarding group only, instance by instance for broadcasting.
    const s = (await holdRun()).summary!;
    expect(Object.fromEntries(s.groups.map((g) => [g.scope, g.lost]))).toEqual({
      'kt-inv-h-cl': clusterLost,
      'kt-inv-h-bc/bc#0': 0,
      'kt-inv-h-bc/bc#1': broadcastLost,
    });
  }, 240_000);

  it('broadcast-complete: one broadcasting instance that discards violates it', async () => {
    await checkViolatedPasses('broadcast-complete');
    await checkHoldFails('broadcast-complete');
  }, 240_000);

  it("no-unexpected: a stranger's messages in the topic violate it, counted once per receiving scope", async () => {
    await checkViolatedPasses('no-unexpected');
    await checkHoldFails('no-unexpected');
    const s = (await holdRun()).summary!;
    expect(s.totals.unexpected).toBe(unexpected);
    expect(s.failures).toHaveLength(3);
  }, 240_000);
});
