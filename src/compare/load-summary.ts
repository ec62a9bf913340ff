/**
 * Reads a run's summary.json for comparison, from a run folder or the file itself. Anything
 * that is not a summary this version can compare (an aborted run's included) is a UsageError
 * (exit 2) that says which path and what is wrong with it.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SUMMARY_SCHEMA_VERSION, type RunSummary } from '../result/run-summary.ts';
import { summarySchemaErrors } from '../result/summary-schema.ts';
import { UsageError } from '../util/errors.ts';

export interface LoadedSummary {
  summary: RunSummary;
  /** The summary.json actually read. */
  file: string;
}

async function summaryFile(path: string): Promise<string> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch {
    throw new UsageError(
      `${path}: no such file or directory`,
      'give a run folder (reports/<time>-<plan>) or its summary.json',
    );
  }
  return isDirectory ? join(path, 'summary.json') : path;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function loadSummary(path: string): Promise<LoadedSummary> {
  const file = await summaryFile(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`${file}: no such file`, 'give a run folder (reports/<time>-<plan>) or its summary.json');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not a summary.json (not JSON: ${(error as Error).message})`);
  }
  if (!isObject(data) || data.schema !== 'rmq-chaos/summary') {
    throw new UsageError(`${file}: not an rmq-chaos summary.json (no "schema": "rmq-chaos/summary")`);
  }
  // Before the version: an aborted run of any version has nothing to compare, and that is the news.
  if (data.verdict === 'aborted') throw new UsageError(`${file}: ${abortedRun(data)}`);
  if (data.schemaVersion !== SUMMARY_SCHEMA_VERSION) {
    throw new UsageError(
      `${file}: summary schema version ${JSON.stringify(data.schemaVersion)}, but this rmq-chaos reads ` +
        `version ${SUMMARY_SCHEMA_VERSION}`,
      'compare runs made by the same rmq-chaos version; re-run the baseline plan to make a new baseline',
    );
  }
  // Everything else the schema says (plans/summary.schema.json): a hand-edited or truncated
  // file is refused with where it breaks, not compared on half its numbers.
  const problems = summarySchemaErrors(data);
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    throw new UsageError(
      `${file}: not a valid summary.json (${shown}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''})`,
      'compare summaries as rmq-chaos wrote them; plans/summary.schema.json describes the format',
    );
  }
  return { summary: data as unknown as RunSummary, file };
}

/** `the run <id> was aborted (in cluster: <reason>) and measured nothing to compare; ...`, one line. */
function abortedRun(data: Record<string, unknown>): string {
  const run = isObject(data.run) && typeof data.run.id === 'string' ? ` ${data.run.id}` : '';
  const aborted = isObject(data.aborted) ? data.aborted : {};
  const phase = typeof aborted.phase === 'string' ? `in ${aborted.phase}: ` : '';
  const reason = typeof aborted.reason === 'string' ? ` (${phase}${aborted.reason.split('\n')[0]})` : '';
  return (
    `the run${run} was aborted${reason} and measured nothing to compare; give a run that finished ` +
    '(verdict pass or fail)'
  );
}
