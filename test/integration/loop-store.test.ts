/**
 * The store disk.slow throttles, on the real kernel without a broker: a loop-mounted ext4 image
 * whose writes the blkio throttle really slows (a synced write, compared with the same write
 * unthrottled), and a crash's leftovers (throttle on, mounted, attached: what the run state
 * recorded) undone by what `cleanup` and the watchdog call. Needs root and cgroup v1 blkio.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blkioThrottleProblem, readThrottle } from '../../src/runtime/blkio-throttle.ts';
import { backingFile, LoopStore, releaseRecordedStoresSync, storeImagePath } from '../../src/runtime/loop-store.ts';
import { RunState } from '../../src/runtime/run-state.ts';

const problem = blkioThrottleProblem();
if (problem) console.log(`loop-store: skipped, ${problem}`);

/** ms to write `bytes` to a new file in `dir` and fsync it (dd conv=fsync). */
function syncedWriteMs(dir: string, name: string, kib: number): number {
  const started = performance.now();
  execFileSync('dd', ['if=/dev/zero', `of=${join(dir, name)}`, 'bs=64k', `count=${kib / 64}`, 'conv=fsync'], {
    stdio: 'ignore',
  });
  return performance.now() - started;
}

describe.skipIf(problem !== undefined)('loop store', () => {
  const base = mkdtempSync(join(tmpdir(), 'rmq-chaos-loop-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('is slowed by its throttle, and a crash leftover is undone from the run state alone', async () => {
    const runId = `loop-store-test-${process.pid}`;
    const state = RunState.create(join(base, 'runs'), { runId, workDir: join(base, 'work'), keep: false });
    const dir = join(base, 'work', 'store');
    const image = storeImagePath(runId, 'broker-a');
    const store = await LoopStore.mount(dir, image, 256 * 2 ** 20, state);
    expect(readFileSync('/proc/mounts', 'utf8')).toContain(dir);
    const fast = syncedWriteMs(dir, 'a', 512);
    store.throttle({ writeBps: 256 * 1024 });
    expect(readThrottle(store.majorMinor)).toEqual({ writeBps: 262144 });
    const slow = syncedWriteMs(dir, 'b', 512);
    expect(slow, `unthrottled ${fast} ms, throttled ${slow} ms`).toBeGreaterThan(5 * fast);

    // The coordinator dies here: only what the state file says is left to go by.
    const recorded = JSON.parse(readFileSync(state.file, 'utf8'));
    expect(recorded).toMatchObject({
      throttledDevices: [store.majorMinor],
      mounts: [dir],
      loopDevices: [{ image, device: store.loop.device }],
    });
    const undone = releaseRecordedStoresSync(recorded);
    expect(undone).toEqual([
      `throttle ${store.majorMinor}`,
      `mount ${dir}`,
      `loop device ${store.loop.device}`,
      `image ${image}`,
    ]);
    expect(readThrottle(store.majorMinor)).toEqual({});
    expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(dir);
    expect(backingFile(store.loop.device)).not.toBe(image);
    expect(existsSync(image)).toBe(false);
    // The owner's own release afterwards finds nothing left to do, and does not throw.
    expect(() => store.release()).not.toThrow();
    state.close();
  }, 60_000);
});
