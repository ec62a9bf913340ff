/**
 * plans/dlq.yaml on a real broker, shortened: the billing group fails a poison set on every
 * delivery, and the set the test computes itself with `isPoison` must be exactly the set the
 * run read back from %DLQ%billing (the message log's dead-letter records), each delivered
 * maxReconsumeTimes + 1 times with reconsumeTimes 0, 1, 2; nothing lost; the retry timeline
 * has one row per redelivery at the plan's shortened delay levels.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isPoison } from '../../src/fleet/poison-messages.ts';
import { runCli } from '../support/run-cli.ts';

const plan = join(import.meta.dirname, '../../plans/dlq.yaml');
const SEED = 1;
const POISON = 0.02;

describe('dead-letter plan', () => {
  it('reads back exactly the poison set from %DLQ%billing, loses nothing and times each redelivery', async () => {
    const run = await runCli(plan, ['phases.warmup=3s', 'phases.load=8s', 'phases.drain=30s']);
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
    // About 2% of 800: enough to make a set, small enough to keep the run short.
    expect(poison.length, run.output).toBeGreaterThan(5);
    const readBack = records.filter((r) => r[0] === 'dead-letter').map((r) => `${r[2]}:${r[3]}`);
    expect(readBack.sort()).toEqual([...poison].sort());
    expect(records.filter((r) => r[0] === 'lost')).toEqual([]);

    // Each poison message: three deliveries (reconsumeTimes 0, 1, 2), every one answered retry.
    const attempts = new Map<string, number[]>();
    for (const r of records.filter((x) => x[0] === 'delivery')) {
      const id = `${r[3]}:${r[4]}`;
      if (!poison.includes(id)) {
        expect(r[9], id).toBe('success');
        continue;
      }
      expect(r[9], id).toBe('retry');
      attempts.set(id, [...(attempts.get(id) ?? []), r[8] as number].sort());
    }
    for (const id of poison) expect(attempts.get(id), id).toEqual([0, 1, 2]);

    const s = run.summary!;
    const group = s.groups.find((g) => g.scope === 'billing')!;
    expect(group).toMatchObject({ lost: 0, unexpected: 0, unique: acked.length });
    expect(group.deadLetters).toMatchObject({
      readBack: true,
      expected: poison.length,
      deadLettered: poison.length,
      missing: 0,
      unexpected: 0,
    });
    expect(s.invariants.find((i) => i.id === 'dead-letters-exact')).toMatchObject({ held: true, ok: true });
    const dead = s.deadLetters?.[0];
    expect(dead?.readBack).toMatchObject({ topic: '%DLQ%billing', read: poison.length, foreign: 0, awaited: 0 });
    // Levels 3 and 4 of the plan's messageDelayLevel: 2 s, then 3 s; gaps are at least the delay.
    expect(dead?.timeline.attempts.map((a) => [a.attempt, a.delayLevel, a.expectedMs, a.count])).toEqual([
      [1, 3, 2000, poison.length],
      [2, 4, 3000, poison.length],
    ]);
    for (const a of dead?.timeline.attempts ?? []) expect(a.observedP50Ms).toBeGreaterThanOrEqual(a.expectedMs - 500);
    expect(run.output).toMatch(/dead letters {2}billing: \d+ of \d+ poison messages read back from %DLQ%billing/);
  }, 150_000);
});
