/**
 * One combination's run, as a child process: `node bin/rmq-chaos.js run <plan> --set ...
 * --reports <matrix>/<combination>`, exactly what a user would type, so the matrix measures
 * nothing `run` would not. Its output streams through line by line with the combination in
 * front; afterwards its summary.json is read (from the path it printed, else the one run
 * folder in its reports dir).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import type { RunOutcome } from '../../report/matrix/matrix-result.ts';
import type { SummaryFile } from '../../result/run-summary.ts';
import { summarySchemaErrors } from '../../result/summary-schema.ts';
import { PROJECT_ROOT } from '../../util/node-args.ts';

export const CLI_ENTRY = join(PROJECT_ROOT, 'bin', 'rmq-chaos.js');

export interface CombinationRun {
  planFile: string;
  /** Every --set, the user's and the combination's. */
  sets: readonly string[];
  /** The combination's own reports dir, inside the matrix folder. */
  reportsDir: string;
  matrixDir: string;
  keep: boolean;
  maxPlanSize: string | undefined;
  verbose: boolean;
  /** Receives each output line of the child (stdout and stderr), unprefixed. */
  onLine: (line: string) => void;
  /** The child, once spawned: the matrix forwards signals to it. */
  onSpawn: (child: ChildProcess) => void;
}

export function runArgs(run: Omit<CombinationRun, 'onLine' | 'onSpawn' | 'matrixDir'>): string[] {
  return [
    CLI_ENTRY,
    ...(run.verbose ? ['--verbose'] : []),
    'run',
    run.planFile,
    ...run.sets.flatMap((s) => ['--set', s]),
    '--reports',
    run.reportsDir,
    ...(run.keep ? ['--keep'] : []),
    ...(run.maxPlanSize === undefined ? [] : ['--max-plan-size', run.maxPlanSize]),
  ];
}

export async function runCombination(run: CombinationRun): Promise<RunOutcome> {
  // Its own process group: a Ctrl-C in the terminal reaches the matrix alone, which forwards
  // it once. In the terminal's group the child would get it twice (from the terminal and from
  // the matrix) and take the second for "kill everything at once".
  const child = spawn(process.execPath, runArgs(run), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  run.onSpawn(child);
  let printedSummary: string | undefined;
  let errorLine: string | undefined;
  const read = (stream: NodeJS.ReadableStream) =>
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      const printed = /^report: (.*summary\.json)$/.exec(line);
      if (printed) printedSummary = printed[1];
      // The run's own one-line error (main.ts prints `rmq-chaos: ...` for an error it ends on).
      if (line.startsWith('rmq-chaos: ')) errorLine = line.slice('rmq-chaos: '.length);
      run.onLine(line);
    });
  read(child.stdout!);
  read(child.stderr!);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      errorLine = `could not start ${process.execPath}: ${error.message}`;
      resolve(null);
    });
    // close, not exit: the pipes are drained by then, so the last lines are in.
    child.once('close', (code) => resolve(code));
  });
  const found = await readRunSummary(run.reportsDir, printedSummary);
  const toMatrix = (path: string) => relative(run.matrixDir, path).split(sep).join('/');
  const page = found.runDir && join(found.runDir, 'index.html');
  return {
    exitCode,
    summary: found.summary,
    problem: found.problem ?? errorLine,
    runDir: found.runDir ? toMatrix(found.runDir) : null,
    report: page && existsSync(page) ? toMatrix(page) : null,
  };
}

interface FoundSummary {
  summary: SummaryFile | undefined;
  runDir: string | undefined;
  problem: string | undefined;
}

/** The run's summary.json: the one it printed, else the only run folder's in its reports dir. */
export async function readRunSummary(reportsDir: string, printed: string | undefined): Promise<FoundSummary> {
  let file = printed;
  if (file === undefined) {
    const runs = existsSync(reportsDir)
      ? readdirSync(reportsDir, { withFileTypes: true }).filter((e) => e.isDirectory())
      : [];
    if (runs.length !== 1) return { summary: undefined, runDir: undefined, problem: `no run folder in ${reportsDir}` };
    file = join(reportsDir, runs[0]!.name, 'summary.json');
  }
  const runDir = join(file, '..');
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return { summary: undefined, runDir, problem: `no readable summary.json: ${(error as Error).message}` };
  }
  // Validated against the published schema before it is typed: the numbers the matrix shows are its fields.
  const problems = summarySchemaErrors(data);
  if (problems.length > 0)
    return { summary: undefined, runDir, problem: `summary.json does not match its schema: ${problems[0]}` };
  return { summary: data as SummaryFile, runDir, problem: undefined };
}
