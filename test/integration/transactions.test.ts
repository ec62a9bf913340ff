/**
 * plans/transactions.yaml on a real broker, against known truth: which message ends how is a
 * pure function of (seed, producer, seq) the test calls itself (finalOutcome, localOutcome), so
 * from the halves the broker stored (every ack in messages.ndjson, and every half a check-back
 * was about in events.ndjson) it knows exactly which messages must be delivered and which never;
 * the ledger's counts and the deliveries must equal those sets. payments#1 is killed with halves
 * open: payments#0 answers the broker's check-backs about them, after the kill. The same plan on
 * the JVM worker (TransactionMQProducer) must end the same messages the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { finalOutcome, localOutcome, type TransactionRates } from '../../src/fleet/transaction-choice.ts';
import { type CliRun, readEvents, runCli } from '../support/run-cli.ts';

const plan = join(import.meta.dirname, '../../plans/transactions.yaml');
// As in the plan.
const SEED = 20;
const RATES: TransactionRates = { commit: 0.8, rollback: 0.1, unknown: 0.1 };

const split = (id: string): [string, number] => {
  const at = id.lastIndexOf(':');
  return [id.slice(0, at), Number(id.slice(at + 1))];
};
const final = (id: string) => finalOutcome(RATES, SEED, ...split(id));
const local = (id: string) => localOutcome(RATES, SEED, ...split(id));
const sorted = (ids: Iterable<string>) => [...ids].sort();

interface CheckBackEvent {
  at: number;
  instance: string;
  checks: { id: string; answer: string; latencyMs: number }[];
}

/** The run's ledger, deliveries and check-backs against what the plan's functions say of every stored half. */
function expectKnownTruth(run: CliRun): void {
  expect(run.code, run.output).toBe(0);
  const s = run.summary!;
  const records = gunzipSync(readFileSync(join(run.runDir!, 'messages.ndjson.gz')))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown[]);
  const acked = new Set(records.filter((r) => r[0] === 'ack').map((r) => `${r[1]}:${r[2]}`));
  const delivered = new Set(records.filter((r) => r[0] === 'delivery').map((r) => `${r[3]}:${r[4]}`));
  const events = readEvents(run.runDir!);
  const checkBacks = events.filter((e) => e.type === 'check-backs') as unknown as CheckBackEvent[];
  const checked = new Set(checkBacks.flatMap((e) => e.checks.map((c) => c.id)));

  // Known truth: every stored half ends one way, by the plan's function.
  const stored = new Set([...acked, ...checked]);
  const committed = [...stored].filter((id) => final(id) === 'commit');
  const rolledBack = [...stored].filter((id) => final(id) === 'rollback');
  expect(rolledBack.length, 'the seed rolls some back').toBeGreaterThan(0);
  const tx = s.transactions!;
  expect({ committed: tx.committed, rolledBack: tx.rolledBack }).toEqual({
    committed: committed.length,
    rolledBack: rolledBack.length,
  });
  // Delivered: exactly the committed ones (so no loss, nothing rolled back, nothing unknown left).
  expect(sorted(delivered)).toEqual(sorted(committed));
  expect(tx.rolledBackDelivered).toBe(0);
  expect(s.groups[0]!.rolledBackDelivered).toBe(0);
  expect(s.totals).toMatchObject({ acked: committed.length, unique: committed.length, lost: 0, unexpected: 0 });
  expect(s.invariants.find((i) => i.id === 'no-rolled-back-delivered')).toMatchObject({ held: true, ok: true });

  // Every half left unknown by the producer that lived was checked back, and answered its way.
  const unknownOfSurvivor = [...acked].filter((id) => id.startsWith('payments#0:') && local(id) === 'unknown');
  expect(unknownOfSurvivor.length).toBeGreaterThan(0);
  for (const id of unknownOfSurvivor) expect(checked, id).toContain(id);
  for (const e of checkBacks) for (const c of e.checks) expect(c.answer, c.id).toBe(final(c.id));
  expect(tx.checkBacks.count).toBe(checkBacks.reduce((n, e) => n + e.checks.length, 0));
  expect(tx.checkBacks.halves).toBe(checked.size);
  expect(tx.checkBacks.latency.count).toBe(tx.checkBacks.count);

  // The kill: halves payments#1 had decided (commit or rollback) but never ended were checked
  // back after it, and payments#0 answered for its dead peer.
  const killedAt = events.find((e) => e.type === 'fault-begin' && e['target'] === 'payments#1')!.at as number;
  const forTheDead = checkBacks
    .filter((e) => e.at >= killedAt && e.instance === 'payments#0')
    .flatMap((e) => e.checks)
    .filter((c) => c.id.startsWith('payments#1:') && local(c.id) !== 'unknown');
  expect(forTheDead.length, run.output).toBeGreaterThan(0);
  expect(tx.checkBacks.byOtherInstance).toBeGreaterThanOrEqual(forTheDead.length);
}

describe('transactions plan', () => {
  it('delivers exactly the committed halves, never a rolled-back one, and checks back on a dead producer', async () => {
    expectKnownTruth(await runCli(plan));
  }, 180_000);

  it('the same on the JVM worker (TransactionMQProducer), shorter', async () => {
    const run = await runCli(plan, ['fleets.producers[0].driver=java', 'phases.load=8s', 'faults[0].at=5s']);
    expectKnownTruth(run);
    expect(run.output).toMatch(/rocketmq-client/);
  }, 240_000);
});
