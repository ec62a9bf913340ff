/**
 * `rmq-chaos shrink <run> [--budget 20m]`: for a failed run, the smallest fault schedule and the
 * shortest phases that still fail one of the checks it failed, with the same seed. ddmin over
 * the plan's faults, then halving phases and fault durations (cli/shrink/), each candidate a
 * real run into `<run>/shrink/`; then `<run>/shrunk.yaml` (a runnable plan) and `<run>/shrink.md`
 * (every try). Exit 0 when it wrote them (even if nothing could be removed), 2 for bad input (a
 * passing run: nothing to shrink), 130/143 when stopped (after writing the best so far).
 */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { loadPlanText } from '../../plan/load-plan.ts';
import { formatShrinkConsole } from '../../report/shrink/shrink-console.ts';
import { formatShrinkMarkdown, SHRINK_MARKDOWN_FILE, SHRUNK_PLAN_FILE } from '../../report/shrink/shrink-markdown.ts';
import { phasesText, type ShrinkResult, shortDuration, triesText } from '../../report/shrink/shrink-result.ts';
import { claimRunId } from '../../runtime/run-id.ts';
import { ExitCode } from '../../util/errors.ts';
import { durationOption } from '../duration-option.ts';
import { REPORTS_DIR } from '../paths.ts';
import { resolveRunDir } from '../run-dirs.ts';
import { type Candidate, CandidatePlans } from '../shrink/candidate-plan.ts';
import { runTry } from '../shrink/run-try.ts';
import { readShrinkInput } from '../shrink/shrink-input.ts';
import { searchSmallest } from '../shrink/shrink-search.ts';
import { SignalStop } from '../signal-stop.ts';
import { collect } from './validate.ts';

interface ShrinkOptions {
  budget: string;
  reports: string;
  check: string[];
}

export function registerShrinkCommand(program: Command): void {
  program
    .command('shrink')
    .description(
      'for a failed run, search the smallest fault schedule and shortest phases that still fail its checks ' +
        '(same seed): writes <run>/shrunk.yaml and <run>/shrink.md',
    )
    .argument('<run>', 'run folder, or a run id under --reports')
    .option('--budget <duration>', 'stop before a try would end past this much time, keeping the best so far', '20m')
    .option(
      '--check <id>',
      'reproduce only this failed check (repeatable; ids as shrink.md lists them, e.g. threshold:duplicates)',
      collect,
      [],
    )
    .option('--reports <dir>', 'where run folders are', REPORTS_DIR)
    .addHelpText(
      'after',
      "\nEach try is a full run of a smaller plan (cluster, fleets, faults), so a shrink takes several runs' time.\n" +
        'A try reproduces the failure when it fails at least one of the checks the run failed (or --check).\n' +
        'Example: rmq-chaos shrink reports/20261207-051200Z-flap-duplicates --budget 10m\n',
    )
    .action(async (run: string, options: ShrinkOptions) => {
      const verbose = program.opts<{ verbose?: boolean }>().verbose ?? false;
      process.exitCode = await shrink(run, options, verbose);
    });
}

async function shrink(run: string, options: ShrinkOptions, verbose: boolean): Promise<number> {
  const budgetMs = durationOption('--budget', options.budget);
  const input = await readShrinkInput(resolveRunDir(run, options.reports), options.check);
  const plans = new CandidatePlans(input.planText, input.planFile);
  const { summary, runDir } = input;
  // A folder of its own per shrink (shrink, shrink-2, ...): an earlier shrink's tries stay as they were.
  const shrinkDir = join(runDir, claimRunId('shrink', [runDir]));
  mkdirSync(shrinkDir, { recursive: true });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const describe = (c: Candidate) => {
    const faults = c.faults.length === 0 ? '(no faults)' : c.faults.map((i) => plans.faultName(i)).join(', ');
    return `${faults}; ${phasesText(plans.phases(c))}`;
  };
  log(
    `shrink: ${summary.run.id}: ${plans.plan.faults.length} faults, seed ${summary.run.seed}, target (any of) ` +
      `${input.target.join(', ')}; budget ${shortDuration(budgetMs)}; tries in ${shrinkDir}`,
  );

  // How long the run spent in each phase: the phase that cost the most is halved first.
  const spentMs = Object.fromEntries(Object.entries(summary.phases).map(([p, { durationMs }]) => [p, durationMs]));
  const stop = new SignalStop('shrink', 'try');
  const startedAt = Date.now();
  // The budget is a bound, not a wish: a try still running at the deadline (runs vary on a busy
  // machine; the search only predicts) is stopped as Ctrl-C stops a run, and the search ends.
  let pastDeadline = false;
  const deadline = setTimeout(() => {
    pastDeadline = true;
    log(`shrink: --budget ${shortDuration(budgetMs)} reached, stopping the running try`);
    stop.interrupt();
  }, budgetMs);
  let outcome: Awaited<ReturnType<typeof searchSmallest>>;
  try {
    outcome = await searchSmallest({
      plan: {
        original: () => plans.original(),
        knobs: () => plans.knobs(spentMs),
        halve: (c, knob) => plans.halve(c, knob),
        problem: (c) => plans.problem(c),
      },
      budgetMs,
      firstEstimateMs: summary.run.wallMs,
      stopped: () =>
        stop.signal === 'SIGINT' || stop.signal === 'SIGTERM' ? stop.signal : pastDeadline ? 'budget' : undefined,
      runTry: (c, n) =>
        runTry(plans.text(c, ` try ${n} of rmq-chaos shrink ${summary.run.id}`), n, {
          shrinkDir,
          target: input.target,
          verbose,
          log,
          onSpawn: (child) => stop.track(child),
        }),
      onStart: (n, stage, c, elapsed) =>
        log(`shrink: try ${n} (${stage}) ${describe(c)}: running (elapsed ${shortDuration(elapsed)})`),
      onDone: (t, elapsed) =>
        log(
          `shrink: try ${t.n} ${t.verdict}${t.failed.length > 0 ? ` [${t.failed.join(', ')}]` : ''}` +
            `${t.verdict === 'invalid' ? '' : ` in ${shortDuration(t.wallMs)}`} (elapsed ${shortDuration(elapsed)})`,
        ),
    });
  } finally {
    clearTimeout(deadline);
    stop.dispose();
  }

  const original = plans.original();
  const names = (c: Candidate) => c.faults.map((i) => plans.faultName(i));
  const result: ShrinkResult = {
    runId: summary.run.id,
    runDir,
    plan: summary.run.plan,
    seed: summary.run.seed,
    target: input.target,
    original: { faults: names(original), phases: plans.phases(original) },
    shrunk: { faults: names(outcome.best), phases: plans.phases(outcome.best) },
    removed: original.faults.filter((i) => !outcome.best.faults.includes(i)).map((i) => plans.faultName(i)),
    tries: outcome.tries.map((t) => ({
      n: t.n,
      stage: t.stage,
      faults: names(t.candidate),
      phases: plans.phases(t.candidate),
      wallMs: t.wallMs,
      verdict: t.verdict,
      failed: t.failed,
      ...(t.runDir === undefined ? {} : { runDir: t.runDir }),
    })),
    stoppedBy: outcome.stoppedBy,
    budgetMs,
    elapsedMs: Date.now() - startedAt,
  };
  const files = await writeShrinkFiles(plans, outcome.best, result, basename(shrinkDir));
  process.stdout.write(`${formatShrinkConsole(result)}\n`);
  for (const file of files) process.stdout.write(`shrink: ${file}\n`);
  if (outcome.stoppedBy === 'SIGINT') return ExitCode.sigint;
  if (outcome.stoppedBy === 'SIGTERM') return ExitCode.sigterm;
  return ExitCode.ok;
}

/** shrunk.yaml (validated as `run` would, before it is written) and shrink.md, next to the run. */
async function writeShrinkFiles(
  plans: CandidatePlans,
  best: Candidate,
  r: ShrinkResult,
  shrinkFolder: string,
): Promise<string[]> {
  const header = [
    ` Shrunk by rmq-chaos shrink from run ${r.runId} (seed ${r.seed}): ${triesText(r.tries.length)} in ` +
      `${shortDuration(r.elapsedMs)}${r.stoppedBy === 'done' ? '' : `, stopped by ${r.stoppedBy}`} (${shrinkFolder}/).`,
    ` Still fails at least one of: ${r.target.join(', ')}.`,
    ` Faults kept: ${r.shrunk.faults.join(', ') || 'none'}; removed: ${r.removed.join(', ') || 'none'}.`,
    ` Phases: ${phasesText(r.original.phases)} -> ${phasesText(r.shrunk.phases)}.`,
  ].join('\n');
  const text = plans.text(best, header);
  const planPath = join(r.runDir, SHRUNK_PLAN_FILE);
  loadPlanText(text, planPath);
  const markdownPath = join(r.runDir, SHRINK_MARKDOWN_FILE);
  await writeFile(planPath, text);
  await writeFile(markdownPath, formatShrinkMarkdown(r));
  return [planPath, markdownPath];
}
