import type { Percentiles } from './histogram.ts';

/** One row of the 1 s time series (timeseries.ndjson and summary.json). Counts are per interval. */
export interface TimeSeriesRow {
  /** ms since the run started. */
  t: number;
  phase: string;
  sent: number;
  acked: number;
  sendErrors: number;
  dropped: number;
  received: number;
  duplicates: number;
  backlogLedger: number;
  /** The ledger's backlog per scope (group, or group/instance in broadcasting), for thresholds with a selector. */
  backlogByScope: Record<string, number>;
  /** Sum over clustering groups of the broker's lag; null when not sampled this interval. */
  backlogBroker: number | null;
  /**
   * The broker's lag per clustering group and queue (`group topic@broker/queueId`), queues with
   * a lag only; absent when not sampled this interval (and in rows older than it).
   */
  backlogBrokerByQueue?: Record<string, number>;
  e2e: Percentiles;
  send: Percentiles;
  perInstance: Record<string, number>;
  /** Deliveries of this run's messages by tag ('' for untagged): how a subscription drift shows. */
  receivedByTag: Record<string, number>;
}
