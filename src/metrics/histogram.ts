import * as hdr from 'hdr-histogram-js';

/**
 * Latency histograms: 1 ms .. 1 h at 3 significant digits, the range a message can take.
 * Workers record into an interval histogram and ship it compressed (base64) every report;
 * the coordinator decodes and merges (the HdrHistogram way: percentiles of a merge are exact
 * to the precision, averages of percentiles would not be).
 */
export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
}

/** The value recordMs records for `ms`: whole milliseconds within the histograms' range. */
export function clampMs(ms: number): number {
  return Math.min(3_600_000, Math.max(1, Math.round(ms)));
}

export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(clampMs(ms));
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded);
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  mean: number | null;
}

export function percentiles(h: Histogram): Percentiles {
  if (h.totalCount === 0) return { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
  return {
    count: h.totalCount,
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
    mean: Math.round(h.mean * 10) / 10,
  };
}
