/**
 * plans/disk-slow.yaml on a real broker, shortened: the broker's store is an ext4 image on a
 * loop device; throttling its writes (SYNC_FLUSH: every send waits for its flush) makes sends
 * much slower than in the same length before, they are fast again once it is lifted, failed
 * sends are counted by type (client timeouts), nothing accepted is lost, and the run leaves no
 * throttle, mount, loop device or image behind. Latencies are compared with each other within
 * the run, never with a bound. Needs root and cgroup v1 blkio; without them the test says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendWindow } from '../../src/metrics/sends-around-faults.ts';
import { blkioThrottleProblem, readThrottle } from '../../src/runtime/blkio-throttle.ts';
import { backingFile, storeImagePath } from '../../src/runtime/loop-store.ts';
import { cachePaths } from '../../src/setup/cache-dir.ts';
import { runCli } from '../support/run-cli.ts';

const plan = join(import.meta.dirname, '../../plans/disk-slow.yaml');
const problem = blkioThrottleProblem();
if (problem) console.log(`disk-slow: skipped, ${problem}`);

describe.skipIf(problem !== undefined)('disk-slow plan', () => {
  it('sends slow while the store device is throttled and fast after; by type; nothing lost or left', async () => {
    const run = await runCli(plan, [
      'phases.warmup=3s',
      'phases.load=9s',
      'phases.chaos=9s',
      'phases.heal=9s',
      'phases.drain=10s',
      'faults[0].duration=9s',
    ]);
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    const [around] = s.sendsAroundFaults ?? [];
    expect(around?.fault, run.output).toBe('disk.slow-0');
    const { before, during, after } = around!;
    // A flush per send through a 256 KiB/s device against one through RAM.
    expect(during.meanMs!, run.output).toBeGreaterThan(3 * before.meanMs!);
    // Recovered: the second half of the window after it (the first holds sends queued during it).
    const settled = sendWindow(s.timeseries, (after.fromMs + after.toMs) / 2, after.toMs);
    expect(settled.acked, run.output).toBeGreaterThan(0);
    expect(settled.meanMs!, run.output).toBeLessThan(during.meanMs! / 3);
    expect(settled.sendErrors).toBe(0);
    // Whatever failed failed as a send timeout: the broker refused nothing.
    for (const type of Object.keys(s.producers.sendErrors)) expect(type).toBe('timeout');
    // Every send made was acked or timed out (a send the in-flight cap held back is dropped, not attempted).
    expect(s.producers.acked + (s.producers.sendErrors.timeout ?? 0)).toBe(s.producers.attempted);
    expect(s.totals).toMatchObject({ lost: 0, unexpected: 0 });
    // Nothing left: throttle, mount, loop device, image, run state.
    const [, loop, device] = /(\/dev\/loop\d+) \((\d+:\d+)\)/.exec(s.faults[0]!.observed.detail) ?? [];
    expect(device, s.faults[0]!.observed.detail).toBeDefined();
    expect(readThrottle(device!)).toEqual({});
    expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(s.run.id);
    const image = storeImagePath(s.run.id, 'broker-a');
    expect(existsSync(image)).toBe(false);
    expect(backingFile(loop!)).not.toBe(image);
    expect(existsSync(join(cachePaths().runs, s.run.id))).toBe(false);
  }, 200_000);
});
