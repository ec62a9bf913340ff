import { describe, expect, it } from 'vitest';
import type { ResolvedPlan } from '../../../src/plan/resolved-plan.ts';
import { formatProgress } from '../../../src/run/progress.ts';
import { describeOverrun, phaseOverruns, plannedPhaseMs, waitingFor } from '../../../src/run/phase-overruns.ts';

const plan = {
  phases: { warmupMs: 8000, loadMs: 20_000, chaosMs: 0, healMs: 0, drainMs: 60_000 },
} as unknown as ResolvedPlan;

describe('phases that run past their plan', () => {
  it('are warnings with the reason, past a second of noise only', () => {
    const overruns = phaseOverruns(plan, {
      cluster: { startMs: 0, durationMs: 5000 },
      warmup: { startMs: 5000, durationMs: 11_700 },
      load: { startMs: 16_700, durationMs: 20_900 },
      drain: { startMs: 37_600, durationMs: 3000 },
    });
    expect(overruns).toEqual([
      { phase: 'warmup', plannedMs: 8000, actualMs: 11_700, reason: expect.stringContaining('settling') },
    ]);
    expect(describeOverrun(overruns[0]!)).toMatch(/^warmup took 11\.7 s, planned 8\.0 s: consumers starting/);
  });

  it('the progress line shows the phase against its own length, and what it waits for once past it', () => {
    const planned = plannedPhaseMs(plan);
    const line = (phase: string, phaseElapsedMs: number, backlog = 0, byScope: Record<string, number> = {}) =>
      formatProgress({
        phase,
        phaseElapsedMs,
        phasePlannedMs: planned[phase],
        waitingFor: waitingFor(phase, phaseElapsedMs, planned, byScope),
        runElapsedMs: 100_000,
        sent: 10,
        acked: 10,
        received: 9,
        backlog,
        sendErrors: 0,
      });
    expect(line('load', 12_000)).toMatch(/^\[load 12s\/20s\] run 100s {2}sent 10 /);
    expect(line('warmup', 8500)).toMatch(/^\[warmup 8s\/8s\] /);
    expect(line('warmup', 11_000)).toMatch(
      /^\[warmup 11s\/8s, waiting for the consumer groups to settle and the producers to boot\]/,
    );
    expect(line('drain', 62_000)).toContain("waiting for the drain's faults to end");
    expect(line('drain', 5000, 1250, { billing: 1200, audit: 0, 'fan/b#0': 50 })).toMatch(
      /^\[drain 5s\/60s, waiting for billing: 1200 messages behind, fan\/b#0: 50 messages behind\] /,
    );
    expect(line('stop', 2000)).toMatch(/^\[stop 2s\] /);
    expect(line('load', 12_000)).toContain('backlog 0 messages');
  });
});
