/**
 * `rmq-chaos compare <baseline> <current>`: two finished runs, metric by metric, against
 * tolerances (the defaults, or a plan's `compare:` section with --plan). Exit 99 when a
 * metric regressed beyond its tolerance, 0 otherwise, 2 when an argument is not a summary
 * this version can read.
 */
import type { Command } from 'commander';
import { compareSummaries } from '../../compare/compare.ts';
import { type Comparison } from '../../result/comparison.ts';
import { formatComparison } from '../../compare/format-comparison.ts';
import { loadSummary } from '../../compare/load-summary.ts';
import type { Tolerances } from '../../plan/compare-tolerances.ts';
import { loadPlanFile, resolvePlanPath } from '../../plan/load-plan.ts';
import { ExitCode } from '../../util/errors.ts';
import { PLANS_DIR } from '../paths.ts';

interface CompareOptions {
  json?: boolean;
  plan?: string;
}

export function comparisonJson(comparison: Comparison) {
  return { schema: 'rmq-chaos/comparison', schemaVersion: 1, ...comparison } as const;
}

export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('compare a run with a baseline run, metric by metric (exit 99 on a regression)')
    .argument('<baseline>', 'the baseline: a run folder or its summary.json')
    .argument('<current>', 'the run to judge: a run folder or its summary.json')
    .option('--plan <plan>', "take tolerances from this plan's compare: section (default: the built-in tolerances)")
    .option('--json', 'print the comparison as JSON on stdout')
    .addHelpText(
      'after',
      '\nExit codes: 0 no regression, 99 a metric regressed beyond its tolerance, 2 an argument is not a ' +
        'readable summary.\n',
    )
    .action(async (baselinePath: string, currentPath: string, options: CompareOptions) => {
      const baseline = await loadSummary(baselinePath);
      const current = await loadSummary(currentPath);
      let tolerances: Tolerances | undefined;
      if (options.plan !== undefined)
        tolerances = (await loadPlanFile(resolvePlanPath(options.plan, PLANS_DIR))).compare.tolerances;
      const comparison = compareSummaries(baseline.summary, current.summary, {
        baselineSource: baseline.file,
        ...(tolerances ? { tolerances } : {}),
      });
      process.stdout.write(
        options.json ? `${JSON.stringify(comparisonJson(comparison), null, 2)}\n` : `${formatComparison(comparison)}\n`,
      );
      process.exitCode = comparison.verdict === 'pass' ? ExitCode.ok : ExitCode.checksFailed;
    });
}
