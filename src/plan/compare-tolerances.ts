/**
 * How much worse than its baseline a metric may get before a run counts as a regression.
 * A tolerance has up to two bounds, both measured in the metric's worse direction (a drop
 * for throughput, a rise for latencies): `relative`, a share of the baseline, and
 * `absolute`, in the metric's unit. When both are set a change must exceed both: a p99 going
 * from 2 ms to 3 ms is +50% but only +1 ms, which is noise, not a regression.
 */
import type { ComparableMetric, ComparableMetricId } from './comparable-metrics.ts';

export interface Tolerance {
  /** Allowed worsening as a share of the baseline (0.2 = 20%); null: no relative bound. */
  relative: number | null;
  /** Allowed worsening in the metric's unit (ms, messages/s, messages, a rate); null: no absolute bound. */
  absolute: number | null;
}

/** Per metric: its tolerance, or `off` to leave the metric out of the verdict. */
export type Tolerances = Record<ComparableMetricId, Tolerance | 'off'>;

/** Latency percentiles jitter by a few ms between identical runs on a busy machine. */
const LATENCY_FLOOR_MS = 5;

export const DEFAULT_TOLERANCES: Readonly<Tolerances> = {
  throughput: { relative: 0.1, absolute: null },
  e2e_p50: { relative: 0.2, absolute: LATENCY_FLOOR_MS },
  e2e_p99: { relative: 0.2, absolute: LATENCY_FLOOR_MS },
  send_p99: { relative: 0.2, absolute: LATENCY_FLOOR_MS },
  // A rate near 0 makes relative changes meaningless (0.0001 → 0.0002 is +100%).
  duplicate_rate: { relative: null, absolute: 0.001 },
  // Any message lost beyond what the baseline lost is a regression.
  loss: { relative: null, absolute: 0 },
  rebalance_p99: { relative: 0.2, absolute: LATENCY_FLOOR_MS },
  resume_p99: { relative: 0.2, absolute: LATENCY_FLOOR_MS },
  // A few hundred messages in flight between samples is not a backlog.
  backlog_max: { relative: 0.2, absolute: 100 },
};

/** How far `current` moved from `baseline` in the metric's worse direction (negative: it improved). */
export function worsening(metric: Pick<ComparableMetric, 'direction'>, baseline: number, current: number): number {
  return metric.direction === 'higher-is-better' ? baseline - current : current - baseline;
}

/** True when the change exceeds every bound the tolerance sets. A tolerance with no bound never regresses. */
export function exceeds(
  tolerance: Tolerance,
  metric: Pick<ComparableMetric, 'direction'>,
  baseline: number,
  current: number,
): boolean {
  if (tolerance.relative === null && tolerance.absolute === null) return false;
  const worse = worsening(metric, baseline, current);
  if (worse <= 0) return false;
  const overRelative = tolerance.relative === null || worse > tolerance.relative * Math.abs(baseline);
  const overAbsolute = tolerance.absolute === null || worse > tolerance.absolute;
  return overRelative && overAbsolute;
}

/** `-10%`, `+20% and +5 ms`, `+0.001`, `off`: the tolerance as a person reads it. */
export function formatTolerance(
  tolerance: Tolerance | 'off',
  metric: Pick<ComparableMetric, 'direction' | 'unit'>,
): string {
  if (tolerance === 'off') return 'off';
  const sign = metric.direction === 'higher-is-better' ? '-' : '+';
  const parts: string[] = [];
  if (tolerance.relative !== null) parts.push(`${sign}${round(tolerance.relative * 100)}%`);
  if (tolerance.absolute !== null) parts.push(`${sign}${formatAmount(tolerance.absolute, metric.unit)}`);
  return parts.length === 0 ? 'any' : parts.join(' and ');
}

/** A value in the metric's unit, e.g. `12 ms`, `5000/s`, `0.001`. */
export function formatAmount(value: number, unit: ComparableMetric['unit']): string {
  switch (unit) {
    case 'ms':
      return `${round(value)} ms`;
    case 'per-second':
      return `${round(value)}/s`;
    case 'messages':
      return String(round(value));
    case 'fraction':
      return String(Number(value.toPrecision(3)));
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
