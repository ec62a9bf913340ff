import type { Command } from 'commander';
import { formatMessageLife, readMessageLife } from '../../report/message-life.ts';
import { readRunSummary } from '../../report/run-files.ts';
import { REPORTS_DIR } from '../paths.ts';
import { resolveRunDir } from '../run-dirs.ts';

export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description(
      "print one message's life in a run: sent, acked by which queue, delivered to whom, when, how often, " +
        'and where a loss was attributed',
    )
    .argument('<run>', 'run folder, or a run id under --reports')
    .argument('<message>', 'message id producer:seq, as reports list them (e.g. checkout#0:412)')
    .option('--reports <dir>', 'where run folders are', REPORTS_DIR)
    .action(async (run: string, message: string, options: { reports: string }) => {
      const runDir = resolveRunDir(run, options.reports);
      const summary = await readRunSummary(runDir);
      const life = await readMessageLife(runDir, message);
      process.stdout.write(`${formatMessageLife(life, summary).join('\n')}\n`);
    });
}
