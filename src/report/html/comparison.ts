/**
 * The run against its baseline as the page shows it: `summary.comparison` with every number
 * already written the way `rmq-chaos compare` and summary.md write it (formatValue,
 * formatDelta, the tolerance text), so the browser only lays the rows out.
 */
import { formatDelta, formatValue } from '../../compare/compare.ts';
import { type Comparison, type MetricComparison } from '../../result/comparison.ts';

export interface ComparisonRow {
  metric: MetricComparison['metric'];
  label: string;
  baseline: string;
  current: string;
  delta: string;
  tolerance: string;
  regressed: boolean;
  /**
   * `✗` regressed, `·` not judged (see note), `✓` within its tolerance: the marks of the console table and
   * summary.md.
   */
  mark: '✗' | '·' | '✓';
  /** The last cell: `✗ regressed`, `✗ regressed (no data in the current run)`, `· not compared (off)`, `✓`. */
  result: string;
  note: string | null;
}

export interface ComparisonView {
  baseline: Comparison['baseline'];
  current: Comparison['current'];
  rows: ComparisonRow[];
  notes: string[];
  verdict: Comparison['verdict'];
  /** The labels of the regressed metrics, in table order. */
  regressed: string[];
  /** `no regression` or `2 regressions`, as summary.md titles its comparison. */
  title: string;
  /**
   * `PASS (no metric regressed beyond its tolerance)` or `REGRESSION (1 of 9: acked/s)`, as the console ends its table.
   */
  verdictText: string;
}

function row(m: MetricComparison): ComparisonRow {
  const mark = m.regressed ? '✗' : m.note ? '·' : '✓';
  return {
    metric: m.metric,
    label: m.label,
    baseline: formatValue(m.baseline, m.unit),
    current: formatValue(m.current, m.unit),
    delta: formatDelta(m),
    tolerance: m.toleranceText,
    regressed: m.regressed,
    mark,
    result: m.regressed ? `✗ regressed${m.note ? ` (${m.note})` : ''}` : m.note ? `· ${m.note}` : '✓',
    note: m.note ?? null,
  };
}

/** null when the run had no baseline. */
export function comparisonView(comparison: Comparison | undefined): ComparisonView | null {
  if (!comparison) return null;
  const rows = comparison.metrics.map(row);
  const regressed = rows.filter((r) => r.regressed).map((r) => r.label);
  return {
    baseline: comparison.baseline,
    current: comparison.current,
    rows,
    notes: comparison.notes,
    verdict: comparison.verdict,
    regressed,
    title:
      comparison.verdict === 'pass'
        ? 'no regression'
        : `${regressed.length} regression${regressed.length === 1 ? '' : 's'}`,
    verdictText:
      comparison.verdict === 'pass'
        ? 'PASS (no metric regressed beyond its tolerance)'
        : `REGRESSION (${regressed.length} of ${rows.length}: ${regressed.join(', ')})`,
  };
}
