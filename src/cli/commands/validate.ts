import type { Command } from 'commander';
import { loadPlanFile, resolvePlanPath } from '../../plan/load-plan.ts';
import { describeError, ExitCode, formatPlanIssue, HarnessError } from '../../util/errors.ts';
import { PLANS_DIR } from '../paths.ts';
import { addPlanSizeOption, planLoadOptions } from '../plan-size-option.ts';

export function registerValidateCommand(program: Command): void {
  const command = program
    .command('validate')
    .description('check plans against the schema; starts nothing (exit 2 if any plan is invalid)')
    .argument('<plans...>', 'plan names (smoke) or paths (plans/smoke.yaml)')
    .option('--set <key=value>', 'override a plan field (repeatable)', collect, []);
  addPlanSizeOption(command).action(async (plans: string[], options: { set: string[]; maxPlanSize?: string }) => {
    const loadOptions = planLoadOptions(options);
    let failed = 0;
    for (const name of plans) {
      const file = resolvePlanPath(name, PLANS_DIR);
      try {
        const plan = await loadPlanFile(file, options.set, loadOptions);
        process.stdout.write(`ok   ${file} (${plan.name})\n`);
        for (const warning of plan.source.warnings ?? [])
          process.stdout.write(`  warning: ${formatPlanIssue(warning)}\n`);
      } catch (error) {
        if (!(error instanceof HarnessError)) throw error;
        failed++;
        process.stdout.write(`FAIL ${file}\n${describeError(error).replace(/^/gm, '  ')}\n`);
      }
    }
    if (failed > 0) process.exitCode = ExitCode.usage;
  });
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
