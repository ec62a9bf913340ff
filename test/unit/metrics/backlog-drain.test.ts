import { describe, expect, it } from 'vitest';
import { DrainTracker } from '../../../src/metrics/backlog-drain.ts';

const T0 = 1_765_000_000_000;

describe('DrainTracker', () => {
  it('measures release → backlog 0 and the messages drained over that time', () => {
    const drain = new DrainTracker(2000, T0);
    drain.loadStarted(T0 + 5000);
    expect(drain.reached(1999)).toBe(false);
    expect(drain.reached(2000)).toBe(true);
    drain.release(T0 + 7000, 2000, 2000, true);
    // Late acks of the stopping producers raise the backlog after the release: they are drained too.
    drain.observe(T0 + 7100, 2100);
    drain.observe(T0 + 8000, 900);
    drain.observe(T0 + 8400, 0);
    drain.observe(T0 + 9000, 0);
    expect(drain.result()).toEqual({
      target: 2000,
      built: true,
      releasedAtMs: 7000,
      buildMs: 2000,
      backlogAtRelease: 2000,
      drainedMessages: 2100,
      drainMs: 1400,
      drainRatePerSecond: 1500,
    });
  });

  it('has no drain time or rate when the backlog never reached 0, and says when it was never built', () => {
    const drain = new DrainTracker(100_000, T0);
    drain.loadStarted(T0);
    drain.release(T0 + 30_000, 40_000, 40_000, false);
    drain.observe(T0 + 31_000, 12);
    const result = drain.result();
    expect(result.built).toBe(false);
    expect(result.drainMs).toBeNull();
    expect(result.drainRatePerSecond).toBeNull();
  });

  it('ignores what it sees before the release', () => {
    const drain = new DrainTracker(10, T0);
    drain.observe(T0 + 1, 0);
    expect(drain.drained).toBe(false);
    expect(drain.result().releasedAtMs).toBeNull();
  });
});
