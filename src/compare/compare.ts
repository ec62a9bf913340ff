/**
 * Compares a run with a baseline run, metric by metric, against tolerances. The result is
 * plain data: `rmq-chaos compare` prints it, `run --baseline` stores it as
 * `summary.comparison`, and the report writers render it.
 */
import type { RunSummary } from '../result/run-summary.ts';
import { COMPARABLE_METRICS, type MetricUnit } from '../plan/comparable-metrics.ts';
import { DEFAULT_TOLERANCES, exceeds, formatTolerance, type Tolerances } from '../plan/compare-tolerances.ts';
import type { ComparedRun, Comparison, MetricComparison } from '../result/comparison.ts';
import { extractMetric } from './metrics.ts';

export interface CompareOptions {
  tolerances?: Tolerances;
  /** Where the baseline came from, for the report. */
  baselineSource: string;
}

function compared(summary: RunSummary): ComparedRun {
  return { runId: summary.run.id, plan: summary.run.plan, startedAt: summary.run.startedAt };
}

export function compareSummaries(baseline: RunSummary, current: RunSummary, options: CompareOptions): Comparison {
  const tolerances = options.tolerances ?? DEFAULT_TOLERANCES;
  const metrics = COMPARABLE_METRICS.map((metric): MetricComparison => {
    const before = extractMetric(metric.id, baseline);
    const after = extractMetric(metric.id, current);
    const tolerance = tolerances[metric.id];
    const row = {
      metric: metric.id,
      label: metric.label,
      unit: metric.unit,
      direction: metric.direction,
      baseline: before,
      current: after,
      delta: before !== null && after !== null ? after - before : null,
      deltaPct: before !== null && after !== null && before !== 0 ? ((after - before) / Math.abs(before)) * 100 : null,
      tolerance,
      toleranceText: formatTolerance(tolerance, metric),
    };
    if (tolerance === 'off') return { ...row, regressed: false, note: 'not compared (off)' };
    // A metric the baseline measured and this run did not never passes silently.
    if (before !== null && after === null) return { ...row, regressed: true, note: 'no data in the current run' };
    if (before === null)
      return { ...row, regressed: false, note: after === null ? 'no data in either run' : 'no data in the baseline' };
    return { ...row, regressed: exceeds(tolerance, metric, before, after as number) };
  });
  const notes: string[] = [];
  if (baseline.run.plan !== current.run.plan)
    notes.push(`the baseline is a run of plan ${baseline.run.plan}, this is a run of plan ${current.run.plan}`);
  const regressions = metrics.filter((m) => m.regressed).map((m) => m.metric);
  return {
    baseline: { ...compared(baseline), source: options.baselineSource },
    current: compared(current),
    metrics,
    regressions,
    notes,
    verdict: regressions.length === 0 ? 'pass' : 'regression',
  };
}

/** One line per regression, for summary.failures and console output. */
export function describeRegression(m: MetricComparison): string {
  if (m.baseline === null || m.current === null) return `${m.label}: ${m.note ?? 'no data'}`;
  const pct = m.deltaPct === null ? '' : ` (${m.deltaPct >= 0 ? '+' : ''}${m.deltaPct.toFixed(1)}%)`;
  return (
    `${m.label} ${formatValue(m.baseline, m.unit)} → ${formatValue(m.current, m.unit)}${pct}, tolerance ` +
    `${m.toleranceText}`
  );
}

/** A metric value for tables: `12 ms`, `5000/s`, `0.0012`, `3`. */
export function formatValue(value: number | null, unit: MetricUnit): string {
  if (value === null) return '-';
  switch (unit) {
    case 'ms':
      return `${Math.round(value * 10) / 10} ms`;
    case 'per-second':
      return `${Math.round(value)}/s`;
    case 'messages':
      return String(Math.round(value));
    case 'fraction':
      return trimZeros(value.toPrecision(3));
  }
}

/** `0.00100` → `0.001`, `1.50` → `1.5`; `100` and `1.00e-7` keep their digits. */
function trimZeros(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** `+12.5 ms (+20.0%)`, or `-` without numbers. */
export function formatDelta(m: Pick<MetricComparison, 'delta' | 'deltaPct' | 'unit'>): string {
  if (m.delta === null) return '-';
  const sign = m.delta > 0 ? '+' : m.delta < 0 ? '−' : '±';
  const amount = formatValue(Math.abs(m.delta), m.unit);
  const pct =
    m.deltaPct === null
      ? ''
      : ` (${m.deltaPct > 0 ? '+' : m.deltaPct < 0 ? '−' : '±'}${Math.abs(m.deltaPct).toFixed(1)}%)`;
  return `${sign}${amount}${pct}`;
}
