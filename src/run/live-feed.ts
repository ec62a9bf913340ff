/**
 * `run --live`: what a live view of a run (report/live's web page) is given while the run goes.
 * The run hands it a LiveRun when it starts and ticks it as each 1 s row closes; the view reads
 * the run so far only when someone is watching. Like a MetricOutput, the feed is opened and
 * closed by whoever gave it to the run (the run command), not by the run.
 */
import type { RunEvent } from '../result/run-event.ts';
import type { RunSummary } from '../result/run-summary.ts';

/** The running session as a live view sees it. */
export interface LiveRun {
  readonly runId: string;
  /** The run's events so far (the event log's own list: it keeps growing). */
  readonly events: readonly RunEvent[];
  /** The phase the run is in now. */
  phase(): string;
  /**
   * The run so far as a summary: faults that have begun, findings of the snapshot diagnoses
   * so far, checks over what is measured so far. Provisional: no loss is accounted before the
   * drain ends (`lost` counts what has not arrived yet) and its verdict is not the run's.
   */
  snapshot(): RunSummary;
}

export interface LiveFeed {
  /** The run has its id and event log (before the cluster starts). */
  begin(run: LiveRun): void;
  /** A 1 s row closed: the run has moved on. */
  tick(): void;
}
