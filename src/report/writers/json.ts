import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReportWriter } from '../report-writer.ts';

export const jsonWriter: ReportWriter = {
  name: 'json',
  async write(summary, reportDir) {
    const file = join(reportDir, 'summary.json');
    await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
    return file;
  },
};
