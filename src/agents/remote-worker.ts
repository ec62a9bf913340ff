/**
 * A fleet worker running on an agent, as the coordinator's fleet logic sees it: a process
 * (signals go to the agent, the exit comes back from it) and a transport (messages wrapped for
 * the agent's connection). When the agent is lost the worker exits with no code and no signal,
 * and its last line says why.
 */
import type { ProcessExit } from '../runtime/managed-process.ts';
import type { ToWorker } from '../fleet/protocol.ts';
import { ChannelClose } from '../fleet/transport/channel-close.ts';
import type { WorkerTransport } from '../fleet/transport/worker-transport.ts';
import type { WorkerProcess } from '../fleet/worker-process.ts';
import type { AgentSignal, ToAgent } from './agent-protocol.ts';

const SIGNALS: readonly string[] = ['SIGKILL', 'SIGSTOP', 'SIGCONT', 'SIGTERM'] satisfies AgentSignal[];

export class RemoteWorker implements WorkerProcess {
  pid = 0;
  readonly exited: Promise<ProcessExit>;
  readonly transport: RemoteTransport;
  private exitInfo: ProcessExit | undefined;
  private resolveExit: ((exit: ProcessExit) => void) | undefined;

  constructor(
    readonly name: string,
    readonly agent: string,
    readonly instance: string,
    private readonly send: (message: ToAgent) => void,
  ) {
    this.exited = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
    this.transport = new RemoteTransport((message) => this.send({ type: 'to-worker', instance, message }));
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** True when it ended with its agent rather than by itself or a signal. */
  get lostWithAgent(): boolean {
    return this.exitInfo !== undefined && this.exitInfo.code === null && this.exitInfo.signal === null;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.hasExited) return;
    if (!SIGNALS.includes(signal)) throw new RangeError(`${signal} is not a signal an agent relays`);
    this.send({ type: 'signal', instance: this.instance, signal: signal as AgentSignal });
  }

  started(pid: number): void {
    this.pid = pid;
  }

  exit(exit: ProcessExit): void {
    if (this.exitInfo) return;
    this.exitInfo = exit;
    this.transport.closeFromAgent();
    this.resolveExit?.(exit);
  }

  /** Gone with its agent (or never started there). */
  lose(why: string): void {
    this.exit({ code: null, signal: null, lastLines: [why] });
  }
}

export class RemoteTransport implements WorkerTransport<ToWorker> {
  private handler: ((message: unknown) => void) | undefined;
  private readonly closing = new ChannelClose();

  constructor(private readonly forward: (message: ToWorker) => void) {}

  get isOpen(): boolean {
    return !this.closing.closed;
  }

  send(message: ToWorker): void {
    if (this.isOpen) this.forward(message);
  }

  onMessage(handler: (message: unknown) => void): void {
    this.handler = handler;
  }

  onClose(handler: () => void): void {
    this.closing.onClose(handler);
  }

  close(): void {
    this.closing.mark();
  }

  /** A message the worker sent, as the agent relayed it. */
  deliver(message: unknown): void {
    this.handler?.(message);
  }

  closeFromAgent(): void {
    this.closing.mark();
  }
}
