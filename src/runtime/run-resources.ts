import { rmSync } from 'node:fs';
import { isSameProcess, signalGroup } from '../util/process-info.ts';
import { ManagedProcess, type ManagedProcessOptions } from './managed-process.ts';
import type { RecordedProcess, RunState } from './run-state.ts';
import { startWatchdog } from './watchdog.ts';

type Cleanup = { name: string; run: () => Promise<void> };

/**
 * The single owner of everything one run starts. Processes spawned through it are recorded
 * in the run state (for the watchdog and `cleanup`) and stopped when it is released;
 * other resources register a cleanup. `release()` runs on success, error and signals;
 * `killAllNow()` is the synchronous last resort (second Ctrl-C, process exit).
 */
export class RunResources implements AsyncDisposable {
  private readonly processes = new Set<ManagedProcess>();
  private readonly cleanups: Cleanup[] = [];
  private released = false;
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

  async release(graceMs = 10_000): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const cleanup of this.cleanups.reverse()) {
      try {
        await cleanup.run();
      } catch (error) {
        this.log(`cleanup of ${cleanup.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await Promise.all([...this.processes].map((proc) => proc.stop(graceMs)));
    if (!this.state.snapshot.keep) rmSync(this.workDir, { recursive: true, force: true });
    this.state.close();
    // Nothing is left to guard; the watchdog would notice within 250 ms, this is at once.
    if (this.watchdog && isSameProcess(this.watchdog.pid, this.watchdog.startTicks))
      signalGroup(this.watchdog.pgid, 'SIGTERM');
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
