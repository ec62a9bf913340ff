/**
 * matrix.md, sized for a pull-request comment or a CI job summary: the matrix's verdict, then
 * one table row per combination (numbers, or why it was skipped), each linking its run's page.
 */
import { mdCell } from '../writers/markdown.ts';
import { countsText, METRIC_HEADERS, metricCells, NONE, rowNote, verdictWord } from './matrix-cells.ts';
import type { MatrixResult, MatrixRow } from './matrix-result.ts';

const MARK: Record<MatrixResult['verdict'], string> = { pass: '✅', fail: '❌', stopped: '⏹️' };

function rowCells(row: MatrixRow): string[] {
  const verdict = verdictWord(row);
  if (row.status !== 'ran') return [row.combination, verdict, ...METRIC_HEADERS.map(() => NONE), rowNote(row)];
  // A Markdown link's target must not hold spaces or parentheses unescaped: run folders have neither.
  const report = row.report ? `[${row.runDir ?? 'report'}](${row.report})` : NONE;
  return [row.combination, verdict, ...metricCells(row), row.why ? `${report} ${row.why}` : report];
}

export function renderMatrixMarkdown(result: MatrixResult): string {
  const header = ['combination', 'verdict', ...METRIC_HEADERS, 'report / why'];
  const align = header.map((_, i) => (i >= 2 && i < 2 + METRIC_HEADERS.length - 1 ? '---:' : '---'));
  const sets = result.sets.length === 0 ? '' : ` with ${result.sets.map((s) => `\`--set ${s}\``).join(' ')}`;
  return [
    `## ${MARK[result.verdict]} rmq-chaos matrix \`${result.plan}\`: ${result.verdict.toUpperCase()}`,
    '',
    `${countsText(result)}. Plan \`${result.planFile}\`${sets}, started ${result.startedAt}.`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...result.rows.map((row) => `| ${rowCells(row).map(mdCell).join(' | ')} |`),
    '',
    'RTO: the worst recovery time over the faults on a broker (send: producers; consume: any group); ' +
      `${NONE} when the run had no such fault.`,
    '',
  ].join('\n');
}
