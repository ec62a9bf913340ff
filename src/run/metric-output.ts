/**
 * Where a run's numbers go while it runs, beside its own files (k6's `--out`): each 1 s
 * time-series row as it closes. Implementations live in report/outputs (json, csv), chosen with
 * `run --out <name>=<target>`; a run owns the ones it is given and closes them however it ends.
 */
import type { TimeSeriesRow } from '../metrics/time-series-row.ts';

export interface MetricOutput {
  /** `json=reports/points.ndjson`, as given: for logs and errors. */
  readonly description: string;
  /** Opens the target; throws (before the cluster starts) when it cannot. */
  open(): Promise<void>;
  /** One closed row; `startedAt`: the run's start, epoch ms (a row's `t` is relative to it). */
  row(row: TimeSeriesRow, startedAt: number): void;
  /** Flushes and closes; safe to call twice. */
  close(): Promise<void>;
}
