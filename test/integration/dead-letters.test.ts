/**
 * plans/dlq.yaml on a real broker, shortened, with a second group beside billing whose
 * consumers are RocketMQ's own Java client (driver java: RECONSUME_LATER and
 * setMaxReconsumeTimes). Each group fails a poison set on every delivery, and the set the test
 * computes itself with `isPoison` must be exactly the set the run read back from that group's
 * %DLQ% (the message log's dead-letter records), each delivered maxReconsumeTimes + 1 times
 * with reconsumeTimes 0, 1, 2; nothing lost; the retry timeline has one row per redelivery at
 * the plan's shortened delay levels. A third group makes the invariant fail on the same run:
 * with maxReconsumeTimes 0 its first 5 healthy messages (failure.first) go straight to its DLQ
 * too, so it holds exactly 5 messages that are not poison: dead-lettered (not lost), unexpected,
 * and dead-letters-exact violated (the run expects that).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { isPoison } from '../../src/fleet/poison-messages.ts';
import { runCli, writePlan } from '../support/run-cli.ts';

const SEED = 1;
const POISON = 0.02;

/**
 * The shipped plan, with a Java group beside billing (the same poison share, another DLQ) and a
 * group whose first healthy messages are dead-lettered too.
 */
function planWithJavaGroup(): string {
  const doc = parseDocument(readFileSync(join(import.meta.dirname, '../../plans/dlq.yaml'), 'utf8'));
  doc.addIn(['fleets', 'consumers'], {
    name: 'audit',
    driver: 'java',
    subscription: { orders: '*' },
    deadLetter: { poison: POISON, maxReconsumeTimes: 2 },
  });
  doc.addIn(['fleets', 'consumers'], {
    name: 'strict',
    subscription: { orders: '*' },
    failure: { first: 5 },
    deadLetter: { poison: POISON, maxReconsumeTimes: 0 },
  });
  doc.setIn(['expect', 'invariants', 'dead-letters-exact'], 'violated');
  return writePlan('dlq-java', doc.toString());
}

describe('dead-letter plan', () => {
  it('reads back exactly the poison set from each %DLQ%, loses nothing and times each redelivery', async () => {
    const run = await runCli(planWithJavaGroup(), ['phases.warmup=3s', 'phases.load=6s', 'phases.drain=30s']);
    expect(run.code, run.output).toBe(0);
    const records = gunzipSync(readFileSync(join(run.runDir!, 'messages.ndjson.gz')))
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown[]);
    const acked = records.filter((r) => r[0] === 'ack').map((r) => `${r[1]}:${r[2]}`);
    const poison = acked.filter((id) => {
      const [producer, seq] = id.split(':');
      return isPoison(POISON, SEED, producer!, Number(seq));
    });
    // About 2% of 600: enough to make a set, small enough to keep the run short.
    expect(poison.length, run.output).toBeGreaterThan(5);
    expect(records.filter((r) => r[0] === 'lost')).toEqual([]);
    const s = run.summary!;

    for (const group of ['billing', 'audit']) {
      const readBack = records.filter((r) => r[0] === 'dead-letter' && r[1] === group).map((r) => `${r[2]}:${r[3]}`);
      expect(readBack.sort(), group).toEqual([...poison].sort());
      // Each poison message: three deliveries (reconsumeTimes 0, 1, 2), every one answered retry.
      const attempts = new Map<string, number[]>();
      for (const r of records.filter((x) => x[0] === 'delivery' && x[1] === group)) {
        const id = `${r[3]}:${r[4]}`;
        expect(r[9], `${group} ${id}`).toBe(poison.includes(id) ? 'retry' : 'success');
        if (poison.includes(id)) attempts.set(id, [...(attempts.get(id) ?? []), r[8] as number].sort());
      }
      for (const id of poison) expect(attempts.get(id), `${group} ${id}`).toEqual([0, 1, 2]);

      expect(s.groups.find((g) => g.scope === group)).toMatchObject({
        lost: 0,
        unexpected: 0,
        unique: acked.length,
        deadLetters: {
          readBack: true,
          expected: poison.length,
          deadLettered: poison.length,
          missing: 0,
          unexpected: 0,
        },
      });
      const dead = s.deadLetters?.find((d) => d.group === group);
      expect(dead?.readBack).toMatchObject({ topic: `%DLQ%${group}`, read: poison.length, foreign: 0, awaited: 0 });
      // Levels 3 and 4 of the plan's messageDelayLevel: 2 s, then 3 s.
      expect(dead?.timeline.attempts.map((a) => [a.attempt, a.delayLevel, a.expectedMs, a.count])).toEqual([
        [1, 3, 2000, poison.length],
        [2, 4, 3000, poison.length],
      ]);
      // The broker holds a retry for its delay: no redelivery comes before it (slack for clock reads).
      for (const a of dead?.timeline.attempts ?? []) expect(a.observedP50Ms).toBeGreaterThanOrEqual(a.expectedMs - 500);
      expect(run.output).toMatch(
        new RegExp(`dead letters {2}${group}: ${poison.length} of ${poison.length} poison messages read back`),
      );
    }

    // strict: every poison message once (reconsumeTimes 0 is the limit), plus its first 5 healthy ones.
    const strictRead = records.filter((r) => r[0] === 'dead-letter' && r[1] === 'strict').map((r) => `${r[2]}:${r[3]}`);
    const extra = strictRead.filter((id) => !poison.includes(id));
    expect(extra, run.output).toHaveLength(5);
    expect(strictRead.filter((id) => poison.includes(id)).sort()).toEqual([...poison].sort());
    expect(s.groups.find((g) => g.scope === 'strict')).toMatchObject({
      lost: 0,
      deadLetters: { expected: poison.length, deadLettered: poison.length, missing: 0, unexpected: 5 },
    });
    expect(s.groups.find((g) => g.scope === 'strict')?.deadLetters?.unexpectedSample.sort()).toEqual(extra.sort());
    expect(s.deadLetters?.find((d) => d.group === 'strict')?.timeline.attempts).toEqual([]);
    expect(s.invariants.find((i) => i.id === 'dead-letters-exact')).toMatchObject({
      held: false,
      expected: 'violated',
      ok: true,
    });
    expect(s.invariants.find((i) => i.id === 'no-loss')).toMatchObject({ held: true, ok: true });
  }, 180_000);
});
