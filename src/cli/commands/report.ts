import { dirname } from 'node:path';
import type { Command } from 'commander';
import { readRunSummary } from '../../report/run-files.ts';
import { writeRunIndex } from '../../report/run-index.ts';
import { abortedPageWriter } from '../../report/writers/aborted-page.ts';
import { htmlWriter } from '../../report/writers/html.ts';
import { REPORTS_DIR } from '../paths.ts';
import { resolveRunDir } from '../run-dirs.ts';

/** Re-renders a run's page from what the run left on disk, e.g. after the report code changed. */
export async function renderRunPage(runDir: string): Promise<{ page: string; index: string }> {
  const summary = await readRunSummary(runDir);
  const page =
    summary.verdict === 'aborted'
      ? await abortedPageWriter.write(summary, runDir)
      : await htmlWriter.write(summary, runDir);
  return { page, index: await writeRunIndex(dirname(runDir)) };
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      "re-render a run's index.html (and the reports index beside it) from its summary.json and ndjson files",
    )
    .argument('<run>', 'run folder, or a run id under --reports')
    .option('--reports <dir>', 'where run folders are', REPORTS_DIR)
    .action(async (run: string, options: { reports: string }) => {
      const { page, index } = await renderRunPage(resolveRunDir(run, options.reports));
      process.stdout.write(`runs: ${index}\nreport: ${page}\n`);
    });
}
