import type { RunSummary } from '../result/run-summary.ts';

/** The report-writer extension point: each writes one file from the summary and returns its path. */
export interface ReportWriter {
  readonly name: string;
  write(summary: RunSummary, reportDir: string): Promise<string>;
}
