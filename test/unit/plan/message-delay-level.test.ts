import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MESSAGE_DELAY_LEVEL,
  delayLevelsOf,
  parseMessageDelayLevel,
} from '../../../src/plan/message-delay-level.ts';

describe('messageDelayLevel', () => {
  it("reads levels as the broker's parseDelayLevel does: a number and s, m, h or d", () => {
    expect(parseMessageDelayLevel('1s 90s 2m 1h 1d')).toEqual({
      ok: true,
      levelsMs: [1000, 90_000, 120_000, 3_600_000, 86_400_000],
    });
    expect(parseMessageDelayLevel('1s  2s')).toMatchObject({ ok: false, message: /level 2 ""/ });
    expect(parseMessageDelayLevel('1.5s')).toMatchObject({ ok: false, message: /level 1 "1.5s"/ });
    expect(parseMessageDelayLevel('10ms')).toMatchObject({ ok: false });
  });

  it("takes the plan's brokerConfig value, else the broker's default (level 3 is 10 s)", () => {
    const defaults = delayLevelsOf({});
    expect(defaults).toHaveLength(DEFAULT_MESSAGE_DELAY_LEVEL.split(' ').length);
    expect(defaults.slice(0, 5)).toEqual([1000, 5000, 10_000, 30_000, 60_000]);
    expect(delayLevelsOf({ messageDelayLevel: '1s 1s 2s' })).toEqual([1000, 1000, 2000]);
  });
});
