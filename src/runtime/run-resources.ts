import { rmSync } from 'node:fs';
import { isSameProcess, signalGroup } from '../util/process-info.ts';
import { ManagedProcess, type ManagedProcessOptions } from './managed-process.ts';
import type { RecordedProcess, RunState } from './run-state.ts';
import { startWatchdog } from './watchdog.ts';
import { releaseRecordedStoresSync } from './loop-store.ts';

type Cleanup = { name: string; run: () => Promise<void> };

/**
 * What `release()` did, as the resource owner saw it: for a summary of a run that stopped
 * early, which says what was cleaned up (nothing here is inferred from the plan).
 */
export interface ReleaseReport {
  /** The registered cleanups (cluster, faults, observer, sampler...), in the order they ran. */
  steps: { name: string; ok: boolean; error?: string }[];
  /** Every process the run started, how and by whom it ended. */
  processes: ReleasedProcess[];
  /** The run's work folder (node configs, stores, logs): deleted, or kept with --keep. */
  workDir: { path: string; deleted: boolean };
  /** Containers the run made, found by this label (removed by the `cluster` step); absent without containers. */
  containers?: { label: string; networks: string[] };
}

export interface ReleasedProcess {
  name: string;
  pid: number;
  /** How it ended: `exit 0`, `exit 1`, `SIGTERM`, `SIGKILL` (a kill, or a stop past its grace time). */
  exit: string;
  /**
   * `release`: running when the run ended, stopped by the release; `before-release`: stopped
   * by rmq-chaos earlier (a cluster start that failed cleans up after itself, a fault, a
   * restart); `itself`: ended without being asked (finished its work, crashed, failed to boot).
   */
  stoppedBy: 'release' | 'before-release' | 'itself';
}

/**
 * The single owner of everything one run starts. Processes spawned through it are recorded
 * in the run state (for the watchdog and `cleanup`) and stopped when it is released;
 * other resources register a cleanup. `release()` runs on success, error and signals;
 * `killAllNow()` is the synchronous last resort (second Ctrl-C, process exit).
 */
export class RunResources implements AsyncDisposable {
  private readonly processes = new Set<ManagedProcess>();
  /** Every process ever spawned, for the release report (`processes` forgets those that exited). */
  private readonly spawned: ManagedProcess[] = [];
  private readonly cleanups: Cleanup[] = [];
  private released: Promise<ReleaseReport> | undefined;
  private watchdog: RecordedProcess | undefined;

  constructor(
    readonly state: RunState,
    private readonly log: (line: string) => void,
  ) {}

  get workDir(): string {
    return this.state.snapshot.workDir;
  }

  spawn(options: ManagedProcessOptions): ManagedProcess {
    const proc = new ManagedProcess(options);
    this.processes.add(proc);
    if (proc.child.pid !== undefined) {
      this.spawned.push(proc);
      const record = proc.record();
      this.state.addProcess(record);
      void proc.exited.then(() => {
        this.processes.delete(proc);
        if (!this.released) this.state.removeProcess(record.pid);
      });
    }
    return proc;
  }

  /** Starts the watchdog that reaps this run's processes if this process dies without releasing. */
  startWatchdog(): void {
    this.watchdog = startWatchdog(this.state.dir);
    this.state.addProcess(this.watchdog);
  }

  /** Registers a cleanup; cleanups run in reverse order of registration. */
  defer(name: string, run: () => Promise<void>): void {
    this.cleanups.push({ name, run });
  }

  /** Releases everything once (a second call gets the first call's report) and says what it did. */
  release(graceMs = 10_000): Promise<ReleaseReport> {
    this.released ??= this.releaseOnce(graceMs);
    return this.released;
  }

  private async releaseOnce(graceMs: number): Promise<ReleaseReport> {
    // Whoever stops a process from here on (a cleanup step or the sweep below), the release did.
    const runningAtRelease = new Set([...this.processes].filter((proc) => !proc.hasExited));
    const steps: ReleaseReport['steps'] = [];
    for (const cleanup of this.cleanups.reverse()) {
      try {
        await cleanup.run();
        steps.push({ name: cleanup.name, ok: true });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.log(`cleanup of ${cleanup.name} failed: ${message}`);
        steps.push({ name: cleanup.name, ok: false, error: message });
      }
    }
    await Promise.all([...this.processes].map((proc) => proc.stop(graceMs)));
    const { keep, containers } = this.state.snapshot;
    // Before the dir goes (and even when it is kept: a mount, a throttle or a loop device must not outlive the run).
    releaseRecordedStoresSync(this.state.snapshot);
    if (!keep) rmSync(this.workDir, { recursive: true, force: true });
    this.state.close();
    // Nothing is left to guard; the watchdog would notice within 250 ms, this is at once.
    if (this.watchdog && isSameProcess(this.watchdog.pid, this.watchdog.startTicks))
      signalGroup(this.watchdog.pgid, 'SIGTERM');
    return {
      steps,
      processes: this.spawned.map((proc) => releasedProcess(proc, runningAtRelease.has(proc))),
      workDir: { path: this.workDir, deleted: !keep },
      ...(containers ? { containers: { label: containers.label, networks: [...containers.networks] } } : {}),
    };
  }

  killAllNow(): void {
    for (const proc of this.processes) {
      if (proc.child.pid !== undefined) {
        signalGroup(proc.child.pid, 'SIGCONT');
        signalGroup(proc.child.pid, 'SIGKILL');
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}

function releasedProcess(proc: ManagedProcess, runningAtRelease: boolean): ReleasedProcess {
  const exit = proc.exit;
  return {
    name: proc.name,
    pid: proc.pid,
    exit: exit ? (exit.signal ?? `exit ${exit.code}`) : 'running',
    stoppedBy: runningAtRelease ? 'release' : proc.stopRequested ? 'before-release' : 'itself',
  };
}
