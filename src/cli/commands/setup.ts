import type { Command } from 'commander';
import { provision } from '../../setup/provision.ts';

export function registerSetupCommand(program: Command): void {
  program
    .command('setup')
    .description('fetch the pinned RocketMQ jars and build Toxiproxy into the cache (idempotent; `run` does it when needed)')
    .action(async () => {
      const started = performance.now();
      const result = await provision((line) => process.stdout.write(`setup: ${line}\n`));
      process.stdout.write(`setup: ready in ${((performance.now() - started) / 1000).toFixed(1)}s (cache ${result.paths.root})\n`);
    });
}
