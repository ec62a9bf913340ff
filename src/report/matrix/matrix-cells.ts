/**
 * The matrix's cells as text, shared by the page, matrix.md and the console table so that the
 * three never disagree on what a value reads as. "—" is a value nothing measured.
 */
import type { MatrixResult, MatrixRow, RanRow, Rto } from './matrix-result.ts';

export const NONE = '—';

export function rtoText(rto: Rto): string {
  if (rto === null) return NONE;
  return rto === 'never' ? 'not recovered' : `${rto} ms`;
}

export function msText(ms: number | null): string {
  return ms === null ? NONE : `${ms} ms`;
}

export function countText(n: number | null): string {
  return n === null ? NONE : String(n);
}

export function diagnosesText(ids: readonly string[]): string {
  return ids.length === 0 ? NONE : ids.join(', ');
}

/** The verdict cell's word: the run's own verdict, `skipped` or `not run`. */
export function verdictWord(row: MatrixRow): string {
  if (row.status === 'skipped') return 'skipped';
  if (row.status === 'not-run') return 'not run';
  // A pass whose process still failed (exit code) is not shown as a pass.
  return row.verdict === 'pass' && row.failed ? 'error' : row.verdict;
}

/** Why a row is not a plain pass, one line (skip reasons joined), or '' for a pass. */
export function rowNote(row: MatrixRow): string {
  if (row.status === 'skipped') return `skipped: ${row.reason.join('; ')}`;
  if (row.status === 'not-run') return row.reason;
  return row.why ?? '';
}

/** The metric cells of a run, in column order (after combination and verdict). */
export function metricCells(row: RanRow): string[] {
  return [
    countText(row.lost),
    countText(row.duplicates),
    rtoText(row.sendRtoMs),
    rtoText(row.consumeRtoMs),
    msText(row.e2eP99Ms),
    diagnosesText(row.diagnoses),
  ];
}

export const METRIC_HEADERS = ['lost', 'duplicates', 'send RTO', 'consume RTO', 'e2e p99', 'diagnoses'] as const;

/** `3 combinations: 2 passed, 1 failed; 1 skipped`. */
export function countsText(result: MatrixResult): string {
  const ran = result.rows.filter((r): r is RanRow => r.status === 'ran');
  const passed = ran.filter((r) => !r.failed).length;
  const parts = [`${passed} passed`, `${ran.length - passed} failed`];
  const skipped = result.rows.filter((r) => r.status === 'skipped').length;
  const notRun = result.rows.filter((r) => r.status === 'not-run').length;
  const rest = [skipped > 0 ? `${skipped} skipped` : '', notRun > 0 ? `${notRun} not run` : ''].filter(Boolean);
  const n = result.rows.length;
  return `${n} combination${n === 1 ? '' : 's'}: ${parts.join(', ')}${rest.length ? `; ${rest.join(', ')}` : ''}`;
}
