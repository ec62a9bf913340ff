import { formatAggregation, evaluateThreshold, type MetricName, type ParsedThreshold } from '../plan/thresholds.ts';
import { aggregate, type ObservedMetrics } from './observed-metrics.ts';

export interface CheckResult {
  metric: MetricName;
  threshold: string;
  aggregation: string;
  /** null when the run has no data for the metric (the check then fails). */
  observed: number | null;
  ok: boolean;
}

export function evaluateThresholds(thresholds: readonly ParsedThreshold[], observed: ObservedMetrics): CheckResult[] {
  return thresholds.map((threshold) => {
    const value = aggregate(observed[threshold.metric], threshold.aggregation);
    return {
      metric: threshold.metric,
      threshold: threshold.source,
      aggregation: formatAggregation(threshold.aggregation),
      observed: Number.isNaN(value) ? null : value,
      ok: evaluateThreshold(threshold, value),
    };
  });
}
