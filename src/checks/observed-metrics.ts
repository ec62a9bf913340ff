import type { Histogram } from 'hdr-histogram-js';
import type { Aggregation } from '../plan/thresholds.ts';

/**
 * What a run measured, in the shapes thresholds aggregate over: counters (a total and the
 * seconds producers sent for, load + chaos + heal, for `rate`), fractions, distributions (HdrHistogram) and gauges
 * (sampled series). A metric this version does not measure yet is absent, and a threshold
 * on it fails as "no data" rather than passing silently.
 */
export type ObservedMetric =
  | { kind: 'counter'; total: number; seconds: number }
  | { kind: 'rate'; value: number }
  | { kind: 'trend'; histogram: Histogram }
  | { kind: 'gauge'; samples: number[] }
  | { kind: 'value'; value: number };

/** The value a threshold compares, or NaN when there is no data for it. */
export function aggregate(metric: ObservedMetric | undefined, aggregation: Aggregation): number {
  if (!metric) return Number.NaN;
  switch (metric.kind) {
    case 'counter':
      if (aggregation.kind === 'count') return metric.total;
      if (aggregation.kind === 'rate') return metric.seconds > 0 ? metric.total / metric.seconds : Number.NaN;
      return Number.NaN;
    case 'rate':
      return aggregation.kind === 'rate' ? metric.value : Number.NaN;
    case 'trend': {
      const h = metric.histogram;
      if (h.totalCount === 0) return Number.NaN;
      switch (aggregation.kind) {
        case 'p':
          return h.getValueAtPercentile(aggregation.p);
        case 'med':
          return h.getValueAtPercentile(50);
        case 'avg':
          return h.mean;
        case 'min':
          return h.minNonZeroValue;
        case 'max':
          return h.maxValue;
        default:
          return Number.NaN;
      }
    }
    case 'value':
      return aggregation.kind === 'value' ? metric.value : Number.NaN;
    case 'gauge': {
      const s = metric.samples;
      if (s.length === 0) return Number.NaN;
      switch (aggregation.kind) {
        case 'max':
          return Math.max(...s);
        case 'min':
          return Math.min(...s);
        case 'avg':
          return s.reduce((a, b) => a + b, 0) / s.length;
        case 'final':
          return s[s.length - 1]!;
        default:
          return Number.NaN;
      }
    }
  }
}
