/**
 * `NodeControl` for the local provider: SIGKILL, SIGSTOP, SIGCONT and restart of a cluster
 * node's process group. A restart starts the same JVM command on the same config file,
 * ports and store dir, so a broker comes back with its messages (an ASYNC_FLUSH store killed
 * with -9 keeps what the kernel's page cache held; the broker recovers it at boot).
 *
 * Operations on one node run one after another (a kill arriving during a restart waits for
 * it), so two overlapping faults cannot start a node twice.
 */
import type { NodeControl, StoreThrottle } from '../../node-control.ts';
import { sleep } from '../../../util/sleep.ts';
import type { NodeProcesses, PlannedNode } from './node-processes.ts';

export interface LocalNodeControlOptions {
  log: (line: string) => void;
  /** What "back" means beyond the boot line (a broker: the name server lists it again). */
  afterBoot?: (planned: PlannedNode) => Promise<void>;
  /** Store dirs mounted as bounded filesystems, by node name. */
  boundedStores?: ReadonlyMap<string, string>;
  /** Stores on a loop device of their own, by node name: what disk.slow throttles. */
  storeThrottles?: ReadonlyMap<string, StoreThrottle>;
}

export class LocalNodeControl implements NodeControl {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly processes: NodeProcesses,
    private readonly options: LocalNodeControlOptions,
  ) {}

  names(): string[] {
    return this.processes.planned.map((p) => p.node.name);
  }

  boundedStore(node: string): string | undefined {
    return this.options.boundedStores?.get(node);
  }

  storeThrottle(node: string): StoreThrottle | undefined {
    return this.options.storeThrottles?.get(node);
  }

  kill(node: string): Promise<void> {
    return this.serial(node, async () => {
      await this.processes.stop(node, true);
    });
  }

  pause(node: string): Promise<void> {
    return this.serial(node, async () => {
      if (this.processes.process(node)?.signal('SIGSTOP')) this.options.log(`[${node}] paused (SIGSTOP)`);
    });
  }

  resume(node: string): Promise<void> {
    return this.serial(node, async () => {
      if (this.processes.process(node)?.signal('SIGCONT')) this.options.log(`[${node}] resumed (SIGCONT)`);
    });
  }

  restart(node: string, { hard, downMs }: { hard: boolean; downMs: number }): Promise<void> {
    return this.serial(node, async () => {
      const planned = this.processes.plan(node);
      const began = performance.now();
      await this.processes.stop(node, hard);
      if (downMs > 0) await sleep(downMs);
      // The cluster is going down: coming back now would only leak a JVM into the stop.
      if (this.processes.isClosing) return;
      this.processes.launch(planned);
      await this.processes.booted(planned);
      await this.options.afterBoot?.(planned);
      this.options.log(
        `[${node}] restarted (${hard ? 'SIGKILL' : 'graceful'}, down ${downMs} ms) in ` +
          `${((performance.now() - began) / 1000).toFixed(1)}s`,
      );
    });
  }

  private serial(node: string, work: () => Promise<void>): Promise<void> {
    try {
      this.processes.plan(node); // unknown names fail at once, not after the queue
    } catch (error) {
      return Promise.reject(error);
    }
    const previous = this.queues.get(node) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(node, next);
    return next;
  }
}
