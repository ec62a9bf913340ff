import { HarnessError } from '../util/errors.ts';
import { join } from 'node:path';
import type { ProcessExit } from '../runtime/managed-process.ts';
import type { RunResources } from '../runtime/run-resources.ts';
import { acceptHello, WorkerProtocolError } from './handshake.ts';
import { fromWorker, toWorker, type FromWorker, type ToWorker } from './protocol.ts';
import type { WorkerTransport } from './transport/worker-transport.ts';
import { nodeWorkerLaunch, startLocalWorker, type WorkerLaunch } from './worker-launch.ts';
import type { StartedWorker, WorkerProcess } from './worker-process.ts';

export type WorkerKind = 'producer' | 'consumer';

/**
 * The coordinator's handle on one fleet worker process: checks its hello, sends commands,
 * validates what comes back, and reports a crash with its exit code and last output lines.
 * Commands wait for the hello: a worker on another protocol version is refused (and stopped)
 * before it is handed a config it might read differently.
 */
export class FleetWorker {
  readonly proc: WorkerProcess;
  private readonly transport: WorkerTransport<ToWorker>;
  private readonly command: string;
  private readyResolve: (() => void) | undefined;
  private readonly readyPromise: Promise<void>;
  private helloResolve: (() => void) | undefined;
  private readonly helloPromise: Promise<void>;
  private stopRequested = false;
  /** The worker said `stopped` (a producer leaves by itself once its load is sent). */
  private stoppedCleanly = false;
  /** Commands sent before the worker's hello, delivered once it is accepted. */
  private pending: ToWorker[] | undefined = [];
  private refusalReject: ((error: WorkerProtocolError) => void) | undefined;
  private readonly refusalPromise: Promise<never>;
  /** Set when the worker's hello was refused; the worker is killed, and this says why. */
  refusal: WorkerProtocolError | undefined;
  /**
   * A producer's sending is over: it said producer-done, or it exited. A transactional producer
   * stays open after it to answer check-backs, so the load phase waits for this, not its exit.
   */
  readonly sendingDone: Promise<void>;
  private sendingDoneResolve: (() => void) | undefined;

  constructor(
    readonly id: string,
    readonly kind: WorkerKind,
    started: StartedWorker,
    onMessage: (worker: FleetWorker, message: FromWorker) => void,
    onCrash: (worker: FleetWorker, exit: ProcessExit) => void,
  ) {
    this.command = started.command;
    this.proc = started.proc;
    this.transport = started.transport;
    this.readyPromise = new Promise((resolve) => {
      this.readyResolve = resolve;
    });
    this.helloPromise = new Promise((resolve) => {
      this.helloResolve = resolve;
    });
    this.sendingDone = new Promise((resolve) => {
      this.sendingDoneResolve = resolve;
    });
    this.refusalPromise = new Promise<never>((_, reject) => {
      this.refusalReject = reject;
    });
    // ready() may never be called (producers): a refusal is reported through onCrash then.
    this.refusalPromise.catch(() => undefined);
    this.transport.onMessage((raw) => {
      if (this.pending) {
        this.greet(raw, onMessage);
        return;
      }
      if (this.refusal) return;
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
      if (parsed.data.type === 'producer-done') this.sendingDoneResolve?.();
      onMessage(this, parsed.data);
    });
    void this.proc.exited.then((exit) => {
      this.sendingDoneResolve?.();
      if (!this.stopRequested && !(this.stoppedCleanly && exit.code === 0)) onCrash(this, exit);
    });
  }

  /** A worker started as a child of this process (the Node worker unless `launch` says), logging in the work folder. */
  static local(
    id: string,
    kind: WorkerKind,
    resources: RunResources,
    onMessage: (worker: FleetWorker, message: FromWorker) => void,
    onCrash: (worker: FleetWorker, exit: ProcessExit) => void,
    launch: WorkerLaunch = nodeWorkerLaunch(),
  ): FleetWorker {
    const started = startLocalWorker(
      resources,
      launch,
      `${kind} ${id}`,
      join(resources.workDir, workerLogName(kind, id)),
    );
    return new FleetWorker(id, kind, started, onMessage, onCrash);
  }

  /** The coming exit is requested (a kill or restart fault), not a crash. */
  expectExit(): void {
    this.stopRequested = true;
  }

  send(message: ToWorker): void {
    // Validated outgoing too, as the worker does: a malformed command is our bug and fails here;
    // parsing also drops fields the contract lacks, so a strict worker in another language
    // gets exactly what the schema says.
    const valid = toWorker.parse(message);
    if (this.pending) this.pending.push(valid);
    else if (!this.refusal) this.transport.send(valid);
  }

  /** Resolves once the worker said it is ready (a consumer: its client started). */
  ready(timeoutMs: number): Promise<void> {
    return this.awaitWorker(this.readyPromise, 'ready', timeoutMs);
  }

  /**
   * Resolves once the worker's hello was accepted: its process is up and takes commands (a
   * producer booted ahead of the load phase, told what to send only when the phase starts).
   */
  booted(timeoutMs: number): Promise<void> {
    return this.awaitWorker(this.helloPromise, 'booted', timeoutMs);
  }

  /** `reached`, or the worker's refusal, its exit, or `timeoutMs`, whichever comes first. */
  private async awaitWorker(reached: Promise<void>, what: string, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        reached,
        this.refusalPromise,
        this.proc.exited.then((exit) => {
          throw (
            this.refusal ??
            new HarnessError(
              'worker-failed',
              `[${this.proc.name}] exited (${exit.signal ?? `code ${exit.code}`}) before it was ${what}:\n    ` +
                `${exit.lastLines.join('\n    ')}`,
            )
          );
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new HarnessError(
                  'worker-timeout',
                  `[${this.proc.name}] not ${what} within ${timeoutMs} ms` +
                    `${this.pending ? ' (it never said hello, so it was sent nothing)' : ''}`,
                ),
              ),
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

  /** The first message: a hello in our version lets the queued commands go; anything else refuses the worker. */
  private greet(raw: unknown, onMessage: (worker: FleetWorker, message: FromWorker) => void): void {
    const queued = this.pending ?? [];
    this.pending = undefined;
    try {
      const hello = acceptHello(raw, this.proc.name, this.command);
      onMessage(this, hello);
      for (const message of queued) this.transport.send(message);
      this.helloResolve?.();
    } catch (error) {
      if (!(error instanceof WorkerProtocolError)) throw error;
      this.refusal = error;
      this.refusalReject?.(error);
      // Whatever it speaks, it gets nothing more from us: close the channel and end it.
      this.transport.close();
      this.proc.signal('SIGKILL');
    }
  }
}

/** A worker's log file name: `consumer-billing_2.log`. */
export function workerLogName(kind: WorkerKind, id: string): string {
  return `${kind}-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.log`;
}
