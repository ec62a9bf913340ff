import { fileURLToPath } from 'node:url';
import type { ManagedProcess } from '../runtime/managed-process.ts';
import { tsxNodeArgs } from '../util/node-args.ts';
import type { ToWorker } from './protocol.ts';
import { IpcTransport } from './transport/ipc-transport.ts';
import type { WorkerTransport } from './transport/worker-transport.ts';

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

/**
 * How a worker process is started and reached: its command line, and the transport to it
 * once it runs. The coordinator's fleet logic takes one of these and never asks which.
 */
export interface WorkerLaunch {
  command: string;
  args: string[];
  /** Spawn with a Node IPC channel (what `IpcTransport` talks over). */
  ipc: boolean;
  connect(proc: ManagedProcess): WorkerTransport<ToWorker>;
}

/** This project's worker: Node running `worker-main.ts`, over the IPC channel. */
export function nodeWorkerLaunch(): WorkerLaunch {
  return {
    command: process.execPath,
    args: [...tsxNodeArgs(), WORKER_MAIN],
    ipc: true,
    connect: (proc) => new IpcTransport<ToWorker>(proc.child),
  };
}

/** The command line as one string, for logs and errors. */
export function describeLaunch(launch: Pick<WorkerLaunch, 'command' | 'args'>): string {
  return [launch.command, ...launch.args].join(' ');
}
