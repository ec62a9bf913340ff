import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrivalSchedule } from '../../../src/fleet/arrival-schedule.ts';

describe('ArrivalSchedule', () => {
  it('constant rate: message i is due at i/rate, and rate×duration messages are due in all', () => {
    const s = new ArrivalSchedule({ kind: 'constant', ratePerSecond: 100 }, 8000);
    expect(s.dueTimeOf(0)).toBe(0);
    expect(s.dueTimeOf(250)).toBeCloseTo(2500);
    expect(s.dueBy(8000)).toBe(801);
    expect(s.dueBy(0)).toBe(1);
  });

  it('ramping: 0 → 100/s over 10 s then 100/s for 10 s sends 500 + 1000 messages', () => {
    const s = new ArrivalSchedule(
      {
        kind: 'ramping',
        startRatePerSecond: 0,
        stages: [
          { durationMs: 10_000, targetPerSecond: 100 },
          { durationMs: 10_000, targetPerSecond: 100 },
        ],
      },
      60_000,
    );
    expect(s.durationMs).toBe(20_000);
    expect(s.arrivalsBy(10_000)).toBeCloseTo(500);
    expect(s.arrivalsBy(20_000)).toBeCloseTo(1500);
    // Half-way up the ramp (rate 10·t per second): ∫0..5 10t dt = 125 messages.
    expect(s.arrivalsBy(5000)).toBeCloseTo(125);
    expect(s.dueTimeOf(125)).toBeCloseTo(5000);
  });

  it('dueTimeOf inverts dueBy for any stages', () => {
    const stage = fc.record({
      durationMs: fc.integer({ min: 100, max: 20_000 }),
      targetPerSecond: fc.integer({ min: 0, max: 2000 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.array(stage, { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (start, stages, fraction) => {
          const s = new ArrivalSchedule({ kind: 'ramping', startRatePerSecond: start, stages }, 10 ** 9);
          const t = fraction * s.durationMs;
          const due = s.dueBy(t);
          // Every message counted as due is due no later than t; the next one is not due before t.
          expect(s.dueTimeOf(due - 1)).toBeLessThanOrEqual(t + 1e-6);
          if (due < s.dueBy(s.durationMs)) expect(s.dueTimeOf(due)).toBeGreaterThanOrEqual(t - 1e-6);
        },
      ),
    );
  });
});

describe('ArrivalSchedule.setRate (set-rate, the rate: max search)', () => {
  it('keeps what was due and sends at the new rate from the change on', () => {
    const schedule = new ArrivalSchedule({ kind: 'constant', ratePerSecond: 100 }, 10_000);
    schedule.setRate(2000, 400);
    expect(schedule.arrivalsBy(2000)).toBeCloseTo(200);
    expect(schedule.arrivalsBy(3000)).toBeCloseTo(600);
    expect(schedule.dueTimeOf(600)).toBeCloseTo(3000);
    expect(schedule.total).toBeCloseTo(200 + 400 * 8);
    schedule.setRate(5000, 0);
    expect(schedule.arrivalsBy(9000)).toBeCloseTo(1400);
    expect(schedule.dueTimeOf(1401)).toBe(Number.POSITIVE_INFINITY);
  });

  it('cuts a ramp where the change falls, keeping its slope up to it', () => {
    const schedule = new ArrivalSchedule(
      { kind: 'ramping', startRatePerSecond: 0, stages: [{ durationMs: 10_000, targetPerSecond: 100 }] },
      20_000,
    );
    schedule.setRate(4000, 10);
    // 0 → 40/s over 4 s is 80 messages, then 10/s.
    expect(schedule.arrivalsBy(4000)).toBeCloseTo(80);
    expect(schedule.arrivalsBy(6000)).toBeCloseTo(100);
  });
});
