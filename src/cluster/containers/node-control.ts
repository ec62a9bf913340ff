/**
 * `NodeControl` for the containers provider: a node fault is the container runtime's verb.
 * kill = `kill` (SIGKILL to the JVM, the container stops), pause/resume = `pause`/`unpause`
 * (the cgroup freezer: the SIGSTOP of a container), restart = `kill` or `stop` (SIGTERM,
 * then SIGKILL after the grace period), the down time, then `start`: the same container,
 * config and filesystem, so a broker comes back with its store. Back means the boot line
 * again in the container's log since the start, then `afterBoot` (a broker: listed again).
 * Operations on one node run one after another, as in the local provider.
 */
import type { NodeControl } from '../node-control.ts';
import { UsageError } from '../../util/errors.ts';
import { sleep } from '../../util/sleep.ts';
import type { ClusterNode } from '../provider.ts';
import { BOOT_TIMEOUT_MS } from './node-containers.ts';

/** The runtime calls used here (a dockerode Container; an interface so tests can fake it). */
export interface RuntimeContainer {
  kill(options?: { signal?: string }): Promise<unknown>;
  pause(): Promise<unknown>;
  unpause(): Promise<unknown>;
  stop(options?: { t?: number }): Promise<unknown>;
  start(): Promise<unknown>;
  logs(options: { stdout: boolean; stderr: boolean; since: number; follow?: false }): Promise<Buffer | string>;
}

export interface ControlledNode {
  node: ClusterNode;
  container: RuntimeContainer;
  bootLine: RegExp;
}

export const STOP_GRACE_S = 15;

export class ContainerNodeControl implements NodeControl {
  private readonly queues = new Map<string, Promise<unknown>>();
  private closing = false;

  constructor(
    private readonly nodes: readonly ControlledNode[],
    private readonly options: { log: (line: string) => void; afterBoot?: (node: ClusterNode) => Promise<void> },
  ) {}

  names(): string[] {
    return this.nodes.map((n) => n.node.name);
  }

  /** The cluster is being removed: a restart in progress must not start its container again. */
  close(): void {
    this.closing = true;
  }

  kill(node: string): Promise<void> {
    return this.serial(node, async ({ container }) => {
      await ignoreNotRunning(container.kill({ signal: 'SIGKILL' }));
      this.options.log(`[${node}] killed (container kill)`);
    });
  }

  pause(node: string): Promise<void> {
    return this.serial(node, async ({ container }) => {
      await container.pause();
      this.options.log(`[${node}] paused (container pause)`);
    });
  }

  resume(node: string): Promise<void> {
    return this.serial(node, async ({ container }) => {
      await ignoreNotRunning(container.unpause());
      this.options.log(`[${node}] resumed (container unpause)`);
    });
  }

  restart(node: string, { hard, downMs }: { hard: boolean; downMs: number }): Promise<void> {
    return this.serial(node, async (controlled) => {
      const { container } = controlled;
      const began = performance.now();
      if (hard) await ignoreNotRunning(container.kill({ signal: 'SIGKILL' }));
      else await ignoreNotRunning(container.stop({ t: STOP_GRACE_S }));
      if (downMs > 0) await sleep(downMs);
      if (this.closing) return;
      // Log timestamps have second resolution: from one second before the start on, only this boot's line is new.
      const since = Math.floor(Date.now() / 1000) - 1;
      await container.start();
      await waitForLogLine(container, controlled.bootLine, since, BOOT_TIMEOUT_MS, node);
      await this.options.afterBoot?.(controlled.node);
      this.options.log(
        `[${node}] restarted (${hard ? 'kill' : 'stop'}, down ${downMs} ms) in ` +
          `${((performance.now() - began) / 1000).toFixed(1)}s`,
      );
    });
  }

  private serial(name: string, work: (node: ControlledNode) => Promise<void>): Promise<void> {
    const node = this.nodes.find((n) => n.node.name === name);
    if (!node)
      return Promise.reject(new UsageError(`no cluster node named "${name}" (nodes: ${this.names().join(', ')})`));
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => work(node));
    this.queues.set(name, next);
    return next;
  }
}

/** Killing a stopped container or unpausing a running one answers 409/500; the state wanted is there. */
async function ignoreNotRunning(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const text = error instanceof Error ? error.message : String(error);
    if (status === 304 || status === 409 || /not running|is not paused|state stopped|exited/i.test(text)) return;
    throw error;
  }
}

export async function waitForLogLine(
  container: RuntimeContainer,
  line: RegExp,
  since: number,
  timeoutMs: number,
  node: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = await container.logs({ stdout: true, stderr: true, since, follow: false });
    if (line.test(logs.toString())) return;
    if (Date.now() > deadline) throw new Error(`[${node}] no ${line} in its container log ${timeoutMs} ms after start`);
    await sleep(500);
  }
}
