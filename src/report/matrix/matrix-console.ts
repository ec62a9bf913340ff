/**
 * The matrix's end-of-run table for the terminal: one padded line per combination, then why
 * each one that did not pass did not (a skip's reasons, a failure's first line), since those
 * are too long for a column.
 */
import { countsText, METRIC_HEADERS, metricCells, NONE, rowNote, verdictWord } from './matrix-cells.ts';
import type { MatrixResult } from './matrix-result.ts';

export function formatMatrixConsole(result: MatrixResult): string {
  const header = ['combination', 'verdict', ...METRIC_HEADERS];
  const rows = result.rows.map((row) => [
    row.combination,
    verdictWord(row),
    ...(row.status === 'ran' ? metricCells(row) : METRIC_HEADERS.map(() => NONE)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // Numbers right-aligned, words left; the last column is not padded (no trailing blanks).
  const numeric = (i: number) => i >= 2 && i < header.length - 1;
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ');
  const notes = result.rows
    .map((row) => ({ row, note: rowNote(row) }))
    .filter(({ note }) => note !== '')
    .map(({ row, note }) => `  ${row.combination}: ${note}`);
  return [
    `matrix ${result.plan}: ${result.verdict.toUpperCase()} (${countsText(result)})`,
    line(header),
    ...rows.map(line),
    ...notes,
  ].join('\n');
}
