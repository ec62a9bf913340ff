/**
 * The JVMs of one local cluster: each planned node's config and launch options, its current
 * process (a restart replaces it with a new one on the same config, ports and store), and
 * the ordered stop of them all. Every process is spawned through RunResources, so the
 * watchdog and `cleanup` reap restarted nodes too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ManagedProcess, ProcessExit } from '../../../runtime/managed-process.ts';
import type { RunResources } from '../../../runtime/run-resources.ts';
import { UsageError } from '../../../util/errors.ts';
import type { ClusterNode } from '../../provider.ts';
import { BOOT_LINE, jvmProcessOptions, type JvmNode } from './jvm.ts';

export const BOOT_TIMEOUT_MS = 90_000;
/** A broker's shutdown hook flushes and unregisters; past this it is killed. */
export const STOP_GRACE_MS = 15_000;

export interface PlannedNode {
  node: ClusterNode;
  jvm: JvmNode;
  config: { file: string; text: string };
  /** Other files the daemon reads, written with its config (4.x's logback configuration). */
  extraFiles?: { file: string; text: string }[];
  /** Lines to wait for at boot, in addition to its kind's (a name server's embedded controller). */
  extraBootLines?: RegExp[];
}

export class NodeProcesses {
  private readonly current = new Map<string, ManagedProcess>();
  private closing = false;

  constructor(
    readonly planned: readonly PlannedNode[],
    private readonly resources: RunResources,
    private readonly log: (line: string) => void,
    private readonly options: { leaveRunning: boolean; startedAt: number },
  ) {}

  /** True once the cluster is being stopped: a restart in progress must not start its node again. */
  get isClosing(): boolean {
    return this.closing;
  }

  plan(name: string): PlannedNode {
    const planned = this.planned.find((p) => p.node.name === name);
    if (!planned)
      throw new UsageError(
        `no cluster node named "${name}" (nodes: ${this.planned.map((p) => p.node.name).join(', ')})`,
      );
    return planned;
  }

  process(name: string): ManagedProcess | undefined {
    return this.current.get(name);
  }

  /** Writes the node's config (the same text every time) and starts its JVM. */
  launch(planned: PlannedNode): ManagedProcess {
    const { node, jvm, config } = planned;
    for (const { file, text } of [config, ...(planned.extraFiles ?? [])]) {
      mkdirSync(dirname(file), { recursive: true });
      // Owner only: with authentication on, a broker's conf holds the harness's admin secret.
      writeFileSync(file, text, { mode: 0o600 });
    }
    const proc = this.resources.spawn({ ...jvmProcessOptions(jvm), leaveRunning: this.options.leaveRunning });
    this.current.set(node.name, proc);
    node.pid = proc.pid;
    this.log(`[${node.name}] starting on ${node.addr} (pid ${proc.pid}, log ${node.logFile})`);
    return proc;
  }

  async booted(planned: PlannedNode): Promise<void> {
    const proc = this.current.get(planned.node.name);
    if (!proc) throw new UsageError(`[${planned.node.name}] was never started`);
    for (const line of [BOOT_LINE[planned.jvm.kind], ...(planned.extraBootLines ?? [])])
      await proc.waitForLine(line, BOOT_TIMEOUT_MS);
    this.log(
      `[${planned.node.name}] booted after ${((performance.now() - this.options.startedAt) / 1000).toFixed(1)}s`,
    );
  }

  /** Stops one node's current process: SIGTERM with a grace period, or SIGKILL. */
  async stop(name: string, hard: boolean): Promise<ProcessExit | undefined> {
    const proc = this.current.get(name);
    if (!proc || proc.hasExited) return undefined;
    const began = performance.now();
    const exit = hard ? await proc.kill() : await proc.stop(STOP_GRACE_MS);
    this.log(
      `[${name}] stopped in ${((performance.now() - began) / 1000).toFixed(1)}s ` +
        `(${exit.signal ?? `exit ${exit.code}`})`,
    );
    return exit;
  }

  /**
   * Proxy and brokers first, together (they unregister from the name servers), then the
   * name servers. The store is deleted after the run unless --keep, so a graceful broker
   * stop (about 14 s here: flush, unregister, pool shutdowns) would buy nothing but wall time.
   */
  async stopAll(): Promise<void> {
    this.closing = true;
    const graceful = this.resources.state.snapshot.keep;
    const names = (namesrv: boolean) =>
      this.planned.filter((p) => (p.jvm.kind === 'namesrv') === namesrv).map((p) => p.node.name);
    await Promise.all(names(false).map((name) => this.stop(name, !graceful)));
    await Promise.all(names(true).map((name) => this.stop(name, !graceful)));
  }
}
