/**
 * What a shrink starts from, checked before anything runs: a run folder with a summary that
 * failed (a passing run has nothing to shrink, an aborted one was never judged), the checks
 * it failed, and the plan as it ran (`plan.yaml`, which `run` keeps in every run folder).
 * Every problem here is the user's input: UsageError, exit 2, naming the path.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readRunSummary } from '../../report/run-files.ts';
import { failedCheckIds } from '../../result/failed-checks.ts';
import type { RunSummary } from '../../result/run-summary.ts';
import { PLAN_COPY_FILE, planOfCopy } from '../../run/plan-copy.ts';
import { UsageError } from '../../util/errors.ts';

export interface ShrinkInput {
  runDir: string;
  summary: RunSummary;
  /** The failed check ids a try must fail (one of) to count as reproducing the failure. */
  target: string[];
  planFile: string;
  /** The plan as the run ran it (plan.yaml without the line saying so). */
  planText: string;
}

/** `checks`: the --check ids the user narrowed the target to (each must be one the run failed). */
export async function readShrinkInput(runDir: string, checks: readonly string[] = []): Promise<ShrinkInput> {
  const summary = await readRunSummary(runDir);
  if (summary.verdict === 'pass')
    throw new UsageError(`${runDir} passed: nothing to shrink`, 'shrink takes a run whose verdict is fail (exit 99)');
  if (summary.verdict === 'aborted')
    throw new UsageError(
      `${runDir} was stopped before its verdict (${summary.aborted.reason}): nothing to shrink`,
      'shrink takes a run that ran to its verdict and failed',
    );
  const failed = failedCheckIds(summary);
  if (failed.length === 0)
    throw new UsageError(
      `${runDir} failed only its comparison with a baseline: nothing to shrink`,
      'shrink reproduces the failed checks of a run itself (thresholds, invariants, diagnoses)',
    );
  const unknown = checks.filter((c) => !failed.includes(c));
  if (unknown.length > 0)
    throw new UsageError(
      `--check ${unknown.join(', ')}: not among the checks ${runDir} failed`,
      `the run failed: ${failed.join(', ')}`,
    );
  const planFile = join(runDir, PLAN_COPY_FILE);
  if (!existsSync(planFile))
    throw new UsageError(
      `${planFile} does not exist: this run folder does not keep the plan it ran`,
      'runs keep it since rmq-chaos kept plan.yaml in the run folder; run the plan again and shrink that run',
    );
  const planText = planOfCopy(await readFile(planFile, 'utf8'));
  return { runDir, summary, target: checks.length > 0 ? [...checks] : failed, planFile, planText };
}
