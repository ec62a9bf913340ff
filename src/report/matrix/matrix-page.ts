/**
 * The matrix's index.html: one static table (no script, like the runs index it is styled
 * after), a row per combination with its verdict, headline numbers and a link to the run's own
 * page; a skipped combination says why in place of its numbers.
 */
import { escapeHtml, staticPageHead } from '../html/inline.ts';
import { INDEX_CSS } from '../run-index.ts';
import { countsText, METRIC_HEADERS, metricCells, verdictWord } from './matrix-cells.ts';
import type { MatrixResult, MatrixRow } from './matrix-result.ts';

/** A relative path as an href: each segment escaped, so a folder name cannot break out of the attribute. */
function href(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function rowHtml(row: MatrixRow): string {
  const word = verdictWord(row);
  const combination = `<td class="combo">${escapeHtml(row.combination)}</td>`;
  if (row.status !== 'ran') {
    const reason = row.status === 'skipped' ? row.reason : [row.reason];
    const lines = reason.map((line) => `<div>${escapeHtml(line)}</div>`).join('');
    const span = METRIC_HEADERS.length + 1;
    return (
      `<tr class="${row.status}">${combination}<td><span class="verdict">${escapeHtml(word)}</span></td>` +
      `<td colspan="${span}" class="reason">${lines}</td></tr>`
    );
  }
  const why = row.why === null ? '' : `<div class="why">${escapeHtml(row.why)}</div>`;
  const [lost, ...rest] = metricCells(row);
  const metrics = [
    `<td class="n${row.lost ? ' bad' : ''}">${escapeHtml(lost ?? '')}</td>`,
    ...rest.map((cell, i) => `<td class="${i === rest.length - 1 ? 'diag' : 'n'}">${escapeHtml(cell)}</td>`),
  ].join('');
  const link = row.report
    ? `<a href="${escapeHtml(href(row.report))}">${escapeHtml(row.runDir ?? row.report)}</a>`
    : '<span class="muted">no page</span>';
  return (
    `<tr class="${row.failed ? (row.verdict === 'aborted' ? 'aborted' : 'fail') : 'pass'}">${combination}` +
    `<td><span class="verdict">${escapeHtml(word)}</span>${why}</td>${metrics}<td>${link}</td></tr>`
  );
}

export function renderMatrixPage(result: MatrixResult): string {
  const head =
    '<thead><tr><th>combination</th><th>verdict</th>' +
    METRIC_HEADERS.map((h) => `<th class="${h === 'diagnoses' ? '' : 'n'}">${h}</th>`).join('') +
    '<th>report</th></tr></thead>';
  const sets = result.sets.length === 0 ? '' : ` · ${result.sets.map((s) => `--set ${s}`).join(' ')}`;
  const about =
    `${escapeHtml(result.planFile)}${escapeHtml(sets)} · started ${escapeHtml(result.startedAt)} · ` +
    `${escapeHtml(countsText(result))}`;
  const title = `rmq-chaos matrix: ${result.plan} (${result.verdict})`;
  return `${staticPageHead(title, MATRIX_CSS)}
<body>
<main>
<h1><span class="verdict matrix-${result.verdict}">${result.verdict}</span> matrix ${escapeHtml(result.plan)}</h1>
<p class="muted">${about}</p>
<table>
${head}
<tbody>
${result.rows.map(rowHtml).join('\n')}
</tbody>
</table>
<p class="muted">RTO: the worst recovery time over the run's faults on a broker (send: producers; consume: any group),
"not recovered" when it outlasted the run, — when the run had no such fault. Diagnoses: those that fired.
matrix.json holds every row; each run's own folder holds its summary.json.</p>
</main>
</body>
</html>
`;
}

const MATRIX_CSS = [
  INDEX_CSS,
  'td.combo { font-weight: 600; }',
  'td.diag { white-space: normal; max-width: 22em; }',
  'td.reason { white-space: normal; color: #5f6b76; }',
  '.skipped .verdict, .not-run .verdict { background: #eef1f4; color: #5f6b76; }',
  '.fail .why { color: #b42318; }',
  'h1 .verdict { vertical-align: middle; margin-right: 6px; }',
  '.matrix-pass { background: #e8f5ee; color: #1a7f4b; }',
  '.matrix-fail { background: #fdecea; color: #b42318; }',
  '.matrix-stopped { background: #fff4e5; color: #8a5300; }',
  '',
].join('\n');
