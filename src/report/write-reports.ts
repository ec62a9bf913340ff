import type { ReportWriter } from './report-writer.ts';
import type { AbortedRunSummary, RunSummary } from '../result/run-summary.ts';
import { abortedJunitWriter } from './writers/aborted-junit.ts';
import { abortedMarkdownWriter } from './writers/aborted-markdown.ts';
import { abortedPageWriter } from './writers/aborted-page.ts';
import { htmlWriter } from './writers/html.ts';
import { jsonWriter } from './writers/json.ts';
import { junitWriter } from './writers/junit.ts';
import { markdownWriter } from './writers/markdown.ts';

/** Report writers by name; each writes one file into the run's folder. */
export const REPORT_WRITERS: ReportWriter[] = [jsonWriter, htmlWriter, junitWriter, markdownWriter];

/** The same files for a run stopped before its verdict: why it stopped and what was cleaned up. */
export const ABORTED_REPORT_WRITERS: ReportWriter<AbortedRunSummary>[] = [
  jsonWriter,
  abortedPageWriter,
  abortedJunitWriter,
  abortedMarkdownWriter,
];

export interface WrittenReports {
  files: string[];
  /** Writers that failed; the others still wrote their files (a broken page must not cost the JUnit file). */
  failed: { writer: string; error: unknown }[];
}

export async function writeReports<S = RunSummary>(
  summary: S,
  reportDir: string,
  writers: readonly ReportWriter<S>[],
): Promise<WrittenReports> {
  const written: WrittenReports = { files: [], failed: [] };
  for (const writer of writers) {
    try {
      written.files.push(await writer.write(summary, reportDir));
    } catch (error) {
      written.failed.push({ writer: writer.name, error });
    }
  }
  return written;
}
