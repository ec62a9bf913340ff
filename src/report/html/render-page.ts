import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { escapeHtml, inlineJson, inlineScript, inlineStyle } from './inline.ts';
import type { ReportData } from './report-data.ts';

/**
 * The run's page as one file (Playwright's HTML reporter): uPlot and the page's own scripts
 * and style (src/report/html/page/) inlined, the data as JSON in a <script type="application/json">. It opens from
 * disk with no server and fetches nothing: the Content-Security-Policy forbids any request.
 */

/** The page's script reads its data from this element. */
export const RUN_DATA_ELEMENT_ID = 'run-data';

/** The page's scripts (src/report/html/page/), in the order they must run: each uses what the ones before it define. */
export const PAGE_SCRIPTS = [
  'kit.js',
  'headline.js',
  'sections.js',
  'charts.js',
  'lanes.js',
  'workloads.js',
  'main.js',
] as const;

interface PageAssets {
  /** Runs before uPlot: a browser language that Intl rejects must not stop it loading. */
  localeGuardJs: string;
  uplotJs: string;
  uplotCss: string;
  pageJs: string[];
  pageCss: string;
}

let assets: Promise<PageAssets> | undefined;

/** Read once per process: a reports index or several runs render with the same assets. */
function loadAssets(): Promise<PageAssets> {
  const require = createRequire(import.meta.url);
  const local = (name: string) => fileURLToPath(new URL(name, import.meta.url));
  assets ??= Promise.all([
    readFile(local('./page/locale-guard.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    Promise.all(PAGE_SCRIPTS.map((name) => readFile(local(`./page/${name}`), 'utf8'))),
    readFile(local('./page/page.css'), 'utf8'),
  ]).then(([localeGuardJs, uplotJs, uplotCss, pageJs, pageCss]) => ({
    localeGuardJs,
    uplotJs,
    uplotCss,
    pageJs,
    pageCss,
  }));
  return assets;
}

/** The report's policy: nothing but its own inline code; the live page adds its own server (`connect-src 'self'`). */
function contentSecurityPolicy(connect: "'none'" | "'self'"): string {
  return [
    "default-src 'none'",
    "script-src 'unsafe-inline'",
    "style-src 'unsafe-inline'",
    'img-src data:',
    "font-src 'none'",
    `connect-src ${connect}`,
  ].join('; ');
}

const NOSCRIPT =
  '<noscript>This report draws with JavaScript; the raw numbers are in summary.json next to it.</noscript>';

export async function renderReportPage(data: ReportData): Promise<string> {
  const a = await loadAssets();
  const s = data.summary;
  return pageDocument({
    title: `${s.run.plan} · ${s.verdict.toUpperCase()} · ${s.run.id}`,
    connect: "'none'",
    body: `<main id="app">${NOSCRIPT}</main>
<script type="application/json" id="${RUN_DATA_ELEMENT_ID}">${inlineJson(data)}</script>
<script>${inlineScript(a.localeGuardJs)}</script>
<script>${inlineScript(a.uplotJs)}</script>
${a.pageJs.map((js) => `<script>${inlineScript(js)}</script>`).join('\n')}`,
    assets: a,
  });
}

/** What the live page (report/live) puts around the same scripts. */
export interface LiveReportPage {
  title: string;
  /** The first frame's data, or null before the run has one (the page waits for it). */
  data: unknown;
  /** Shown above the report: whether the run goes on, ended or stopped. */
  statusHtml: string;
  /** The live page's own script: it draws each frame by calling window.renderRunReport(). */
  liveJs: string;
}

/**
 * The report page for `run --live`: the same style, uPlot and page scripts, but the page
 * scripts wrapped in window.renderRunReport() so that a new frame's data can be drawn again
 * with them (they read #run-data each time), and requests allowed to its own server for the
 * frames.
 */
export async function renderLiveReportPage(page: LiveReportPage): Promise<string> {
  const a = await loadAssets();
  return pageDocument({
    title: page.title,
    connect: "'self'",
    body: `${page.statusHtml}
<main id="app">${NOSCRIPT}</main>
<script type="application/json" id="${RUN_DATA_ELEMENT_ID}">${inlineJson(page.data)}</script>
<script>${inlineScript(a.localeGuardJs)}</script>
<script>${inlineScript(a.uplotJs)}</script>
<script>window.renderRunReport = function () {
${a.pageJs.map((js) => inlineScript(js)).join('\n')}
};</script>
<script>${inlineScript(page.liveJs)}</script>`,
    assets: a,
  });
}

function pageDocument(p: { title: string; connect: "'none'" | "'self'"; body: string; assets: PageAssets }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(p.connect)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(p.title)}</title>
<style>${inlineStyle(p.assets.uplotCss)}</style>
<style>${inlineStyle(p.assets.pageCss)}</style>
</head>
<body>
${p.body}
</body>
</html>
`;
}
