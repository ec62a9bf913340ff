import type { RunSummary } from '../result/run-summary.ts';

/**
 * The report-writer extension point: each writes one file from the summary and returns its
 * path. Most render a finished run (RunSummary); an aborted run has writers of its own.
 */
export interface ReportWriter<S = RunSummary> {
  readonly name: string;
  write(summary: S, reportDir: string): Promise<string>;
}
