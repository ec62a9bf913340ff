/**
 * `backlog: {build: N, then: drain}` in a run (OMB's backlog test): the consumers, started and
 * settled in warmup, are held (SIGSTOP: the broker still sees them, so nothing rebalances)
 * when load starts; once every group has N messages acked and unconsumed, the producers stop and
 * the consumers are released; the drain (metrics/backlog-drain.ts) is watched until the ledger's
 * backlog is 0. The load phase ends when the producers have stopped.
 */
import type { FleetWorker } from '../fleet/fleet-worker.ts';
import { DrainTracker } from '../metrics/backlog-drain.ts';
import type { ResolvedBacklog } from '../plan/resolved-plan.ts';
import { sleep } from '../util/sleep.ts';
import type { EventLog } from './event-log.ts';
import type { FleetManager } from './fleet-manager.ts';
import type { Measurements } from './measurements.ts';

/** How often the build and the drain read the ledger's backlog: the drain time's resolution. */
const POLL_MS = 50;

export class BacklogBuild {
  private readonly tracker: DrainTracker;
  private readonly stopWatching = new AbortController();
  private watching: Promise<void> | undefined;
  private held: string[] = [];
  private finished = false;

  constructor(
    private readonly spec: ResolvedBacklog,
    private readonly o: {
      fleet: FleetManager;
      measurements: Measurements;
      events: EventLog;
      startedAt: number;
      log: (line: string) => void;
    },
  ) {
    this.tracker = new DrainTracker(spec.build, o.startedAt);
  }

  /** Holds every consumer now (before the producers start). */
  hold(consumers: readonly string[]): void {
    this.held = [...consumers];
    this.o.fleet.hold(this.held);
    this.tracker.loadStarted(Date.now());
    this.o.events.emit('backlog-hold', { instances: this.held, build: this.spec.build });
  }

  /**
   * Until every group has `build` messages waiting or `until` (the load phase's end); then the
   * producers stop, the consumers go, and the drain is watched in the background.
   */
  async build(producers: readonly FleetWorker[], until: number, signal: AbortSignal): Promise<void> {
    const { measurements: m } = this.o;
    while (!signal.aborted && Date.now() < until && !this.tracker.reached(this.smallestBacklog()))
      await sleep(POLL_MS, signal);
    if (signal.aborted) return;
    const built = this.tracker.reached(this.smallestBacklog());
    // Stopping is asked, not awaited: their last acks arrive while the consumers already drain.
    for (const producer of producers) if (!producer.proc.hasExited) void producer.stop();
    this.release(built);
    this.o.log(
      built
        ? `backlog: ${this.spec.build} messages waiting in every group: producers stopped, consumers released`
        : `backlog: the load phase ended with ${this.smallestBacklog()} of ${this.spec.build} messages built; ` +
            'consumers released',
    );
    this.watching = this.watchDrain(m);
  }

  /** Stops watching (the run moves on), releases consumers still held, and records the result. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.release(false);
    // The drain stage may see the backlog at 0 between two of the watcher's reads: one last read
    // now, before the watcher stops, so that 0 is not missed.
    this.tracker.observe(Date.now(), this.o.measurements.ledgerBacklog());
    this.stopWatching.abort();
    await this.watching;
    const result = this.tracker.result();
    this.o.measurements.backlogDrain = result;
    this.o.events.emit('backlog-drain', { ...result });
    if (result.drainMs !== null)
      this.o.log(
        `backlog: ${result.drainedMessages} messages drained in ${result.drainMs} ms (${result.drainRatePerSecond}/s)`,
      );
  }

  private release(built: boolean): void {
    if (this.tracker.released) return;
    this.tracker.release(Date.now(), this.smallestBacklog(), this.o.measurements.ledgerBacklog(), built);
    this.o.fleet.release(this.held);
    this.o.events.emit('backlog-release', { built, backlog: this.o.measurements.ledgerBacklog() });
  }

  private async watchDrain(m: Measurements): Promise<void> {
    while (!this.stopWatching.signal.aborted && !this.tracker.drained) {
      this.tracker.observe(Date.now(), m.ledgerBacklog());
      if (!this.tracker.drained) await sleep(POLL_MS, this.stopWatching.signal);
    }
  }

  /** The smallest group's waiting messages: every group must have the build waiting. */
  private smallestBacklog(): number {
    const m = this.o.measurements;
    const scopes = m.scopes();
    return scopes.length === 0 ? 0 : Math.min(...scopes.map((s) => m.ledger.outstanding(s)));
  }
}
