import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ManagedProcess } from '../runtime/managed-process.ts';
import type { RunResources } from '../runtime/run-resources.ts';
import { PROJECT_ROOT } from '../util/node-args.ts';
import type { JavaWorkerBuild } from '../setup/java-worker.ts';
import { tsxNodeArgs } from '../util/node-args.ts';
import type { ToWorker } from './protocol.ts';
import { IpcTransport } from './transport/ipc-transport.ts';
import { StdioTransport } from './transport/stdio-transport.ts';
import type { WorkerTransport } from './transport/worker-transport.ts';
import type { StartedWorker } from './worker-process.ts';

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
  /** Spawn with stdin and stdout as pipes (what `StdioTransport` talks over); stderr still goes to the log. */
  stdioPipes?: boolean;
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

export interface JavaWorkerLaunchOptions {
  /**
   * Where this instance's client logs go (RocketMQ 4.9 reads rocketmq.client.logRoot, 5.x and the
   * gRPC client rocketmq.log.root) and its user.home (broadcasting's local offset store lives
   * there). One folder per instance: JVMs sharing one would roll each other's log files.
   */
  logDir: string;
  /** Heap limit; 128 MB by default (an idle worker's RSS stays under 200 MB with it). */
  heapMb?: number;
  /** The `java` to run; `java` on PATH by default. */
  java?: string;
  /**
   * More JVM options, after the defaults (a later -XX option wins: `-XX:TieredStopAtLevel=4`
   * brings back the C2 compiler for a producer meant to push tens of thousands of messages a second).
   */
  jvmArgs?: string[];
}

/**
 * The JVM worker (workers/java): one JVM per instance speaking NDJSON on its stdin/stdout. A
 * small serial-GC heap, small thread stacks and the C1 compiler only, as a fleet runs many of
 * them on one host: measured on an idle push consumer (4.9.7), ready in 0.4 s instead of 0.66 s
 * and 93 MB RSS instead of 140 MB. stdout lines that are not protocol (a library printing there)
 * go to the worker's log, with its stderr.
 */
export function javaWorkerLaunch(build: JavaWorkerBuild, options: JavaWorkerLaunchOptions): WorkerLaunch {
  return {
    command: options.java ?? 'java',
    args: [
      `-Xmx${options.heapMb ?? 128}m`,
      '-XX:+UseSerialGC',
      '-Xss512k',
      '-XX:TieredStopAtLevel=1',
      `-Drocketmq.client.logRoot=${options.logDir}`,
      `-Drocketmq.log.root=${options.logDir}`,
      '-Drocketmq.client.logUseSlf4j=false',
      `-Duser.home=${options.logDir}`,
      ...(options.jvmArgs ?? []),
      '-cp',
      build.classpath,
      build.mainClass,
    ],
    ipc: false,
    stdioPipes: true,
    connect: (proc) => {
      const { stdin, stdout } = proc.child;
      if (!stdin || !stdout) throw new Error(`[${proc.name}] was started without stdio pipes`);
      return new StdioTransport<ToWorker>(stdout, stdin, {
        onNoise: (line) => appendFileSync(proc.options.logFile, `${line}\n`),
      });
    },
  };
}

/** The command line as one string, for logs and errors. */
export function describeLaunch(launch: Pick<WorkerLaunch, 'command' | 'args'>): string {
  return [launch.command, ...launch.args].join(' ');
}

/**
 * Starts `launch` as a child of this process, owned by `resources` (stopped with the run, reaped
 * by its watchdog if we die), logging to `logFile`.
 */
export function startLocalWorker(
  resources: RunResources,
  launch: WorkerLaunch,
  name: string,
  logFile: string,
): StartedWorker {
  const proc = resources.spawn({
    name,
    command: launch.command,
    args: launch.args,
    cwd: PROJECT_ROOT,
    env: { ...process.env },
    logFile,
    ipc: launch.ipc,
    ...(launch.stdioPipes ? { stdioPipes: true } : {}),
  });
  return { proc, transport: launch.connect(proc), command: describeLaunch(launch) };
}
