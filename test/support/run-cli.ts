import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../src/result/run-summary.ts';
import { summarySchemaErrors } from '../../src/result/summary-schema.ts';
import { BIN } from './cli.ts';

export interface CliRun {
  code: number | null;
  output: string;
  summary: RunSummary | undefined;
  runDir: string | undefined;
}

/** Writes `yaml` to a temp plan file and returns its path. */
export function writePlan(name: string, yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rmq-chaos-plan-')), `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

/**
 * Runs `rmq-chaos run <plan>` as a user would, into a fresh reports dir; `during` gets the
 * child process and the reports dir while it runs (for signals and kills).
 */
export async function runCli(
  plan: string,
  sets: string[] = [],
  during?: (pid: number, reportsDir: string) => Promise<void>,
  reportsDir = mkdtempSync(join(tmpdir(), 'rmq-chaos-reports-')),
  extra: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  const child = spawn(
    process.execPath,
    [BIN, 'run', plan, '--reports', reportsDir, ...sets.flatMap((s) => ['--set', s]), ...(extra.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'], ...(extra.env ? { env: { ...process.env, ...extra.env } } : {}) },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  if (during) await during(child.pid!, reportsDir);
  const code = await exited;
  // The run's own folder, as it printed it (reports dirs may be shared by runs at once), else the only one.
  const printed = /^report: (.*)\/summary\.json$/m.exec(output)?.[1];
  const [only] = readdirSync(reportsDir).filter((name) => name !== 'index.html');
  const runDir = printed ?? (only ? join(reportsDir, only) : undefined);
  let data: unknown;
  try {
    data = runDir ? JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) : undefined;
  } catch {
    data = undefined;
  }
  // Every run a test makes is held against the published schema: summary.json is a contract.
  if (data !== undefined) {
    const problems = summarySchemaErrors(data);
    if (problems.length > 0)
      throw new Error(`${runDir}/summary.json breaks plans/summary.schema.json: ${problems.join('; ')}`);
  }
  const summary = data as RunSummary | undefined;
  return { code, output, summary, runDir };
}

/** The run's events so far (events.ndjson), parsed. */
export function readEvents(runDir: string): { type: string; [key: string]: unknown }[] {
  try {
    return readFileSync(join(runDir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string });
  } catch {
    return [];
  }
}
