/**
 * Counts a client's failed requests by reason and reports them in batches (about once a
 * second while there are any, and once at the end): a refused pull repeats every few seconds
 * per queue, so one message per failure would be noise on the worker channel.
 */
export class ErrorCounter {
  private pending: Record<string, number> = {};
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly report: (errors: Record<string, number>) => void,
    private readonly intervalMs = 1000,
  ) {}

  count(reason: string): void {
    this.pending[reason] = (this.pending[reason] ?? 0) + 1;
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Reports what is pending now (if anything) and stops the timer. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (Object.keys(this.pending).length === 0) return;
    const errors = this.pending;
    this.pending = {};
    this.report(errors);
  }
}
