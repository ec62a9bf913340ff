/**
 * The numbers two runs are compared on: their ids (as plans name them under
 * `compare.tolerances`), a label for tables, the unit, and which way is better. The plan
 * validates tolerances against this table; `compare/metrics.ts` reads each metric from a
 * summary.json. Adding a metric is adding a row here and its reader there.
 */

export type MetricDirection = 'higher-is-better' | 'lower-is-better';

/** How a metric's absolute values and tolerances are written: `5ms`, `100/s`, `12` messages, `0.001`. */
export type MetricUnit = 'ms' | 'per-second' | 'messages' | 'fraction';

export interface ComparableMetric {
  id: string;
  label: string;
  unit: MetricUnit;
  direction: MetricDirection;
}

export const COMPARABLE_METRICS = [
  { id: 'throughput', label: 'acked/s', unit: 'per-second', direction: 'higher-is-better' },
  { id: 'e2e_p50', label: 'e2e p50', unit: 'ms', direction: 'lower-is-better' },
  { id: 'e2e_p99', label: 'e2e p99', unit: 'ms', direction: 'lower-is-better' },
  { id: 'send_p99', label: 'send p99', unit: 'ms', direction: 'lower-is-better' },
  { id: 'duplicate_rate', label: 'duplicate rate', unit: 'fraction', direction: 'lower-is-better' },
  { id: 'loss', label: 'lost', unit: 'messages', direction: 'lower-is-better' },
  { id: 'rebalance_p99', label: 'rebalance assignment p99', unit: 'ms', direction: 'lower-is-better' },
  { id: 'resume_p99', label: 'rebalance resume p99', unit: 'ms', direction: 'lower-is-better' },
  { id: 'backlog_max', label: 'backlog max', unit: 'messages', direction: 'lower-is-better' },
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
