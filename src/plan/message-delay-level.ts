/**
 * The broker's `messageDelayLevel` (`1s 5s 10s 30s 1m ...`): the delay of each level, level 1
 * first, as `ScheduleMessageService.parseDelayLevel` reads it (a number then one of s, m, h, d;
 * levels separated by single spaces). Retries use level 3 + reconsumeTimes, so a plan that
 * dead-letters can shorten the wait through `cluster.brokerConfig.messageDelayLevel`.
 */
export const DEFAULT_MESSAGE_DELAY_LEVEL = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export type DelayLevels = { ok: true; levelsMs: number[] } | { ok: false; message: string };

export function parseMessageDelayLevel(text: string): DelayLevels {
  const levels = text.split(' ');
  const levelsMs: number[] = [];
  for (const [i, level] of levels.entries()) {
    const unit = UNIT_MS[level.slice(-1)];
    const digits = level.slice(0, -1);
    if (unit === undefined || !/^\d+$/.test(digits))
      return {
        ok: false,
        message:
          `level ${i + 1} "${level}" is not a number followed by s, m, h or d (the broker would not start): ` +
          `write levels such as "1s 2s 3s", separated by single spaces`,
      };
    levelsMs.push(Number(digits) * unit);
  }
  return { ok: true, levelsMs };
}

/** The levels of a broker config (its messageDelayLevel, or the broker's default), in ms. */
export function delayLevelsOf(brokerConfig: Readonly<Record<string, unknown>>): number[] {
  const given = brokerConfig['messageDelayLevel'];
  const parsed = parseMessageDelayLevel(typeof given === 'string' ? given : DEFAULT_MESSAGE_DELAY_LEVEL);
  if (!parsed.ok) throw new Error(`internal: validated messageDelayLevel does not parse: ${parsed.message}`);
  return parsed.levelsMs;
}
