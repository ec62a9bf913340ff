/**
 * Sends around a fault: rows fall in the window holding their middle second, only sending phases
 * count, the mean is the rows' means weighted by their acks, and a window without rows says so.
 */
import { describe, expect, it } from 'vitest';
import type { TimeSeriesRow } from '../../../src/metrics/time-series-row.ts';
import { sendsAroundFaults } from '../../../src/metrics/sends-around-faults.ts';

function row(t: number, phase: string, acked: number, mean: number | null, p99: number | null, errors = 0) {
  const send = { count: acked, p50: mean, p90: p99, p99, p999: p99, max: p99, mean };
  return { t, phase, acked, sendErrors: errors, send } as unknown as TimeSeriesRow;
}

describe('sendsAroundFaults', () => {
  const rows = [
    row(1000, 'warmup', 0, null, null),
    row(2000, 'load', 100, 4, 10),
    row(3000, 'load', 100, 6, 12),
    row(4000, 'chaos', 50, 400, 900),
    row(5000, 'chaos', 150, 800, 1500, 30),
    row(6000, 'heal', 100, 5, 9),
    row(7000, 'heal', 100, 5, 11),
    row(8000, 'drain', 0, null, null),
  ];

  it('splits the rows into the fault length before, during and after', () => {
    const [around] = sendsAroundFaults(rows, [
      { fault: 'disk.slow-0', action: 'disk.slow', target: 'broker-a', beginMs: 3000, endMs: 5000 },
    ]);
    expect(around!.before).toEqual({
      fromMs: 1000,
      toMs: 3000,
      seconds: 2,
      acked: 200,
      sendErrors: 0,
      meanMs: 5,
      worstP99Ms: 12,
    });
    // (50 × 400 + 150 × 800) / 200
    expect(around!.during).toMatchObject({ seconds: 2, acked: 200, sendErrors: 30, meanMs: 700, worstP99Ms: 1500 });
    expect(around!.after).toMatchObject({ seconds: 2, acked: 200, meanMs: 5, worstP99Ms: 11 });
  });

  it('counts no warmup or drain rows, says when a window had none, and skips faults that did not last', () => {
    const around = sendsAroundFaults(rows, [
      { fault: 'disk.slow-0', action: 'disk.slow', target: 'broker-a', beginMs: 1000, endMs: 2000 },
      { fault: 'kill-1', action: 'kill', target: 'broker-a', beginMs: 4000, endMs: 4000 },
      { fault: 'pause-2', action: 'pause', target: 'broker-a', beginMs: 6000, endMs: 7000 },
    ]);
    expect(around.map((a) => a.fault)).toEqual(['disk.slow-0', 'pause-2']);
    expect(around[0]!.before).toMatchObject({ seconds: 0, acked: 0, meanMs: null, worstP99Ms: null });
    expect(around[0]!.during).toMatchObject({ seconds: 1, acked: 100 });
    expect(around[1]!.after).toMatchObject({ seconds: 0, meanMs: null });
  });
});
