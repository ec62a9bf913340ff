import type { Command } from 'commander';
import { DEFAULT_MAX_PLAN_BYTES, type LoadPlanOptions } from '../plan/load-plan.ts';
import { parseSize } from '../plan/units.ts';
import { UsageError } from '../util/errors.ts';

/** `--max-plan-size <size>` on the commands that read a plan: a plan file over it is refused unread. */
export function addPlanSizeOption(command: Command): Command {
  return command.option(
    '--max-plan-size <size>',
    `refuse plan files larger than this (default ${DEFAULT_MAX_PLAN_BYTES / 1024 ** 2}MiB)`,
  );
}

export function planLoadOptions(options: { maxPlanSize?: string }): LoadPlanOptions {
  if (options.maxPlanSize === undefined) return {};
  const size = parseSize(options.maxPlanSize);
  if (!size.ok) throw new UsageError(`--max-plan-size: ${size.message}`, 'e.g. --max-plan-size 4MiB');
  return { maxBytes: size.value };
}
