import { ChannelClose } from './channel-close.ts';
import type { WorkerTransport } from './worker-transport.ts';

/**
 * The part of a Node IPC channel this transport uses: a `ChildProcess` spawned with an 'ipc'
 * stdio entry (coordinator side) and `process` in that child (worker side) both have it.
 */
export interface IpcEndpoint {
  readonly connected: boolean;
  send?(message: unknown, callback: (error: Error | null) => void): boolean;
  disconnect?(): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
}

/**
 * A worker transport over Node's IPC channel: a Node worker started by the coordinator. Node's
 * default IPC serialization is JSON, so this carries exactly what any other transport would.
 */
export class IpcTransport<Outgoing> implements WorkerTransport<Outgoing> {
  private readonly closing = new ChannelClose();

  constructor(private readonly endpoint: IpcEndpoint) {
    endpoint.on('disconnect', () => this.closing.mark());
    // Spawned without a channel, or the other end left before we looked.
    if (!endpoint.connected) this.closing.mark();
  }

  get isOpen(): boolean {
    return !this.closing.closed && this.endpoint.connected;
  }

  send(message: Outgoing): void {
    if (!this.isOpen || !this.endpoint.send) return;
    // A send racing the other end's exit fails with EPIPE. The callback keeps that from being
    // emitted as an 'error' event on the child (which reads as a spawn failure); the exit is
    // reported by whoever watches the process.
    this.endpoint.send(message, () => undefined);
  }

  onMessage(handler: (message: unknown) => void): void {
    this.endpoint.on('message', handler);
  }

  onClose(handler: () => void): void {
    this.closing.onClose(handler);
  }

  close(): void {
    if (this.endpoint.connected) this.endpoint.disconnect?.();
    this.closing.mark();
  }
}
