import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RunEvent } from '../result/run-event.ts';
import type { TimeSeriesRow } from '../metrics/time-series-row.ts';
import { ExitCode, HarnessError } from '../util/errors.ts';
import { SUMMARY_SCHEMA_VERSION, type SummaryFile } from '../result/run-summary.ts';

/**
 * Reads what a run left in its folder (summary.json, events.ndjson, timeseries.ndjson), so a
 * report can be rendered during the run or long after it (`rmq-chaos report <dir>`).
 */
export const RUN_FILES = { summary: 'summary.json', events: 'events.ndjson', timeseries: 'timeseries.ndjson' } as const;

/** A run folder that cannot be rendered: missing or unreadable files, an older summary schema. */
export class RunFilesError extends HarnessError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super('run-files', message, ExitCode.usage, hint, options);
  }
}

/** The run's summary.json, finished or aborted (its `verdict` says which). */
export async function readRunSummary(runDir: string): Promise<SummaryFile> {
  const file = join(runDir, RUN_FILES.summary);
  if (!existsSync(file))
    throw new RunFilesError(`${file} does not exist`, 'give the folder of a finished run (reports/<time>-<plan>)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new RunFilesError(
      `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      undefined,
      { cause: error },
    );
  }
  const head = parsed as { schema?: unknown; schemaVersion?: unknown } | null;
  if (head?.schema !== 'rmq-chaos/summary') throw new RunFilesError(`${file} is not an rmq-chaos summary`);
  if (head.schemaVersion !== SUMMARY_SCHEMA_VERSION) {
    throw new RunFilesError(
      `${file} has summary schema ${String(head.schemaVersion)}; this version renders schema ${SUMMARY_SCHEMA_VERSION}`,
      'rerun the plan to get a report',
    );
  }
  return parsed as SummaryFile;
}

/**
 * The events of the given types, in file order. Streams the file: a run with many duplicates
 * logs one line per duplicate, and the report needs only the few structural events.
 */
export async function readRunEvents(runDir: string, types: ReadonlySet<string>): Promise<RunEvent[]> {
  const file = join(runDir, RUN_FILES.events);
  if (!existsSync(file)) return [];
  const events: RunEvent[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    const event = parseLine(line);
    if (event && typeof event.at === 'number' && typeof event.type === 'string' && types.has(event.type))
      events.push(event as RunEvent);
  }
  return events;
}

/** timeseries.ndjson's rows; [] when the run wrote none. */
export async function readRunTimeseries(runDir: string): Promise<TimeSeriesRow[]> {
  const file = join(runDir, RUN_FILES.timeseries);
  if (!existsSync(file)) return [];
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .map(parseLine)
    .filter(
      (row): row is Record<string, unknown> => row !== undefined && typeof row.t === 'number',
    ) as unknown as TimeSeriesRow[];
}

/** One ndjson line; a torn last line (a run killed mid-write) is skipped, not fatal. */
function parseLine(line: string): Record<string, unknown> | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
