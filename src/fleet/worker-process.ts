import type { ProcessExit } from '../runtime/managed-process.ts';
import type { ToWorker } from './protocol.ts';
import type { WorkerTransport } from './transport/worker-transport.ts';

/**
 * A fleet worker process as the coordinator's fleet logic sees it, wherever it runs: a child
 * of this process (a ManagedProcess) or a child of an agent on another host (agents/
 * remote-worker.ts), whose signals travel to the agent and whose exit comes back from it.
 */
export interface WorkerProcess {
  /** `consumer billing#2`: for logs and errors. */
  readonly name: string;
  /** Process id on its own host. */
  readonly pid: number;
  readonly hasExited: boolean;
  /** Resolves once, when the process is gone (for a remote one, also when its agent is lost). */
  readonly exited: Promise<ProcessExit>;
  /** Sends a signal, if it still runs (SIGKILL, SIGSTOP, SIGCONT, SIGTERM). */
  signal(signal: NodeJS.Signals): void;
}

/** A started worker: its process, the channel to it, and its command line for error messages. */
export interface StartedWorker {
  proc: WorkerProcess;
  transport: WorkerTransport<ToWorker>;
  command: string;
}
