/**
 * The live progress display on stderr: one rewritten line on a terminal, a plain line every
 * few seconds otherwise (CI logs), so long runs never look hung.
 */
export interface ProgressSnapshot {
  phase: string;
  elapsedMs: number;
  totalMs: number;
  sent: number;
  acked: number;
  received: number;
  backlog: number;
  sendErrors: number;
}

export class Progress {
  private lastPlain = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly plainEveryMs = 5000,
  ) {}

  update(snapshot: ProgressSnapshot): void {
    const line = formatProgress(snapshot);
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${line.slice(0, (this.stream.columns || 120) - 1)}`);
      this.drawn = true;
    } else if (Date.now() - this.lastPlain >= this.plainEveryMs) {
      this.lastPlain = Date.now();
      this.stream.write(`${line}\n`);
    }
  }

  /** Prints a normal log line without tearing the progress line. */
  log(line: string): void {
    if (this.drawn && this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${line}\n`);
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  done(): void {
    if (this.drawn && this.stream.isTTY) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}

export function formatProgress(s: ProgressSnapshot): string {
  const secs = (ms: number) => `${Math.floor(ms / 1000)}s`;
  return (
    `[${s.phase}] ${secs(s.elapsedMs)}/${secs(s.totalMs)}  sent ${s.sent}  acked ${s.acked}  received ` +
    `${s.received}  backlog ${s.backlog}${s.sendErrors ? `  send errors ${s.sendErrors}` : ''}`
  );
}
