import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { escapeHtml, staticPageHead } from './html/inline.ts';
import { RUN_FILES } from './run-files.ts';
import { HTML_REPORT_FILE } from './writers/html.ts';

/**
 * reports/index.html: every run folder, newest first, with its verdict and headline numbers
 * and a link to its page. Static HTML, no script: it is regenerated after every run and by
 * `rmq-chaos report`/`open`, and must list runs of every summary schema (or none, for a run
 * that crashed before writing one).
 */
export const RUN_INDEX_FILE = 'index.html';

export interface RunIndexRow {
  /** The run folder's name, which is also the link's first path segment. */
  dir: string;
  plan: string;
  /** ISO time the run started; null when the folder has no readable summary. */
  startedAt: string | null;
  verdict: 'pass' | 'fail' | 'aborted' | 'unknown';
  /** Why an aborted run stopped (one line); null for the others. */
  abortReason: string | null;
  ackedPerSecond: number | null;
  e2eP99Ms: number | null;
  lost: number | null;
  duplicates: number | null;
  diagnoses: number | null;
  /** The run has its own index.html to link to. */
  hasPage: boolean;
}

// The fields the index reads, each optional: summaries from schema 1 on, and partial ones, still list.
const nullableNumber = z.number().nullable().optional().catch(undefined);
const HeadlineSchema = z.object({
  run: z
    .object({ plan: z.string().optional().catch(undefined), startedAt: z.string().optional().catch(undefined) })
    .optional()
    .catch(undefined),
  verdict: z.enum(['pass', 'fail', 'aborted']).optional().catch(undefined),
  aborted: z
    .object({ reason: z.string().optional().catch(undefined), phase: z.string().optional().catch(undefined) })
    .optional()
    .catch(undefined),
  producers: z.object({ ackedPerSecond: nullableNumber }).optional().catch(undefined),
  latency: z
    .object({ e2e: z.object({ p99: nullableNumber }).optional().catch(undefined) })
    .optional()
    .catch(undefined),
  totals: z.object({ lost: nullableNumber, duplicates: nullableNumber }).optional().catch(undefined),
  diagnoses: z.array(z.unknown()).optional().catch(undefined),
});

/** One row from a run folder's name and its summary.json (parsed JSON, or undefined when missing or unreadable). */
export function indexRow(dir: string, summary: unknown, hasPage: boolean): RunIndexRow {
  const parsed = HeadlineSchema.safeParse(summary);
  const s = parsed.success ? parsed.data : {};
  return {
    dir,
    // Folders are named <time>-<plan>; a folder without a summary still shows its plan.
    plan: s.run?.plan ?? dir.replace(/^\d{8}-\d{6}Z-/, ''),
    startedAt: s.run?.startedAt ?? null,
    verdict: s.verdict ?? 'unknown',
    abortReason:
      s.verdict === 'aborted'
        ? `${s.aborted?.phase ? `in ${s.aborted.phase}: ` : ''}${s.aborted?.reason ?? 'no reason given'}`
        : null,
    ackedPerSecond: s.producers?.ackedPerSecond ?? null,
    e2eP99Ms: s.latency?.e2e?.p99 ?? null,
    lost: s.totals?.lost ?? null,
    duplicates: s.totals?.duplicates ?? null,
    diagnoses: s.diagnoses?.length ?? null,
    hasPage,
  };
}

/** Newest first: by start time, else by the UTC time the folder name starts with. */
export function sortRows(rows: readonly RunIndexRow[]): RunIndexRow[] {
  const key = (r: RunIndexRow) => {
    const started = r.startedAt === null ? NaN : Date.parse(r.startedAt);
    return Number.isFinite(started) ? started : (timeOfDir(r.dir) ?? 0);
  };
  return [...rows].sort((a, b) => key(b) - key(a) || b.dir.localeCompare(a.dir));
}

/** `20261125-164044Z-smoke` → its epoch ms; null for a folder named otherwise. */
export function timeOfDir(dir: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})Z/.exec(dir);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : null;
}

/** Every run folder under reportsDir (a folder with an events, time-series or summary file). */
export async function listRuns(reportsDir: string): Promise<RunIndexRow[]> {
  if (!existsSync(reportsDir)) return [];
  const entries = await readdir(reportsDir, { withFileTypes: true });
  const rows: RunIndexRow[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(reportsDir, entry.name);
    if (!Object.values(RUN_FILES).some((file) => existsSync(join(dir, file)))) continue;
    rows.push(
      indexRow(entry.name, await readJson(join(dir, RUN_FILES.summary)), existsSync(join(dir, HTML_REPORT_FILE))),
    );
  }
  return sortRows(rows);
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes reportsDir/index.html and returns its path. */
export async function writeRunIndex(reportsDir: string): Promise<string> {
  const file = join(reportsDir, RUN_INDEX_FILE);
  await writeFile(file, renderRunIndex(await listRuns(reportsDir)));
  return file;
}

export function renderRunIndex(rows: readonly RunIndexRow[]): string {
  const cell = (v: number | null, unit = '') => (v === null ? '–' : `${v.toLocaleString('en-US')}${unit}`);
  const body = rows
    .map((r) => {
      const name = escapeHtml(r.dir);
      const link = r.hasPage
        ? `<a href="${encodeURIComponent(r.dir)}/${HTML_REPORT_FILE}">${name}</a>`
        : `<span title="no index.html: rmq-chaos report ${name}">${name}</span>`;
      const when = r.startedAt ? escapeHtml(r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')) : '–';
      return (
        `<tr class="${r.verdict}"><td><span class="verdict">${r.verdict}</span>` +
        `${r.abortReason === null ? '' : `<div class="why">${escapeHtml(r.abortReason)}</div>`}</td>` +
        `<td>${escapeHtml(r.plan)}</td><td>${when}</td><td>${link}</td>` +
        `<td class="n">${cell(r.ackedPerSecond)}</td><td class="n">${cell(r.e2eP99Ms, ' ms')}</td>` +
        `<td class="n${r.lost ? ' bad' : ''}">${cell(r.lost)}</td>` +
        `<td class="n">${cell(r.duplicates)}</td><td class="n">${cell(r.diagnoses)}</td></tr>`
      );
    })
    .join('\n');
  const count = `${rows.length} run${rows.length === 1 ? '' : 's'}`;
  return `${staticPageHead('rmq-chaos runs', INDEX_CSS)}
<body>
<main>
<h1>rmq-chaos runs</h1>
<p class="muted">${count}, newest first. Acked/s over load, chaos and heal; e2e p99 over the run.</p>
<table>
${INDEX_HEAD}
<tbody>
${body}
</tbody>
</table>
</main>
</body>
</html>
`;
}

const INDEX_HEAD =
  '<thead><tr><th>verdict</th><th>plan</th><th>started (UTC)</th><th>run</th><th class="n">acked/s</th>' +
  '<th class="n">e2e p99</th><th class="n">lost</th><th class="n">duplicates</th><th class="n">diagnoses</th>' +
  '</tr></thead>';

// Small enough to keep here: the index has no script and a handful of rules (one a line). The matrix page
// (matrix/matrix-page.ts) builds on it, so the two tables look alike.
export const INDEX_CSS = [
  '',
  'body { margin: 0; background: #f6f7f9; color: #1d2329; ' +
    'font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }',
  'main { max-width: 1240px; margin: 0 auto; padding: 24px; overflow-x: auto; }',
  'h1 { font-size: 22px; margin: 0 0 4px; }',
  '.muted { color: #5f6b76; margin-top: 0; }',
  'table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #e1e5ea; ' +
    'font-variant-numeric: tabular-nums; }',
  'th, td { padding: 6px 10px; border-bottom: 1px solid #e1e5ea; text-align: left; white-space: nowrap; }',
  'th { font-size: 12px; color: #5f6b76; background: #fafbfc; }',
  '.n { text-align: right; }',
  'a { color: #0072b2; text-decoration: none; }',
  'a:hover { text-decoration: underline; }',
  '.verdict { display: inline-block; min-width: 4.5em; text-align: center; font-weight: 700; font-size: 12px; ' +
    'text-transform: uppercase; border-radius: 999px; padding: 1px 8px; }',
  '.pass .verdict { background: #e8f5ee; color: #1a7f4b; }',
  '.fail .verdict { background: #fdecea; color: #b42318; }',
  '.unknown .verdict { background: #eef1f4; color: #5f6b76; }',
  '.aborted .verdict { background: #fff4e5; color: #8a5300; }',
  // The reason may be long (a timeout with its address): it wraps under the verdict.
  '.why { white-space: normal; max-width: 28em; font-size: 12px; color: #8a5300; }',
  'td.bad { color: #b42318; font-weight: 600; }',
  'tbody tr:hover { background: #fafcff; }',
  '',
].join('\n');
