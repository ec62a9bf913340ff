import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { writeRunIndex } from '../../report/run-index.ts';
import { HTML_REPORT_FILE } from '../../report/writers/html.ts';
import { REPORTS_DIR } from '../paths.ts';
import { newestRunDir, resolveRunDir } from '../run-dirs.ts';
import { renderRunPage } from './report.ts';

/**
 * The command that shows a file in the desktop's browser, or undefined where there is no
 * desktop (a server, CI, a container): then the printed path is all `open` does.
 */
export function desktopOpener(platform = process.platform, env = process.env): string | undefined {
  if (platform === 'darwin') return 'open';
  if (platform === 'win32') return undefined;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? 'xdg-open' : undefined;
}

export function registerOpenCommand(program: Command): void {
  program
    .command('open')
    .description(
      "print the path of a run's index.html (default: the newest run) and open it in a browser when there is a desktop",
    )
    .argument('[run]', 'run folder, or a run id under --reports')
    .option('--reports <dir>', 'where run folders are', REPORTS_DIR)
    .action(async (run: string | undefined, options: { reports: string }) => {
      const runDir = run === undefined ? await newestRunDir(options.reports) : resolveRunDir(run, options.reports);
      let page = join(runDir, HTML_REPORT_FILE);
      // Runs from before the HTML report, or whose page was deleted, get one now.
      if (!existsSync(page)) page = (await renderRunPage(runDir)).page;
      else await writeRunIndex(dirname(runDir));
      process.stdout.write(`report: ${page}\n`);
      const opener = desktopOpener();
      if (opener) launchDetached(opener, page);
    });
}

/** Fire and forget: a missing or failing opener must not fail the command (the path is printed). */
function launchDetached(command: string, file: string): void {
  try {
    const child = spawn(command, [file], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
  } catch {
    // spawn throws synchronously only for bad arguments; the path is printed either way.
  }
}
