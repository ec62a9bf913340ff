/**
 * plans/timers.yaml on a real broker, shortened: 5.x timers and delay levels, with the broker
 * killed and started again while some are pending. Asserts what must hold whatever the timing:
 * nothing lost, every delayed message delivered (those pending across the restart too), none
 * before its requested time beyond what the broker allows (a timer: its 1 s precision; a
 * delay level: not at all), and lateness figures that are consistent. No timing targets.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

const plan = join(import.meta.dirname, '../../plans/timers.yaml');

describe('timers plan', () => {
  it('delivers every delayed message, pending across a broker restart too, none early', async () => {
    const run = await runCli(plan, [
      'phases.warmup=3s',
      'phases.load=6s',
      'phases.chaos=6s',
      'phases.heal=0s',
      'phases.drain=30s',
      'faults[0].at=2s',
      'faults[0].down=2s',
      'fleets.producers[0].delay.by=4s',
      'fleets.producers[1].delay.level=2',
    ]);
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    expect(s.totals).toMatchObject({ lost: 0, unexpected: 0, drained: true });
    const t = s.timers!;
    expect(t.kinds.map((k) => k.label)).toEqual(['timer 4s', 'level 2 (5s)', 'timer 5s']);
    for (const k of t.kinds) {
      expect(k.acked, k.label).toBeGreaterThan(0);
      expect(k.delivered, k.label).toBe(k.acked);
      expect(k.early, k.label).toBe(0);
      expect(k.toleranceMs, k.label).toBe(k.kind === 'timer' ? 1000 : 0);
      const l = k.lateness;
      expect(l.count).toBe(k.delivered);
      expect(l.min!, k.label).toBeGreaterThanOrEqual(-k.toleranceMs);
      expect(l.min!).toBeLessThanOrEqual(l.p50!);
      expect(l.p50!).toBeLessThanOrEqual(l.p99!);
      expect(l.p99!).toBeLessThanOrEqual(l.max!);
    }
    // "some" delays a quarter of its messages: all delayed acks together are fewer than all acks.
    expect(t.overall.acked).toBeLessThan(s.producers.acked);
    const restart = t.faultWindows.find((f) => f.label === 'restart broker-a');
    expect(restart, JSON.stringify(t.faultWindows)).toBeDefined();
    expect(restart!.pending).toBeGreaterThan(0);
    expect(restart!.delivered).toBe(restart!.pending);
    expect(restart!.early).toBe(0);
    expect(t.overTime.reduce((n, p) => n + p.count, 0)).toBe(t.overall.delivered);
    expect(s.checks.map((c) => c.metric)).toEqual(expect.arrayContaining(['timer_early', 'timer_lateness']));
  }, 180_000);
});
