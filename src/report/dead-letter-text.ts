/**
 * Dead letters in words and table rows, for the console and summary.md: per group with
 * `deadLetter`, what %DLQ%<group> held against the poison set, then the retry timeline a row
 * per attempt (observed gap between deliveries against the broker's delay level).
 */
import type { GroupResult, DeadLetterResult } from '../result/run-summary.ts';
import type { RetryAttemptStats } from '../metrics/retry-timeline.ts';

export function deadLetterHeadline(result: DeadLetterResult, group: GroupResult | undefined): string {
  const d = group?.deadLetters;
  const read = result.readBack;
  if (!d || !read) return `dead letters  ${result.group}: %DLQ%${result.group} was not read back`;
  const extra = [
    d.missing > 0 ? `${d.missing} missing (lost: ${d.missingSample.join(', ')})` : '',
    d.unexpected > 0 ? `${d.unexpected} not poison (${d.unexpectedSample.join(', ')})` : '',
    read.foreign > 0 ? `${read.foreign} of other runs` : '',
    read.errors.length > 0 ? `read errors: ${read.errors.join('; ')}` : '',
  ].filter((part) => part !== '');
  return (
    `dead letters  ${result.group}: ${d.deadLettered} of ${d.expected} poison messages read back from ` +
    `${read.topic} (maxReconsumeTimes ${result.maxReconsumeTimes})${extra.length > 0 ? `; ${extra.join('; ')}` : ''}`
  );
}

export const RETRY_ATTEMPT_COLUMNS = [
  'attempt',
  'delay level',
  'expected',
  'messages',
  'observed p50',
  'observed p99',
  'late p50',
  'late p99',
] as const;

const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms} ms`;

export function retryAttemptRow(a: RetryAttemptStats): string[] {
  return [
    `redelivery ${a.attempt}`,
    String(a.delayLevel),
    `${a.expectedMs} ms`,
    String(a.count),
    `${a.observedP50Ms} ms`,
    `${a.observedP99Ms} ms`,
    signed(a.lateP50Ms),
    signed(a.lateP99Ms),
  ];
}

/** One console line per attempt. */
export function retryAttemptLine(a: RetryAttemptStats): string {
  return (
    `redelivery ${a.attempt} (level ${a.delayLevel}, ${a.expectedMs} ms): ${a.count} messages, gap p50 ` +
    `${a.observedP50Ms} ms p99 ${a.observedP99Ms} ms, late p50 ${signed(a.lateP50Ms)} p99 ${signed(a.lateP99Ms)}`
  );
}
