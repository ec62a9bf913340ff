/**
 * `rmq-chaos matrix <plan> --versions 4.9.7,5.3.3 --ha none,master-slave`: the plan once per
 * server version × HA mode, one run at a time (a run takes the machine), each a child `run`
 * into `<reports>/matrix-<time>/<combination>/`, then one page comparing them. Combinations
 * the plan does not validate with are skipped, with the reason, before anything starts.
 * Exit 99 when a combination that ran failed, 2 when none is valid, 130/143 when stopped.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { resolvePlanPath } from '../../plan/load-plan.ts';
import { redactSecretSet } from '../../plan/plan-secrets.ts';
import { formatMatrixConsole } from '../../report/matrix/matrix-console.ts';
import {
  MATRIX_SCHEMA_VERSION,
  type MatrixResult,
  type MatrixRow,
  matrixVerdict,
  ranRow,
} from '../../report/matrix/matrix-result.ts';
import { writeMatrixReports } from '../../report/matrix/write-matrix.ts';
import { claimRunId, utcStamp } from '../../runtime/run-id.ts';
import { ExitCode, UsageError } from '../../util/errors.ts';
import { planCombinations, parseHaList, parseList, type PlannedCombination } from '../matrix/combinations.ts';
import { runCombination } from '../matrix/run-combination.ts';
import { PLANS_DIR, REPORTS_DIR } from '../paths.ts';
import { addPlanSizeOption, planLoadOptions } from '../plan-size-option.ts';
import { collect } from './validate.ts';
import { SignalStop } from '../signal-stop.ts';

interface MatrixOptions {
  versions?: string;
  ha?: string;
  set: string[];
  reports: string;
  keep?: boolean;
  maxPlanSize?: string;
}

export function registerMatrixCommand(program: Command): void {
  const command = program
    .command('matrix')
    .description('run a plan across RocketMQ versions and HA modes, one run at a time, and compare them on one page')
    .argument('<plan>', 'plan name (smoke → plans/smoke.yaml) or path')
    .option('--versions <list>', "server versions, comma-separated (default: the plan's cluster.version)")
    .option('--ha <list>', "HA modes: none, master-slave, controller, dledger (default: the plan's cluster.ha)")
    .option('--set <key=value>', 'override a plan field in every combination (repeatable)', collect, [])
    .option('--reports <dir>', 'the matrix folder (matrix-<time>) goes here, each run inside it', REPORTS_DIR)
    .option('--keep', 'keep store dirs and node logs after each run')
    .addHelpText(
      'after',
      '\nA combination the plan does not validate with (ha controller on 4.x, a proxy on a version without one)\n' +
        'is skipped and listed with the reason. Exit codes: 0 every combination that ran passed, 99 one failed,\n' +
        '2 no combination is valid, 130/143 stopped by SIGINT/SIGTERM.\n' +
        'Example: rmq-chaos matrix smoke --versions 4.9.7,5.3.3 --ha none,master-slave --set phases.load=10s\n',
    );
  addPlanSizeOption(command).action(async (name: string, options: MatrixOptions) => {
    const verbose = program.opts<{ verbose?: boolean }>().verbose ?? false;
    process.exitCode = await runMatrix(name, options, verbose);
  });
}

async function runMatrix(name: string, options: MatrixOptions, verbose: boolean): Promise<number> {
  const planFile = resolve(resolvePlanPath(name, PLANS_DIR));
  const axes = {
    versions: options.versions === undefined ? undefined : parseList('--versions', options.versions),
    ha: options.ha === undefined ? undefined : parseHaList(options.ha),
  };
  const planned = await planCombinations(planFile, options.set, axes, planLoadOptions(options));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  for (const p of planned.filter((c) => c.status === 'skipped'))
    log(`matrix: skipping ${p.label}:\n${p.reason.map((line) => `  ${line}`).join('\n')}`);
  const valid = planned.filter((c) => c.status === 'valid');
  if (valid.length === 0)
    throw new UsageError(
      `no combination of ${planFile} is valid (the reasons are above)`,
      'pick versions and HA modes the plan can run, or change the plan',
    );
  const plan = valid[0]!.plan;

  const reportsDir = resolve(options.reports);
  const matrixDir = join(reportsDir, claimRunId(`matrix-${utcStamp()}`, [reportsDir]));
  const startedAt = new Date().toISOString();
  log(`matrix: ${valid.length} of ${planned.length} combinations to run, one at a time, into ${matrixDir}`);

  const stop = new SignalStop('matrix', 'combination');
  const rows: MatrixRow[] = [];
  try {
    for (const p of planned) {
      const base = { combination: p.label, version: p.version, ha: p.ha };
      if (p.status === 'skipped') rows.push({ ...base, status: 'skipped', reason: p.reason });
      else if (stop.signal) rows.push({ ...base, status: 'not-run', reason: `not run: stopped by ${stop.signal}` });
      else rows.push(ranRow(base, await runOne(p, { planFile, options, matrixDir, verbose, stop, log })));
    }
  } finally {
    stop.dispose();
  }

  const result: MatrixResult = {
    schema: 'rmq-chaos/matrix',
    schemaVersion: MATRIX_SCHEMA_VERSION,
    plan: plan.name,
    planFile,
    // The pages and matrix.json show the user's --set values, a secret's hidden as run's plan.yaml hides it.
    sets: options.set.map(redactSecretSet),
    startedAt,
    endedAt: new Date().toISOString(),
    verdict: matrixVerdict(rows, stop.signal !== undefined),
    rows,
  };
  const files = await writeMatrixReports(result, matrixDir);
  process.stdout.write(`${formatMatrixConsole(result)}\n`);
  for (const file of files) process.stdout.write(`matrix: ${file}\n`);
  if (stop.signal) return stop.signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm;
  return result.verdict === 'pass' ? ExitCode.ok : ExitCode.checksFailed;
}

async function runOne(
  p: Extract<PlannedCombination, { status: 'valid' }>,
  ctx: {
    planFile: string;
    options: MatrixOptions;
    matrixDir: string;
    verbose: boolean;
    stop: SignalStop;
    log: (line: string) => void;
  },
) {
  const sets = [...ctx.options.set, ...p.combination.sets];
  const shown = sets.map((s) => `--set ${redactSecretSet(s)}`).join(' ');
  ctx.log(`matrix: ${p.label}: rmq-chaos run ${p.plan.name} ${shown}`);
  const outcome = await runCombination({
    planFile: ctx.planFile,
    sets,
    reportsDir: join(ctx.matrixDir, p.slug),
    matrixDir: ctx.matrixDir,
    keep: ctx.options.keep ?? false,
    maxPlanSize: ctx.options.maxPlanSize,
    verbose: ctx.verbose,
    onLine: (line) => ctx.log(`[${p.label}] ${line}`),
    onSpawn: (child) => ctx.stop.track(child),
  });
  ctx.stop.track(undefined);
  ctx.log(`matrix: ${p.label}: exit ${outcome.exitCode ?? 'by signal'}, verdict ${outcome.summary?.verdict ?? 'none'}`);
  return outcome;
}
