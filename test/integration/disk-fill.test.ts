/**
 * plans/disk-fill.yaml on a real broker, shortened where it can be (the broker's first disk
 * check comes 60 s after it boots, so the load phase cannot be): the broker's store is a tmpfs,
 * filling it to 95% makes the broker refuse every send (counted as its SERVICE_NOT_AVAILABLE
 * answer), freeing it lets sends through again, nothing accepted is lost, and no mount is left.
 * Needs root (a tmpfs mount); without it the test says so and skips.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

const plan = join(import.meta.dirname, '../../plans/disk-fill.yaml');
const root = process.getuid?.() === 0;
if (!root) console.log('disk-fill: skipped, a tmpfs store needs root');

describe.skipIf(!root)('disk-fill plan', () => {
  it('a full store refuses sends by type until it is freed; nothing lost; the mount is gone', async () => {
    const run = await runCli(plan, [
      'phases.warmup=3s',
      'phases.chaos=14s',
      'phases.heal=6s',
      'phases.drain=10s',
      'faults[0].duration=10s',
    ]);
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    const refused = s.producers.sendErrors['broker:SERVICE_NOT_AVAILABLE(14)'] ?? 0;
    // 100/s for the 10 s fill, less the up to 1 s the broker takes to see it.
    expect(refused, run.output).toBeGreaterThan(500);
    expect(Object.keys(s.producers.sendErrors)).toEqual(['broker:SERVICE_NOT_AVAILABLE(14)']);
    expect(s.producers.acked + refused + s.producers.dropped).toBe(s.producers.attempted);
    expect(s.totals).toMatchObject({ lost: 0, unexpected: 0 });
    // Sends came back after the fill: acks in the heal phase's rows.
    const healAcks = s.timeseries.filter((row) => row.phase === 'heal').reduce((n, row) => n + row.acked, 0);
    expect(healAcks, run.output).toBeGreaterThan(100);
    expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(s.run.id);
  }, 200_000);
});
