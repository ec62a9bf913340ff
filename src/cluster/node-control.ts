import type { BlkioLimits } from '../runtime/blkio-throttle.ts';

/**
 * What a started cluster lets a run do to its nodes (`namesrv-0`, `broker-a`, `broker-a-s1`,
 * `proxy`): each provider implements it for its own kind of node (JVM processes, containers);
 * fault actions use it.
 */
export interface NodeControl {
  names(): string[];
  kill(node: string): Promise<void>;
  pause(node: string): Promise<void>;
  resume(node: string): Promise<void>;
  /** Stops (gracefully or with SIGKILL) and starts again with the same config and store. */
  restart(node: string, options: { hard: boolean; downMs: number }): Promise<void>;
  /** A broker's store dir when it is a bounded filesystem of its own (disk faults fill it); else undefined. */
  boundedStore?(node: string): string | undefined;
  /** A broker's store device when it is one of its own that can be throttled (disk.slow); else undefined. */
  storeThrottle?(node: string): StoreThrottle | undefined;
}

export interface StoreThrottle {
  /** The device as a fault's record names it: `/dev/loop3 (7:3)`. */
  readonly deviceName: string;
  throttle(limits: BlkioLimits): void;
  /** Never throws. */
  unthrottle(): void;
}
