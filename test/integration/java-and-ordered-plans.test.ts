/**
 * The shipped plans of RocketMQ's own Java clients and of ordered consumption, run as users
 * run them (shortened with --set): tag-drift-java reproduces the inconsistent subscription
 * with a 4.9.7 and a 5.3.3 DefaultMQPushConsumer in one group and explains every lost message;
 * ordered-consumers reads ordered messages orderly (broker locks), by lite pull subscribe and
 * by lite pull assign, across a hard restart, and its summary carries each group's ordering.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { TOLERATE_BUSY } from './support/problem-plans.ts';

const plan = (name: string) => join(import.meta.dirname, '../../plans', `${name}.yaml`);

describe('Java and ordered-consumption plans', () => {
  it('tag-drift-java: the Java clients lose TagB to the drifted instance; the diagnosis explains all', async () => {
    const run = await runCli(plan('tag-drift-java'), [
      'phases.warmup=3s',
      'phases.load=8s',
      'phases.drain=5s',
      TOLERATE_BUSY,
    ]);
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    const f = s.diagnoses.find((d) => d.id === 'inconsistent-subscription');
    expect(f?.evidence['differences'], run.output).toEqual([
      { topic: 'orders', variants: { TagA: ['billing#0'], 'TagA || TagB': ['billing#1'] } },
    ]);
    const billing = s.groups.find((g) => g.scope === 'billing')!;
    expect(billing.lost).toBeGreaterThan(0);
    expect(billing.lostExplained).toBe(billing.lost);
    // Only TagB is lost: the drifted instance's client drops it after the broker filtered with "TagA || TagB".
    expect(billing.breakdown.byTag.filter((c) => c.lost > 0).map((c) => c.key)).toEqual(['TagB']);
    expect(run.output).toContain('setup: Java worker (rocketmq-client 4.9.7)');
  }, 240_000);

  it('ordered-consumers: every key in order in each group across a restart; ordering figures per group', async () => {
    const run = await runCli(plan('ordered-consumers'), [
      'phases.warmup=3s',
      'phases.load=5s',
      'phases.chaos=12s',
      'phases.heal=3s',
      'phases.drain=15s',
    ]);
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    expect(s.invariants.find((i) => i.id === 'ordered')).toMatchObject({ held: true, ok: true });
    for (const group of ['books', 'auditors', 'archivers']) {
      const g = s.groups.find((x) => x.scope === group)!;
      expect(g.ordering, group).toMatchObject({ checked: true, reordered: 0 });
      expect(g.lost, group).toBe(0);
    }
    // The orderly group's retries (first: 5) came back in order, before anything after them.
    expect(s.duplicateCauses['retry']).toBeGreaterThanOrEqual(5);
    expect(s.faults[0]).toMatchObject({ action: 'restart', target: 'books#1' });
    expect(s.faults[0]!.error).toBeUndefined();
  }, 240_000);
});
