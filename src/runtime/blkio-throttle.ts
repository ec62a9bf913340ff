/**
 * A block device slowed by the kernel's own throttle, without a kernel module: cgroup v1's blkio
 * controller (`blkio.throttle.{write,read}_{bps,iops}_device`), set in the ROOT blkio cgroup for
 * one device. The device is a loop device that only one broker's store sits on
 * (runtime/loop-store.ts), so a rule on it slows that broker and nothing else, and in the root
 * cgroup it holds every writer of that device: the broker's flush threads (force()/msync), the
 * kernel's writeback of its dirty mmap pages and ext4's journal thread alike. A child cgroup
 * holding the broker JVM would not: in cgroup v1, writeback is not attributed to the writer's
 * cgroup, so pages flushed by the kernel's flusher threads (syncfs, dirty expiry) escape the rule
 * (measured here: 20 MiB synced in 0.03 s under a 1 MiB/s child-cgroup rule; the same rule in the
 * root cgroup held an msync loop to 1 MiB/s).
 *
 * A rule outlives the process that set it (and a loop device is reused by the next run that
 * finds it free), so every device throttled is recorded in the run state and cleared by
 * whoever ends the run: the fault's end, the run's release, `cleanup`, the watchdog.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BLKIO_ROOT = '/sys/fs/cgroup/blkio';

/** Limits per second on one device; absent means not limited. */
export interface BlkioLimits {
  writeBps?: number;
  writeIops?: number;
  readBps?: number;
  readIops?: number;
}

const FILES: Readonly<Record<keyof BlkioLimits, string>> = {
  writeBps: 'blkio.throttle.write_bps_device',
  writeIops: 'blkio.throttle.write_iops_device',
  readBps: 'blkio.throttle.read_bps_device',
  readIops: 'blkio.throttle.read_iops_device',
};

const LIMIT_KEYS = Object.keys(FILES) as (keyof BlkioLimits)[];

/** Why this machine cannot throttle a device (not root, no cgroup v1 blkio throttle); undefined when it can. */
export function blkioThrottleProblem(root = BLKIO_ROOT, uid = process.getuid?.()): string | undefined {
  if (uid !== 0) return 'setting a blkio throttle needs root';
  const missing = LIMIT_KEYS.map((k) => FILES[k]).find((file) => !existsSync(join(root, file)));
  if (missing)
    return (
      `${join(root, missing)} does not exist: this machine has no cgroup v1 blkio controller with throttling ` +
      '(cgroup v2 allows no io.max in its root cgroup)'
    );
  return undefined;
}

/** Sets the given limits on `device` (`major:minor`); the others are left as they are. */
export function setThrottle(device: string, limits: BlkioLimits, root = BLKIO_ROOT): void {
  for (const key of LIMIT_KEYS) {
    const value = limits[key];
    if (value !== undefined) writeFileSync(join(root, FILES[key]), `${device} ${Math.round(value)}`);
  }
}

/** Removes every limit on `device` (0 means none to the kernel). True when all four were cleared; never throws. */
export function clearThrottleSync(device: string, root = BLKIO_ROOT): boolean {
  let ok = true;
  for (const key of LIMIT_KEYS) {
    try {
      writeFileSync(join(root, FILES[key]), `${device} 0`);
    } catch {
      ok = false;
    }
  }
  return ok;
}

/** The limits the kernel holds for `device` (what a test or a log line can check). */
export function readThrottle(device: string, root = BLKIO_ROOT): BlkioLimits {
  const limits: BlkioLimits = {};
  for (const key of LIMIT_KEYS) {
    const line = readFileSync(join(root, FILES[key]), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${device} `));
    if (line) limits[key] = Number(line.split(' ')[1]);
  }
  return limits;
}
