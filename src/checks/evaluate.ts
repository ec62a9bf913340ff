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

export function evaluateThresholds(thresholds: Partial<Record<MetricName, ParsedThreshold[]>>, observed: ObservedMetrics): CheckResult[] {
  const results: CheckResult[] = [];
  for (const [metric, list] of Object.entries(thresholds) as [MetricName, ParsedThreshold[]][]) {
    for (const threshold of list) {
      const value = aggregate(observed[metric], threshold.aggregation);
      results.push({
        metric,
        threshold: threshold.source,
        aggregation: formatAggregation(threshold.aggregation),
        observed: Number.isNaN(value) ? null : value,
        ok: evaluateThreshold(threshold, value),
      });
    }
  }
  return results;
}
