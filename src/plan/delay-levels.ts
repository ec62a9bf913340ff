/**
 * The broker's delay levels: `messageDelayLevel`, a space-separated list of times, level 1
 * the first (RocketMQ 4.9.7 and 5.3.3 have the same default). Parsed as the broker's
 * ScheduleMessageService.parseDelayLevel does: a number and one unit of s, m, h, d.
 */
export const DEFAULT_MESSAGE_DELAY_LEVEL = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Each level's delay in ms (index 0 = level 1), or a message saying what in `text` the broker would not read. */
export function parseDelayLevels(text: string): number[] | string {
  const levels: number[] = [];
  for (const word of text.split(' ').filter((w) => w !== '')) {
    const match = /^(\d+)([smhd])$/.exec(word);
    if (!match) return `"${word}" is not a delay level time such as 5s, 1m, 2h or 1d`;
    levels.push(Number(match[1]) * UNIT_MS[match[2]!]!);
  }
  return levels.length > 0 ? levels : 'no delay levels';
}

/** The levels a broker with this `cluster.brokerConfig` has (its messageDelayLevel, else the default). */
export function delayLevelsOf(brokerConfig: Record<string, unknown> | undefined): number[] | string {
  const value = brokerConfig?.messageDelayLevel;
  return parseDelayLevels(typeof value === 'string' ? value : DEFAULT_MESSAGE_DELAY_LEVEL);
}
