/**
 * The live page: the run's report page (html/render-page.ts) with a status line above it and
 * a script that takes frames from `/events` and draws each with the report's own scripts.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../html/inline.ts';
import { renderLiveReportPage } from '../html/render-page.ts';
import type { LiveFrame } from './live-frame.ts';

let liveJs: Promise<string> | undefined;

export async function renderLivePage(frame: LiveFrame | null, runId: string | undefined): Promise<string> {
  liveJs ??= readFile(fileURLToPath(new URL('./page/live.js', import.meta.url)), 'utf8');
  const status = frame === null ? 'waiting for the run’s first second (the cluster is starting)' : 'connecting';
  return renderLiveReportPage({
    title: `rmq-chaos live · ${runId ?? 'starting'}`,
    data: frame,
    statusHtml: `<div id="live-status" class="live-status" data-state="waiting">${escapeHtml(status)}</div>`,
    liveJs: await liveJs,
  });
}
