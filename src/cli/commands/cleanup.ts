import type { Command } from 'commander';
import { reapRun } from '../../runtime/reaper.ts';
import { isRunActive, listRunStates } from '../../runtime/run-state.ts';
import { cachePaths } from '../../setup/cache-dir.ts';

export function registerCleanupCommand(program: Command): void {
  program
    .command('cleanup')
    .description('stop processes and remove work dirs that crashed runs left behind')
    .option('--all', 'also stop clusters left running by `cluster up`')
    .action((options: { all?: boolean }) => {
      let reaped = 0;
      for (const { dir, data } of listRunStates(cachePaths().runs)) {
        const active = isRunActive(data);
        if (active && (data.kind === 'run' || !options.all)) {
          const what =
            data.kind === 'run'
              ? `run in progress (coordinator pid ${data.coordinatorPid})`
              : 'cluster up (use --all or `cluster down`)';
          process.stdout.write(`kept   ${data.runId}: ${what}\n`);
          continue;
        }
        const result = reapRun(data, dir);
        reaped++;
        const killed = result.killed.length ? `killed ${result.killed.join(', ')}` : 'no live processes';
        const removed = result.removedWorkDir ? `; removed ${data.workDir}` : '';
        process.stdout.write(`reaped ${result.runId}: ${killed}${removed}\n`);
      }
      if (reaped === 0) process.stdout.write('nothing to clean up\n');
    });
}
