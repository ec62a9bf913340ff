import type { ChildProcess } from 'node:child_process';

/**
 * SIGINT/SIGTERM while a command runs `run` children one after another (matrix, shrink): passed
 * on to the running child (which stops its run gracefully, or at once on a second signal, as
 * `run` does), and no further child starts. The command waits for the child, so it never leaves
 * one running.
 */
export class SignalStop {
  signal: NodeJS.Signals | undefined;
  private child: ChildProcess | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.signal ??= signal;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      process.stderr.write(
        `${this.command}: ${signal} received, passing it to the running ${this.childName} and stopping\n`,
      );
      child.kill(signal);
    } else {
      process.stderr.write(`${this.command}: ${signal} received, stopping\n`);
    }
  };

  /** `command` and `childName` word its messages: `matrix`, `combination`. */
  constructor(
    private readonly command: string,
    private readonly childName: string,
  ) {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** Stops the running child as a signal would, for a reason of the command's own (a time budget). */
  interrupt(): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  }

  track(child: ChildProcess | undefined): void {
    // Between two runs there is no child: a signal then only stops the next one from starting.
    this.child = child;
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
