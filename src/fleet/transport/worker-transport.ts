/**
 * How coordinator and worker messages travel, apart from what they mean. The fleet logic
 * (fleet-worker.ts on the coordinator side, worker-main.ts on the worker side) only sees this
 * interface, so a worker reached another way (newline-delimited JSON on a JVM's stdio, a TCP
 * connection to an agent on another host) is a new implementation beside `ipc-transport.ts`,
 * not a change to the fleet.
 *
 * A message is a plain JSON object: what `JSON.stringify` keeps of it is all the other end
 * gets (no undefined, Buffers, Dates or class instances), whatever the transport. Validation
 * is not the transport's job: `onMessage` hands over whatever arrived, as `unknown`, and the
 * receiver parses it with the zod schemas in protocol.ts.
 */
export interface WorkerTransport<Outgoing> {
  /** True until the channel closes (either end closed it, or the other process exited). */
  readonly isOpen: boolean;
  /**
   * Queues one message, in order. A message sent after the channel closed is dropped: the
   * other end is gone, and the close (or the process exit) is what reports that.
   */
  send(message: Outgoing): void;
  /** Every message received, in order; one handler. */
  onMessage(handler: (message: unknown) => void): void;
  /** Called once when the channel closes, from either side. */
  onClose(handler: () => void): void;
  /** Closes this end; the other end sees its close. Safe to call twice. */
  close(): void;
}
