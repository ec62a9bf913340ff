/**
 * Where a run's numbers go while it runs, beside its own files (k6's `--out`): each 1 s
 * time-series row as it closes, and, for outputs that label by fault, queue or owner, each run
 * event and broker snapshot as they happen. Implementations live in report/outputs (json, csv,
 * prometheus, otlp), chosen with `run --out <name>=<target>`; a run owns the ones it is given and
 * closes them however it ends.
 */
import type { TimeSeriesRow } from '../metrics/time-series-row.ts';
import type { ClusterSnapshot } from '../observe/snapshot.ts';
import type { RunEvent } from '../result/run-event.ts';

export interface MetricOutput {
  /** `json=reports/points.ndjson`, as given: for logs and errors. */
  readonly description: string;
  /**
   * Opens the target; throws (before the cluster starts) when it cannot. Resolves to a line for
   * the user when there is something to say (where an endpoint listens), else undefined.
   */
  open(): Promise<string | undefined>;
  /** One closed row; `startedAt`: the run's start, epoch ms (a row's `t` is relative to it). */
  row(row: TimeSeriesRow, startedAt: number): void;
  /** A run event (phase, fault-begin/-end, assignment, ...) as it is logged. */
  event?(event: RunEvent): void;
  /** A snapshot of the brokers' view of the run's groups (lag per queue, who holds which queue). */
  snapshot?(snapshot: ClusterSnapshot): void;
  /** Flushes and closes; safe to call twice. */
  close(): Promise<void>;
}
