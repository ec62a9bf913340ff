import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../util/errors.ts';
import { PROJECT_ROOT, tsxNodeArgs } from '../util/node-args.ts';
import type { ManagedProcess, ProcessExit } from '../runtime/managed-process.ts';
import type { RunResources } from '../runtime/run-resources.ts';
import { fromWorker, type FromWorker, type ToWorker } from './protocol.ts';

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

export type WorkerKind = 'producer' | 'consumer';

/**
 * The coordinator's handle on one fleet worker process: sends commands, validates what comes
 * back, and reports a crash with its exit code and last output lines.
 */
export class FleetWorker {
  readonly proc: ManagedProcess;
  private readyResolve: (() => void) | undefined;
  private readonly readyPromise: Promise<void>;
  private stopRequested = false;
  /** The worker said `stopped` (a producer leaves by itself once its load is sent). */
  private stoppedCleanly = false;

  constructor(
    readonly id: string,
    readonly kind: WorkerKind,
    resources: RunResources,
    onMessage: (worker: FleetWorker, message: FromWorker) => void,
    onCrash: (worker: FleetWorker, exit: ProcessExit) => void,
  ) {
    this.proc = resources.spawn({
      name: `${kind} ${id}`,
      command: process.execPath,
      args: [...tsxNodeArgs(), WORKER_MAIN],
      cwd: PROJECT_ROOT,
      env: { ...process.env },
      logFile: join(resources.workDir, `${kind}-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.log`),
      ipc: true,
    });
    this.readyPromise = new Promise((resolve) => {
      this.readyResolve = resolve;
    });
    this.proc.child.on('message', (raw) => {
      const parsed = fromWorker.safeParse(raw);
      if (!parsed.success) {
        onMessage(this, {
          type: 'log',
          level: 'error',
          message: `invalid message from worker: ${parsed.error.message}`,
        });
        return;
      }
      if (parsed.data.type === 'ready') this.readyResolve?.();
      if (parsed.data.type === 'stopped') this.stoppedCleanly = true;
      onMessage(this, parsed.data);
    });
    void this.proc.exited.then((exit) => {
      if (!this.stopRequested && !(this.stoppedCleanly && exit.code === 0)) onCrash(this, exit);
    });
  }

  /** The coming exit is requested (a kill or restart fault), not a crash. */
  expectExit(): void {
    this.stopRequested = true;
  }

  send(message: ToWorker): void {
    if (this.proc.child.connected) this.proc.child.send(message);
  }

  async ready(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.readyPromise,
        this.proc.exited.then((exit) => {
          throw new HarnessError(
            'worker-failed',
            `[${this.proc.name}] exited (${exit.signal ?? `code ${exit.code}`}) before it was ready:\n    ${exit.lastLines.join('\n    ')}`,
          );
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new HarnessError('worker-timeout', `[${this.proc.name}] not ready within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Asks the worker to close its client (offsets, unregister) and exit; kills it past the deadline. */
  async stop(deadlineMs = 15_000): Promise<ProcessExit> {
    this.stopRequested = true;
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.proc.signal('SIGKILL'), deadlineMs);
    try {
      return await this.proc.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
