/**
 * What stopped a run early, said the way summary.json says it (result/run-summary.ts RunAbort):
 * one line of why, the typed error's code, and the rest of its message apart. The error was
 * already released against; this only describes it.
 */
import type { RunAbort } from '../result/run-summary.ts';
import { HarnessError } from '../util/errors.ts';
import { escapeControlCharacters } from '../util/text.ts';

/** The error that ended a run, with the phase it was in and when (epoch ms), taken when it reached the run. */
export interface RunStop {
  error: unknown;
  phase: string;
  at: number;
}

/** The error code of a run the user stopped (Ctrl-C, SIGTERM): the CLI exits 130/143 for it. */
export const SIGNAL_STOP = 'signal';

export function describeStop(
  stop: RunStop,
  runStartedAt: number,
  signal: string | undefined,
): Omit<RunAbort, 'cleanup'> {
  const { error } = stop;
  const message = error instanceof Error ? error.message : String(error);
  // Messages echo plan values, paths and processes' output: never raw control characters.
  const [reason = '', ...rest] = escapeControlCharacters(message)
    .split('\n')
    .map((line) => line.trimEnd());
  const detail = rest.map((line) => line.trim()).filter((line) => line !== '');
  const kind = error instanceof HarnessError ? error.code : 'internal';
  return {
    reason: reason || (error instanceof Error ? error.name : 'unknown error'),
    kind,
    ...(kind === SIGNAL_STOP && signal ? { signal } : {}),
    ...(error instanceof HarnessError && error.hint ? { hint: escapeControlCharacters(error.hint) } : {}),
    ...(detail.length > 0 ? { detail } : {}),
    phase: stop.phase,
    atMs: stop.at - runStartedAt,
  };
}
