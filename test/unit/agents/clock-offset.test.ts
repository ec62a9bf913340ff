import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SAME_CLOCK,
  bestOffset,
  crossHostLatency,
  offsetOf,
  type ClockSample,
} from '../../../src/agents/clock-offset.ts';

/** An exchange with a known true offset θ, one-way delays d1 and d2 and agent time p. */
function exchange(t0: number, theta: number, d1: number, p: number, d2: number): ClockSample {
  const t1 = t0 + d1 + theta;
  const t2 = t1 + p;
  return { t0, t1, t2, t3: t2 - theta + d2 };
}

const ms = (max: number) => fc.double({ min: 0, max, noNaN: true });

describe('clock offset', () => {
  it('the true offset is always within the estimate ± its error bound', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e7, max: 1e7, noNaN: true }), ms(500), ms(50), ms(500), (theta, d1, p, d2) => {
        // Epoch milliseconds as doubles keep about 0.2 µs: the tolerance.
        const o = offsetOf(exchange(1.7e12, theta, d1, p, d2));
        expect(Math.abs(o.offsetMs - theta)).toBeLessThanOrEqual(o.errorMs + 1e-3);
        expect(Math.abs(o.errorMs - (d1 + d2) / 2)).toBeLessThan(1e-3);
      }),
    );
  });

  it('is exact on a symmetric path, whatever the round trip', () => {
    const o = offsetOf(exchange(1000, 250, 40, 5, 40));
    expect(o).toEqual({ offsetMs: 250, errorMs: 40, measuredAt: 1000 + 40 + 5 + 40 });
  });

  it('keeps the exchange with the shortest round trip', () => {
    const best = bestOffset([exchange(0, -80, 30, 1, 90), exchange(500, -80, 2, 1, 3), exchange(900, -80, 10, 1, 10)]);
    expect(best.errorMs).toBe(2.5);
    expect(best.offsetMs).toBe(-80.5);
  });

  it('refuses no samples and samples that run backwards', () => {
    expect(() => bestOffset([])).toThrow('no clock samples');
    expect(() => offsetOf({ t0: 10, t1: 5, t2: 4, t3: 12 })).toThrow('runs backwards');
  });

  it('corrects a cross-host latency by both offsets and adds their bounds', () => {
    // Born on a host 100 ms ahead (±2), received on one 30 ms behind (±3): 50 ms on the wire.
    const born = { offsetMs: 100, errorMs: 2, measuredAt: 0 };
    const received = { offsetMs: -30, errorMs: 3, measuredAt: 0 };
    expect(crossHostLatency(10_100, born, 10_020, received)).toEqual({ latencyMs: 50, errorMs: 5 });
    expect(crossHostLatency(5, SAME_CLOCK, 9, SAME_CLOCK)).toEqual({ latencyMs: 4, errorMs: 0 });
  });
});
