/**
 * The numbers two runs are compared on, and how to read each from a summary.json. One entry
 * per metric: its id (as plans name it under `compare.tolerances`), a label for tables, its
 * unit, which way is better, and where it lives in RunSummary. Everything else in
 * src/compare works from this table, so adding a metric is adding a row.
 */
import type { RunSummary } from '../report/summary.ts';

export type MetricDirection = 'higher-is-better' | 'lower-is-better';

/** How a metric's absolute values and tolerances are written: `5ms`, `100/s`, `12` messages, `0.001`. */
export type MetricUnit = 'ms' | 'per-second' | 'messages' | 'fraction';

export interface ComparableMetric {
  id: string;
  label: string;
  unit: MetricUnit;
  direction: MetricDirection;
  /** null when the run has no data for it (no receipts, no rebalance event). */
  extract(summary: RunSummary): number | null;
}

/** The largest backlog any sample saw: the ledger's view, which every run has (the broker's may be unsampled). */
function backlogMax(summary: RunSummary): number | null {
  const values = summary.timeseries.map((row) => row.backlogLedger);
  return values.length === 0 ? null : Math.max(...values);
}

export const COMPARABLE_METRICS = [
  {
    id: 'throughput',
    label: 'acked/s',
    unit: 'per-second',
    direction: 'higher-is-better',
    extract: (s) => s.producers.ackedPerSecond,
  },
  { id: 'e2e_p50', label: 'e2e p50', unit: 'ms', direction: 'lower-is-better', extract: (s) => s.latency.e2e.p50 },
  { id: 'e2e_p99', label: 'e2e p99', unit: 'ms', direction: 'lower-is-better', extract: (s) => s.latency.e2e.p99 },
  { id: 'send_p99', label: 'send p99', unit: 'ms', direction: 'lower-is-better', extract: (s) => s.latency.send.p99 },
  {
    id: 'duplicate_rate',
    label: 'duplicate rate',
    unit: 'fraction',
    direction: 'lower-is-better',
    extract: (s) => s.totals.duplicateRate,
  },
  { id: 'loss', label: 'lost', unit: 'messages', direction: 'lower-is-better', extract: (s) => s.totals.lost },
  {
    id: 'rebalance_p99',
    label: 'rebalance assignment p99',
    unit: 'ms',
    direction: 'lower-is-better',
    extract: (s) => s.rebalance.assignmentLatency.p99,
  },
  {
    id: 'resume_p99',
    label: 'rebalance resume p99',
    unit: 'ms',
    direction: 'lower-is-better',
    extract: (s) => s.rebalance.resumeLatency.p99,
  },
  { id: 'backlog_max', label: 'backlog max', unit: 'messages', direction: 'lower-is-better', extract: backlogMax },
] as const satisfies readonly ComparableMetric[];

export type ComparableMetricId = (typeof COMPARABLE_METRICS)[number]['id'];

export const COMPARABLE_METRIC_IDS = COMPARABLE_METRICS.map((m) => m.id) as [
  ComparableMetricId,
  ...ComparableMetricId[],
];

export function comparableMetric(id: ComparableMetricId): ComparableMetric {
  const metric = COMPARABLE_METRICS.find((m) => m.id === id);
  if (!metric) throw new Error(`internal: no comparable metric ${id}`);
  return metric;
}

/** Every comparable metric of a run, by id. */
export function extractMetrics(summary: RunSummary): Record<ComparableMetricId, number | null> {
  return Object.fromEntries(COMPARABLE_METRICS.map((m) => [m.id, m.extract(summary)])) as Record<
    ComparableMetricId,
    number | null
  >;
}
