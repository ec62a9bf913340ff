import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildReportData } from '../html/report-data.ts';
import { renderReportPage } from '../html/render-page.ts';
import { TIMELINE_EVENT_TYPES } from '../html/timeline.ts';
import type { ReportWriter } from '../report-writer.ts';
import { readRunEvents, readRunTimeseries } from '../run-files.ts';

/** The HTML page a person opens: index.html in the run folder. */
export const HTML_REPORT_FILE = 'index.html';

/**
 * Renders index.html from the summary and the raw files beside it: the assignments and
 * membership changes are only in events.ndjson. The summary's time series is the complete
 * one; timeseries.ndjson stands in when a summary has none.
 */
export const htmlWriter: ReportWriter = {
  name: 'html',
  async write(summary, reportDir) {
    const events = await readRunEvents(reportDir, TIMELINE_EVENT_TYPES);
    const rows = summary.timeseries.length > 0 ? summary.timeseries : await readRunTimeseries(reportDir);
    const file = join(reportDir, HTML_REPORT_FILE);
    await writeFile(file, await renderReportPage(buildReportData(summary, events, rows)));
    return file;
  },
};
