import type { ComparableMetricId, MetricDirection, MetricUnit } from '../plan/comparable-metrics.ts';
import type { Tolerance } from '../plan/compare-tolerances.ts';

export interface MetricComparison {
  metric: ComparableMetricId;
  /** For tables: `acked/s`, `e2e p99`. */
  label: string;
  unit: MetricUnit;
  direction: MetricDirection;
  /** null: that run has no data for the metric. */
  baseline: number | null;
  current: number | null;
  /** current − baseline; null when either is missing. */
  delta: number | null;
  /** delta as a percentage of the baseline; null when either is missing or the baseline is 0. */
  deltaPct: number | null;
  tolerance: Tolerance | 'off';
  /** The tolerance as written in tables: `-10%`, `+20% and +5 ms`, `off`. */
  toleranceText: string;
  regressed: boolean;
  /** Why a row could not be judged, or why it regressed without numbers (`no data in the current run`). */
  note?: string;
}

export interface ComparedRun {
  runId: string;
  plan: string;
  startedAt: string;
}

/** `summary.comparison`: the run against its baseline. */
export interface Comparison {
  baseline: ComparedRun & {
    /** The file the baseline was read from, as given. */
    source: string;
  };
  current: ComparedRun;
  metrics: MetricComparison[];
  /** The ids of the regressed metrics, in table order. */
  regressions: ComparableMetricId[];
  /** Things a reader should know, e.g. that the two runs are of different plans. */
  notes: string[];
  verdict: 'pass' | 'regression';
}
