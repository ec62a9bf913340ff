/** The comparison as a plain-text table for the console: one row per metric, then the verdict. */
import { formatDelta, formatValue } from './compare.ts';
import { type Comparison } from '../result/comparison.ts';

function pad(cells: string[], widths: number[]): string {
  return cells
    .map((cell, i) => cell.padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();
}

export function formatComparison(c: Comparison): string {
  const lines: string[] = [];
  lines.push(`baseline  ${c.baseline.runId} (plan ${c.baseline.plan}) from ${c.baseline.source}`);
  lines.push(`current   ${c.current.runId} (plan ${c.current.plan})`);
  for (const note of c.notes) lines.push(`note: ${note}`);
  const header = ['metric', 'baseline', 'current', 'delta', 'tolerance', ''];
  const rows = c.metrics.map((m) => [
    m.label,
    formatValue(m.baseline, m.unit),
    formatValue(m.current, m.unit),
    formatDelta(m),
    m.toleranceText,
    m.regressed ? `✗ regressed${m.note ? ` (${m.note})` : ''}` : m.note ? `· ${m.note}` : '✓',
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => (r[i] ?? '').length)));
  lines.push('', pad(header, widths), ...rows.map((r) => pad(r, widths)), '');
  const regressed = c.metrics.filter((m) => m.regressed).map((m) => m.label);
  lines.push(
    c.verdict === 'pass'
      ? 'verdict: PASS (no metric regressed beyond its tolerance)'
      : `verdict: REGRESSION (${regressed.length} of ${c.metrics.length}: ${regressed.join(', ')})`,
  );
  return lines.join('\n');
}
