/**
 * The live progress display on stderr: one rewritten line on a terminal, a plain line every
 * few seconds otherwise (CI logs), so long runs never look hung.
 */
export interface ProgressSnapshot {
  phase: string;
  /** Time in the current phase, and its planned length (undefined for phases the plan does not time). */
  phaseElapsedMs: number;
  phasePlannedMs: number | undefined;
  /** What the run waits for when the phase is past its planned length. */
  waitingFor: string | undefined;
  /** Since warmup began. */
  runElapsedMs: number;
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

/**
 * `[load 12s/20s] run 17s  sent 1200 ...`: the phase's own time against its planned length, so
 * the line never shows more time than planned without saying what the run is waiting for
 * (`[warmup 11s/8s, waiting for the groups to settle]`).
 */
export function formatProgress(s: ProgressSnapshot): string {
  const secs = (ms: number) => `${Math.floor(ms / 1000)}s`;
  const planned = s.phasePlannedMs === undefined ? '' : `/${secs(s.phasePlannedMs)}`;
  const waiting = s.waitingFor ? `, waiting for ${s.waitingFor}` : '';
  return (
    `[${s.phase} ${secs(s.phaseElapsedMs)}${planned}${waiting}] run ${secs(s.runElapsedMs)}  sent ${s.sent}  ` +
    `acked ${s.acked}  received ${s.received}  backlog ${s.backlog} messages` +
    `${s.sendErrors ? `  send errors ${s.sendErrors}` : ''}`
  );
}
