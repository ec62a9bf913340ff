/**
 * index.html of a run stopped before its verdict: one static page (no script, no charts: it
 * measured too little for them) with why it stopped, the counts so far and what was cleaned
 * up, so that the run index can link it and `rmq-chaos open` shows it like any run's page.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AbortedRunSummary } from '../../result/run-summary.ts';
import { abortHeadline, cleanupItems, measuredSoFar } from '../aborted-text.ts';
import { escapeHtml, staticPageHead } from '../html/inline.ts';
import type { ReportWriter } from '../report-writer.ts';
import { HTML_REPORT_FILE } from './html.ts';

export function renderAbortedPage(s: AbortedRunSummary): string {
  const a = s.aborted;
  const list = (items: string[]) => `<ul>\n${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('\n')}\n</ul>`;
  const about =
    `Run ${escapeHtml(s.run.id)} · started ${escapeHtml(s.run.startedAt)} · ` +
    `${(s.run.wallMs / 1000).toFixed(1)} s · seed ${s.run.seed}`;
  return `${staticPageHead(`rmq-chaos ${s.run.plan}: aborted`, PAGE_CSS)}
<body>
<main>
<h1><span class="verdict">aborted</span> ${escapeHtml(s.run.plan)}</h1>
<p class="muted">${about}</p>
<p class="why">Stopped ${escapeHtml(abortHeadline(s))}</p>
${a.detail && a.detail.length > 0 ? `<pre>${escapeHtml(a.detail.join('\n'))}</pre>` : ''}
${a.hint ? `<p><b>Fix:</b> ${escapeHtml(a.hint)}</p>` : ''}
<h2>Measured so far</h2>
<p>${escapeHtml(measuredSoFar(s))}. Nothing was judged: no checks, invariants or diagnoses.</p>
<h2>Cleaned up</h2>
${list(cleanupItems(a.cleanup))}
<p class="muted">summary.json holds all of this; events.ndjson what happened until the stop.</p>
</main>
</body>
</html>
`;
}

const PAGE_CSS = [
  '',
  'body { margin: 0; background: #f6f7f9; color: #1d2329; ' +
    'font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }',
  'main { max-width: 1000px; margin: 0 auto; padding: 24px; }',
  'h1 { font-size: 22px; margin: 0 0 4px; }',
  'h2 { font-size: 16px; margin: 20px 0 6px; }',
  '.muted { color: #5f6b76; margin-top: 0; }',
  '.why { font-size: 16px; font-weight: 600; }',
  '.verdict { display: inline-block; font-size: 12px; text-transform: uppercase; font-weight: 700; ' +
    'border-radius: 999px; padding: 1px 8px; vertical-align: middle; background: #fff4e5; color: #8a5300; }',
  'pre { background: #fff; border: 1px solid #e1e5ea; padding: 8px; overflow-x: auto; }',
  '',
].join('\n');

export const abortedPageWriter: ReportWriter<AbortedRunSummary> = {
  name: 'html',
  async write(summary, reportDir) {
    const file = join(reportDir, HTML_REPORT_FILE);
    await writeFile(file, renderAbortedPage(summary));
    return file;
  },
};
