/**
 * One try of a shrink, for real: the candidate written as `<run>/shrink/try-<n>.yaml` and run as
 * a child `rmq-chaos run <that file> --reports <run>/shrink/try-<n>`, exactly as a user would run
 * it (the matrix's runCombination), so a try measures nothing `run` would not, and its folder
 * stays out of the main reports list. Its verdict is then held against the target checks.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { failedCheckIds } from '../../result/failed-checks.ts';
import { runCombination } from '../matrix/run-combination.ts';
import type { TryRun } from './shrink-search.ts';

export interface TryContext {
  /** `<run>/shrink`: the tries' plans and run folders. */
  shrinkDir: string;
  /** The original run's failed check ids: a try reproduces when it fails at least one. */
  target: readonly string[];
  verbose: boolean;
  log: (line: string) => void;
  onSpawn: (child: ChildProcess | undefined) => void;
}

export async function runTry(text: string, n: number, ctx: TryContext): Promise<TryRun> {
  const name = `try-${String(n).padStart(2, '0')}`;
  const planFile = join(ctx.shrinkDir, `${name}.yaml`);
  await writeFile(planFile, text);
  const startedAt = Date.now();
  const outcome = await runCombination({
    planFile,
    sets: [],
    reportsDir: join(ctx.shrinkDir, name),
    matrixDir: ctx.shrinkDir,
    keep: false,
    maxPlanSize: undefined,
    verbose: ctx.verbose,
    // A run prints a lot; the shrink's own progress lines say what matters. --verbose shows it all.
    onLine: (line) => {
      if (ctx.verbose) ctx.log(`  [${name}] ${line}`);
    },
    onSpawn: (child) => ctx.onSpawn(child),
  });
  ctx.onSpawn(undefined);
  const wallMs = Date.now() - startedAt;
  const runDir = outcome.runDir === null ? {} : { runDir: `${basename(ctx.shrinkDir)}/${outcome.runDir}` };
  const summary = outcome.summary;
  if (summary === undefined || summary.verdict === 'aborted') {
    const why = summary?.verdict === 'aborted' ? summary.aborted.reason : (outcome.problem ?? 'no summary');
    return { verdict: 'aborted', failed: [why], wallMs, ...runDir };
  }
  if (summary.verdict === 'pass') return { verdict: 'passes', failed: [], wallMs, ...runDir };
  const failed = failedCheckIds(summary);
  const reproduces = failed.some((id) => ctx.target.includes(id));
  return { verdict: reproduces ? 'reproduces' : 'fails-otherwise', failed, wallMs, ...runDir };
}
