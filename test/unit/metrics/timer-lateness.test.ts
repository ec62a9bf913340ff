import { describe, expect, it } from 'vitest';
import { delayKindOf, kindLabel, latenessStats, TimerLateness } from '../../../src/metrics/timer-lateness.ts';

const START = 1_000_000;

describe('timer lateness', () => {
  it('measures first receipt against the requested time, per kind, with early deliveries apart', () => {
    const t = new TimerLateness(START, 1000);
    t.registerProducer('timer#0', { kind: 'timer', delayMs: 3000 });
    t.registerProducer('level#0', { kind: 'level', level: 2, delayMs: 5000 });
    // Timer: due at +3000 after sending at 0, 1000 and 2000.
    t.acked('timer#0', 0, START, START + 3000);
    t.acked('timer#0', 1, START + 1000, START + 4000);
    t.acked('timer#0', 2, START + 2000, START + 5000);
    t.acked('timer#0', 3, START + 2100, 0); // sent without delay: not measured
    t.received('timer#0', 0, START + 3120); // 120 late
    t.received('timer#0', 0, START + 2950); // an earlier receipt (another scope): it counts, 50 before due
    t.received('timer#0', 1, START + 3400); // 600 before due: within the broker's 1 s precision
    t.received('timer#0', 2, START + 3900); // 1100 before due: early
    t.received('timer#0', 3, START + 2110);
    t.acked('level#0', 0, START, START + 5000);
    t.received('level#0', 0, START + 4990); // a delay level 10 ms before its time: early
    t.acked('level#0', 1, START, START + 5000); // never delivered
    const s = t.summarize([{ label: 'restart broker-a', fromMs: 1500, toMs: 4000 }]);
    const timer = s.kinds.find((k) => k.kind === 'timer')!;
    expect(timer).toMatchObject({ label: 'timer 3s', acked: 3, delivered: 3, beforeDue: 2, early: 1 });
    expect(timer.lateness).toMatchObject({ count: 3, min: -1100, p50: -600, max: -50 });
    const level = s.kinds.find((k) => k.kind === 'level')!;
    expect(level).toMatchObject({
      label: 'level 2 (5s)',
      acked: 2,
      delivered: 1,
      beforeDue: 0,
      early: 1,
      toleranceMs: 0,
    });
    expect(s.overall).toMatchObject({ acked: 5, delivered: 4, early: 2 });
    expect(t.earlyCount()).toBe(2);
    // Pending at 1.5 s: timer seqs 0 (due 3 s) and 1 (due 4 s) and both level messages (due 5 s);
    // seq 2 was sent after the fault began.
    expect(s.faultWindows[0]).toMatchObject({ label: 'restart broker-a', pending: 4, delivered: 3, early: 1 });
    // By requested second: 3 s holds seq 0, 4 s seq 1, 5 s seq 2 and the level message.
    expect(s.overTime.map((p) => [p.t, p.count])).toEqual([
      [3000, 1],
      [4000, 1],
      [5000, 2],
    ]);
    // The threshold histogram clamps early deliveries to 0.
    expect(t.latenessHistogram().totalCount).toBe(4);
  });

  it('keeps a receipt that arrives before its ack until the ack says whether the message was delayed', () => {
    const t = new TimerLateness(START);
    t.registerProducer('p#0', delayKindOf({ delayMs: 2000 }));
    t.received('p#0', 7, START + 2500);
    t.received('p#0', 8, START + 10);
    t.acked('p#0', 7, START, START + 2000);
    t.acked('p#0', 8, START, 0);
    const s = t.summarize();
    expect(s.overall).toMatchObject({ acked: 1, delivered: 1 });
    expect(s.overall.lateness.max).toBe(500);
  });

  it('ignores producers that send no delayed messages', () => {
    const t = new TimerLateness(START);
    t.acked('plain#0', 0, START, START + 1000);
    t.received('plain#0', 0, START + 1);
    expect(t.tracking).toBe(false);
    expect(t.summarize().kinds).toEqual([]);
  });

  it('labels kinds and takes exact nearest-rank percentiles of negative values too', () => {
    expect(kindLabel(delayKindOf({ delayMs: 90_000 }))).toBe('timer 90s');
    expect(kindLabel(delayKindOf({ delayMs: 60_000, level: 5 }))).toBe('level 5 (1m)');
    expect(latenessStats([-5, 10, 3, 7])).toEqual({ count: 4, min: -5, p50: 3, p90: 10, p99: 10, max: 10, mean: 3.8 });
    expect(latenessStats([]).p50).toBeNull();
  });
});
