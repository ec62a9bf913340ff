import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { HarnessError } from '../util/errors.ts';
import { processStartTicks, signalGroup } from '../util/process-info.ts';
import type { RecordedProcess } from './run-state.ts';

export interface ManagedProcessOptions {
  /** Resource tag used in logs and errors: `broker-a`, `consumer billing#2`. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * stdout and stderr go straight into this file (not through a pipe to us), so a process
   * left running on purpose (`cluster up`) keeps logging after we exit, and a chatty
   * process can never block on a full pipe.
   */
  logFile: string;
  /** Open an IPC channel (fleet workers). */
  ipc?: boolean;
  /**
   * stdin and stdout as pipes to us (a worker speaking NDJSON on its stdio, like the JVM
   * worker); only stderr goes into `logFile` then, and whoever reads stdout logs what it keeps.
   */
  stdioPipes?: boolean;
  /** Leave the process running when we exit (`cluster up`): no exit tracking keeps us alive. */
  leaveRunning?: boolean;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines the process printed, for a crash report. */
  lastLines: string[];
}

export class ProcessExitedError extends HarnessError {
  constructor(name: string, exit: ProcessExit, waitingFor: string) {
    super(
      'process-exited',
      `[${name}] exited (${exit.signal ?? `code ${exit.code}`}) while waiting for ${waitingFor}; last ` +
        `output:\n    ${exit.lastLines.join('\n    ')}`,
    );
  }
}

const KEEP_LINES = 40;
const POLL_MS = 100;

/**
 * One child process with a single owner. It starts detached (its own process group, so a
 * stop reaches its threads' children too and a Ctrl-C on our terminal does not hit it
 * first), logs to a file, keeps its last lines for error messages, and stops gracefully
 * with a deadline before killing its group (Playwright's launcher does the same).
 */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ProcessExit>;
  private readonly tail: string[] = [];
  private readonly lineWaiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  private exitInfo: ProcessExit | undefined;
  private stopAsked = false;
  private readonly logFd: number;
  private logOffset: number;
  private partial = '';
  private readonly poller: NodeJS.Timeout;

  constructor(readonly options: ManagedProcessOptions) {
    const out = openSync(options.logFile, 'a');
    // A restarted node appends to its old log: only what this process prints is ours to read.
    this.logOffset = fstatSync(out).size;
    try {
      this.child = spawn(options.command, options.args, {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: options.stdioPipes
          ? ['pipe', 'pipe', out]
          : options.ipc
            ? ['ignore', out, out, 'ipc']
            : ['ignore', out, out],
      });
    } finally {
      closeSync(out);
    }
    if (options.leaveRunning) this.child.unref();
    this.logFd = openSync(options.logFile, 'r');
    this.poller = setInterval(() => this.readNewOutput(), POLL_MS);
    this.poller.unref();
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exitInfo) return;
        clearInterval(this.poller);
        this.readNewOutput();
        if (this.partial) this.pushLine(this.partial);
        closeSync(this.logFd);
        this.exitInfo = { code, signal, lastLines: this.tail.slice(-12) };
        resolve(this.exitInfo);
      };
      this.child.on('exit', finish);
      this.child.on('error', (error) => {
        this.pushLine(`spawn failed: ${error.message}`);
        finish(127, null);
      });
    });
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new HarnessError('spawn-failed', `[${this.name}] did not start`);
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** How it ended; undefined while it runs. */
  get exit(): ProcessExit | undefined {
    return this.exitInfo;
  }

  /** We asked it to stop (stop or kill): an exit after that is ours, not a crash. */
  get stopRequested(): boolean {
    return this.stopAsked;
  }

  record(): RecordedProcess {
    return { name: this.name, pid: this.pid, pgid: this.pid, startTicks: processStartTicks(this.pid) };
  }

  lastLines(count = 12): string[] {
    return this.tail.slice(-count);
  }

  /** Resolves with the first output line matching `pattern`; rejects on exit or timeout. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    const seen = this.tail.find((line) => pattern.test(line));
    if (seen) return seen;
    let waiter: { pattern: RegExp; resolve: (line: string) => void } | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<string>((resolve) => {
          waiter = { pattern, resolve };
          this.lineWaiters.add(waiter);
        }),
        this.exited.then((exit) => {
          throw new ProcessExitedError(this.name, exit, `a line matching ${pattern}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new HarnessError(
                  'readiness-timeout',
                  `[${this.name}] printed no line matching ${pattern} within ${timeoutMs} ms; see ` +
                    `${this.options.logFile}`,
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      if (waiter) this.lineWaiters.delete(waiter);
      clearTimeout(timer);
    }
  }

  signal(signal: NodeJS.Signals): boolean {
    if (this.hasExited) return false;
    return signalGroup(this.pid, signal);
  }

  /** SIGTERM the group, wait up to `graceMs`, then SIGKILL it. Safe to call twice. */
  async stop(graceMs = 10_000): Promise<ProcessExit> {
    if (this.exitInfo) return this.exitInfo;
    this.stopAsked = true;
    this.signal('SIGCONT'); // a paused process cannot handle SIGTERM
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async kill(): Promise<ProcessExit> {
    if (!this.exitInfo) this.stopAsked = true;
    this.signal('SIGKILL');
    return this.exited;
  }

  /** Reads what the process appended to its log since the last call. */
  private readNewOutput(): void {
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const read = readSync(this.logFd, buffer, 0, buffer.length, this.logOffset);
      if (read <= 0) return;
      this.logOffset += read;
      this.onOutput(buffer.subarray(0, read));
    }
  }

  private onOutput(chunk: Buffer): void {
    const text = this.partial + chunk.toString('utf8');
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.pushLine(line);
  }

  private pushLine(line: string): void {
    this.tail.push(line);
    if (this.tail.length > KEEP_LINES) this.tail.shift();
    for (const waiter of this.lineWaiters) {
      if (waiter.pattern.test(line)) waiter.resolve(line);
    }
  }
}
