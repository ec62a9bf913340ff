/**
 * A threshold's measured value as people read it, with its unit: `p(99) = 412 ms`,
 * `rate = 95.2/s`, `count = 3 messages`, `max = 1200 messages`. Fractions (duplicate and loss
 * rates) are ratios and carry none. Every place that prints an observed value uses this.
 */
import { type MetricName, metricSpec } from '../plan/metric-catalogue.ts';

export function observedUnit(metric: MetricName, aggregation: string): string {
  const spec = metricSpec(metric);
  if (spec.value === 'duration') return 'ms';
  if (spec.kind === 'counter') {
    if (aggregation === 'rate') return '/s';
    return metric === 'send_errors' ? 'errors' : 'messages';
  }
  if (spec.kind === 'gauge') return 'messages';
  // max_rate and drain_rate are rates of messages.
  if (spec.kind === 'value') return '/s';
  return '';
}

export function formatObserved(check: { metric: MetricName; aggregation: string; observed: number | null }): string {
  if (check.observed === null) return `${check.aggregation} = no data`;
  const unit = observedUnit(check.metric, check.aggregation);
  const value = Number.isInteger(check.observed)
    ? String(check.observed)
    : String(Number(check.observed.toPrecision(4)));
  const withUnit = unit === '' ? value : unit === '/s' ? `${value}/s` : `${value} ${unit}`;
  return `${check.aggregation} = ${withUnit}`;
}
