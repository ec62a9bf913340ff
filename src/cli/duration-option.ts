/** A CLI flag's duration (`10s`, `5m`, `1500ms`) in ms, or a usage error naming the flag (exit 2). */
import { parseDuration } from '../plan/units.ts';
import { UsageError } from '../util/errors.ts';

export function durationOption(flag: string, text: string, hint?: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new UsageError(`${flag} ${text}: ${parsed.message}`, hint);
  return parsed.value;
}
