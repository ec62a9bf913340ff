import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadPlanFile } from '../../plan/load-plan.ts';
import { describeError } from '../../util/errors.ts';
import { PLANS_DIR } from '../paths.ts';

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('list the plans in plans/ with their descriptions')
    .action(async () => {
      const files = (await readdir(PLANS_DIR)).filter((f) => f.endsWith('.yaml')).sort();
      for (const file of files) {
        const name = file.replace(/\.yaml$/, '');
        try {
          const plan = await loadPlanFile(join(PLANS_DIR, file), []);
          process.stdout.write(`${name.padEnd(24)} ${plan.description.replace(/\s+/g, ' ').trim()}\n`);
        } catch (error) {
          process.stdout.write(`${name.padEnd(24)} (invalid: ${describeError(error).split('\n')[0]})\n`);
        }
      }
    });
}
