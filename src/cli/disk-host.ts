import type { DiskHost } from '../plan/cross-check-disk.ts';
import { blkioThrottleProblem } from '../runtime/blkio-throttle.ts';

/** What this machine can do for disk faults, for commands that start a cluster here (`run`, `cluster up`). */
export function diskHostHere(): DiskHost {
  return {
    mountProblem: process.getuid?.() === 0 ? undefined : "mounting a broker's store (a tmpfs) needs root",
    throttleProblem: blkioThrottleProblem(),
  };
}
