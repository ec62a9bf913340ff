/**
 * The backlog build-and-drain measurement (OMB's backlog test): consumers are held while the
 * producers build a backlog of `build` messages, then the producers stop and the consumers are
 * released; drain time is release → the ledger's backlog back at 0, and drain rate the
 * messages drained over that time. Pure: the run (run/backlog-build.ts) feeds it what it sees.
 *
 * Why the producers stop at release: with sending still on, the drain would measure the
 * consumers' capacity minus the producers' rate, and never reach exactly 0 at a high rate
 * (messages in flight); stopped, it measures how fast the group works off what piled up.
 */

export interface BacklogDrainResult {
  /** The plan's backlog.build: messages acked and unconsumed before the consumers are released. */
  target: number;
  /** The backlog reached the target before the load phase ended (else the consumers were released at its end). */
  built: boolean;
  /** Held until: ms since the run started; null when never released (the run stopped first). */
  releasedAtMs: number | null;
  /** Ms from the start of load to the release. */
  buildMs: number | null;
  /** The smallest group's backlog at release. */
  backlogAtRelease: number;
  /** The most messages waiting after release (late acks of the stopping producers included): what was drained. */
  drainedMessages: number;
  /** Release → the backlog at 0; null when it never got there. */
  drainMs: number | null;
  /** drainedMessages / drain time, messages per second; null when it never drained. */
  drainRatePerSecond: number | null;
}

/** Held, then released, then drained: feed it the backlog it sees, read the result. */
export class DrainTracker {
  private loadStartAt: number | undefined;
  private releasedAt: number | undefined;
  private drainedAt: number | undefined;
  private atRelease = 0;
  private peak = 0;
  private built = false;

  constructor(
    readonly target: number,
    private readonly runStartedAt: number,
  ) {}

  loadStarted(at: number): void {
    this.loadStartAt = at;
  }

  /**
   * The backlog the hold waits on (the smallest group's: every group has at least `target`
   * waiting); true once it is reached.
   */
  reached(smallestGroupBacklog: number): boolean {
    return smallestGroupBacklog >= this.target;
  }

  release(at: number, smallestGroupBacklog: number, totalBacklog: number, built: boolean): void {
    if (this.releasedAt !== undefined) return;
    this.releasedAt = at;
    this.built = built;
    this.atRelease = smallestGroupBacklog;
    this.peak = totalBacklog;
  }

  /** The total backlog after release; the first 0 ends the drain. */
  observe(at: number, totalBacklog: number): void {
    if (this.releasedAt === undefined || this.drainedAt !== undefined) return;
    this.peak = Math.max(this.peak, totalBacklog);
    if (totalBacklog === 0) this.drainedAt = at;
  }

  get drained(): boolean {
    return this.drainedAt !== undefined;
  }

  get released(): boolean {
    return this.releasedAt !== undefined;
  }

  result(): BacklogDrainResult {
    const drainMs =
      this.releasedAt !== undefined && this.drainedAt !== undefined ? this.drainedAt - this.releasedAt : null;
    return {
      target: this.target,
      built: this.built,
      releasedAtMs: this.releasedAt === undefined ? null : this.releasedAt - this.runStartedAt,
      buildMs:
        this.releasedAt !== undefined && this.loadStartAt !== undefined ? this.releasedAt - this.loadStartAt : null,
      backlogAtRelease: this.atRelease,
      drainedMessages: this.peak,
      drainMs,
      // A drain that took under a millisecond (nothing waiting) has no meaningful rate.
      drainRatePerSecond: drainMs === null || drainMs <= 0 ? null : Math.round((this.peak / drainMs) * 10_000) / 10,
    };
  }
}
