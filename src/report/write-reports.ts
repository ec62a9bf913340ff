import type { ReportWriter } from './report-writer.ts';
import type { RunSummary } from './summary.ts';
import { htmlWriter } from './writers/html.ts';
import { jsonWriter } from './writers/json.ts';
import { junitWriter } from './writers/junit.ts';
import { markdownWriter } from './writers/markdown.ts';

/** Report writers by name; each writes one file into the run's folder. */
export const REPORT_WRITERS: ReportWriter[] = [
  jsonWriter,
  htmlWriter,
  junitWriter,
  markdownWriter,
];

export async function writeReports(summary: RunSummary, reportDir: string, writers = REPORT_WRITERS): Promise<string[]> {
  const files: string[] = [];
  for (const writer of writers) files.push(await writer.write(summary, reportDir));
  return files;
}
