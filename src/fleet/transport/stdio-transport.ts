import type { Readable, Writable } from 'node:stream';
import { ChannelClose } from './channel-close.ts';
import type { WorkerTransport } from './worker-transport.ts';

/** A line longer than this is not a protocol message (a receipts report is a few hundred KiB). */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface StdioTransportOptions {
  /**
   * Lines that do not start with `{` (a JVM library printing to stdout, a banner): not protocol,
   * so they go here (to the run log) instead of failing the worker. Dropped without it.
   */
  onNoise?: (line: string) => void;
  maxLineBytes?: number;
}

/**
 * A worker transport as newline-delimited JSON over a pair of streams: a child's stdin and
 * stdout on the coordinator side, `process.stdin`/`process.stdout` in the worker. This is how a
 * worker that is not Node (the JVM worker of the Java fleets) speaks the same protocol as the
 * IPC one: one JSON object per line, UTF-8, `\n` (or `\r\n`) between them.
 *
 * A line that starts with `{` but is not JSON is handed to `onMessage` as the string it is, so
 * the receiver's protocol validation refuses it with the text in the error: a broken worker
 * fails loudly. A line over `maxLineBytes` is handed over the same way, cut, and the rest of it
 * skipped: one bad line does not make the coordinator buffer without bound.
 */
export class StdioTransport<Outgoing> implements WorkerTransport<Outgoing> {
  private messageHandler: ((message: unknown) => void) | undefined;
  private readonly closing = new ChannelClose();
  private partial = '';
  private skippingLongLine = false;
  private readonly maxLineBytes: number;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly options: StdioTransportOptions = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => this.receive(chunk));
    input.on('end', () => this.closing.mark());
    input.on('close', () => this.closing.mark());
    // EPIPE when the other end exits while we write: the close (or the exit) is the report.
    output.on('error', () => this.closing.mark());
    output.on('close', () => this.closing.mark());
  }

  get isOpen(): boolean {
    return !this.closing.closed && this.output.writable;
  }

  send(message: Outgoing): void {
    if (!this.isOpen) return;
    this.output.write(`${JSON.stringify(message)}\n`);
  }

  onMessage(handler: (message: unknown) => void): void {
    this.messageHandler = handler;
  }

  onClose(handler: () => void): void {
    this.closing.onClose(handler);
  }

  close(): void {
    if (!this.closing.closed) this.output.end();
    this.input.destroy();
    this.closing.mark();
  }

  private receive(chunk: string): void {
    let text = this.partial + chunk;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      const line = text.slice(0, newline);
      text = text.slice(newline + 1);
      if (this.skippingLongLine) this.skippingLongLine = false;
      else this.line(line.endsWith('\r') ? line.slice(0, -1) : line);
      newline = text.indexOf('\n');
    }
    if (!this.skippingLongLine && Buffer.byteLength(text) > this.maxLineBytes) {
      this.deliver(text.slice(0, 200));
      this.skippingLongLine = true;
      text = '';
    }
    this.partial = this.skippingLongLine ? '' : text;
  }

  private line(line: string): void {
    if (line.trim() === '') return;
    if (!line.trimStart().startsWith('{')) {
      this.options.onNoise?.(line);
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      message = line;
    }
    this.deliver(message);
  }

  private deliver(message: unknown): void {
    this.messageHandler?.(message);
  }
}
