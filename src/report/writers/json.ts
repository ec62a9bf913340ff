import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SummaryFile } from '../../result/run-summary.ts';
import type { ReportWriter } from '../report-writer.ts';

/** summary.json, finished or aborted. */
export const jsonWriter: ReportWriter<SummaryFile> = {
  name: 'json',
  async write(summary, reportDir) {
    const file = join(reportDir, 'summary.json');
    await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
    return file;
  },
};
