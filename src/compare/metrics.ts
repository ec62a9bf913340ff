/**
 * How to read each comparable metric (the table in `plan/comparable-metrics.ts`) from a
 * summary.json. The record is keyed by metric id, so a metric without a reader does not compile.
 */
import { COMPARABLE_METRICS, type ComparableMetricId } from '../plan/comparable-metrics.ts';
import type { RunSummary } from '../result/run-summary.ts';

/** null when the run has no data for it (no receipts, no rebalance event). */
type MetricReader = (summary: RunSummary) => number | null;

/** The largest backlog any sample saw: the ledger's view, which every run has (the broker's may be unsampled). */
function backlogMax(summary: RunSummary): number | null {
  const values = summary.timeseries.map((row) => row.backlogLedger);
  return values.length === 0 ? null : Math.max(...values);
}

const EXTRACT: Record<ComparableMetricId, MetricReader> = {
  throughput: (s) => s.producers.ackedPerSecond,
  e2e_p50: (s) => s.latency.e2e.p50,
  e2e_p99: (s) => s.latency.e2e.p99,
  send_p99: (s) => s.latency.send.p99,
  duplicate_rate: (s) => s.totals.duplicateRate,
  loss: (s) => s.totals.lost,
  rebalance_p99: (s) => s.rebalance.assignmentLatency.p99,
  resume_p99: (s) => s.rebalance.resumeLatency.p99,
  backlog_max: backlogMax,
};

export function extractMetric(id: ComparableMetricId, summary: RunSummary): number | null {
  return EXTRACT[id](summary);
}

/** Every comparable metric of a run, by id. */
export function extractMetrics(summary: RunSummary): Record<ComparableMetricId, number | null> {
  return Object.fromEntries(COMPARABLE_METRICS.map((m) => [m.id, extractMetric(m.id, summary)])) as Record<
    ComparableMetricId,
    number | null
  >;
}
