import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../../src/cli/shrink/candidate-plan.ts';
import { type SearchPlan, searchSmallest, type TryRun } from '../../../../src/cli/shrink/shrink-search.ts';

/** Three faults, one phase knob (8 s, floor 1 s); the fake run fails while fault 2 is kept and the phase is >= 2 s. */
const plan: SearchPlan = {
  original: () => ({ faults: [0, 1, 2], halvings: {} }),
  knobs: () => ['phase:chaos'],
  halve: (c, knob) => {
    const k = (c.halvings[knob] ?? 0) + 1;
    return 8000 / 2 ** k < 1000 ? undefined : { faults: c.faults, halvings: { ...c.halvings, [knob]: k } };
  },
  problem: () => undefined,
};
const chaosMs = (c: Candidate) => 8000 / 2 ** (c.halvings['phase:chaos'] ?? 0);

/** A fake clock: each run takes `wallMs` of it. */
function fakeRuns(wallMs = 30_000) {
  let now = 0;
  const ran: Candidate[] = [];
  const runTry = async (c: Candidate): Promise<TryRun> => {
    ran.push(c);
    now += wallMs;
    const reproduces = c.faults.includes(2) && chaosMs(c) >= 2000;
    return reproduces
      ? { verdict: 'reproduces', failed: ['threshold:duplicates'], wallMs }
      : { verdict: 'passes', failed: [], wallMs };
  };
  return { runTry, ran, clock: () => now };
}

describe('searchSmallest', () => {
  it('keeps the one fault that matters, then halves the phase while it still fails', async () => {
    const runs = fakeRuns();
    const out = await searchSmallest({
      plan,
      runTry: runs.runTry,
      budgetMs: 3_600_000,
      firstEstimateMs: 30_000,
      clock: runs.clock,
    });
    expect(out.stoppedBy).toBe('done');
    expect(out.best).toEqual({ faults: [2], halvings: { 'phase:chaos': 2 } });
    // ddmin: [0,1] passes, [2] fails, [] passes; halving: 4 s and 2 s fail, 1 s passes.
    expect(
      out.tries.map((t) => `${t.stage}:${t.candidate.faults.join('')}:${chaosMs(t.candidate)}:${t.verdict}`),
    ).toEqual([
      'faults:01:8000:passes',
      'faults:2:8000:reproduces',
      'faults::8000:passes',
      'durations:2:4000:reproduces',
      'durations:2:2000:reproduces',
      'durations:2:1000:passes',
    ]);
  });

  it('stops before a try that would end past the budget and keeps the best so far', async () => {
    const runs = fakeRuns();
    // Room for two 30 s tries (the estimate is the original's 30 s), not a third.
    const out = await searchSmallest({
      plan,
      runTry: runs.runTry,
      budgetMs: 80_000,
      firstEstimateMs: 30_000,
      clock: runs.clock,
    });
    expect(out.stoppedBy).toBe('budget');
    expect(runs.ran).toHaveLength(2);
    expect(out.best).toEqual({ faults: [2], halvings: {} });
    expect(runs.clock()).toBeLessThanOrEqual(80_000);
  });

  it('with no budget for even one try, runs nothing and keeps the original', async () => {
    const runs = fakeRuns();
    const out = await searchSmallest({
      plan,
      runTry: runs.runTry,
      budgetMs: 10_000,
      firstEstimateMs: 30_000,
      clock: runs.clock,
    });
    expect(out).toMatchObject({ stoppedBy: 'budget', tries: [], best: plan.original() });
  });

  it('does not run an invalid candidate, and runs each candidate once', async () => {
    const runs = fakeRuns();
    const invalid: SearchPlan = {
      ...plan,
      problem: (c) => (chaosMs(c) < 4000 ? 'faults[0].at: past the phase' : undefined),
    };
    const out = await searchSmallest({
      plan: invalid,
      runTry: runs.runTry,
      budgetMs: 3_600_000,
      firstEstimateMs: 1,
      clock: runs.clock,
    });
    expect(out.best).toEqual({ faults: [2], halvings: { 'phase:chaos': 1 } });
    expect(out.tries.at(-1)).toMatchObject({ verdict: 'invalid', wallMs: 0, failed: ['faults[0].at: past the phase'] });
    expect(runs.ran).toHaveLength(4);
    expect(new Set(runs.ran.map((c) => JSON.stringify(c))).size).toBe(runs.ran.length);
  });

  it('stops at a signal before the next try', async () => {
    const runs = fakeRuns();
    let signal: 'SIGINT' | undefined;
    const out = await searchSmallest({
      plan,
      runTry: async (c, n) => {
        if (n === 2) signal = 'SIGINT';
        return runs.runTry(c);
      },
      stopped: () => signal,
      budgetMs: 3_600_000,
      firstEstimateMs: 1,
      clock: runs.clock,
    });
    expect(out.stoppedBy).toBe('SIGINT');
    expect(runs.ran).toHaveLength(2);
  });

  it('a try stopped at the deadline decides nothing and ends the search (budget)', async () => {
    const runs = fakeRuns();
    let pastDeadline = false;
    const out = await searchSmallest({
      plan,
      runTry: async (c, n) => {
        if (n === 1) return runs.runTry(c);
        pastDeadline = true;
        return { verdict: 'aborted', failed: ['run aborted (SIGINT)'], wallMs: 30_000 };
      },
      stopped: () => (pastDeadline ? 'budget' : undefined),
      budgetMs: 3_600_000,
      firstEstimateMs: 1,
      clock: runs.clock,
    });
    expect(out).toMatchObject({ stoppedBy: 'budget', best: plan.original() });
    expect(out.tries.map((t) => t.verdict)).toEqual(['passes', 'aborted']);
  });

  it('predicts the next try from the latest three: shorter phases make shorter tries', async () => {
    let now = 0;
    const lengths = [40_000, 10_000, 10_000, 10_000, 10_000, 10_000];
    const ran: Candidate[] = [];
    const out = await searchSmallest({
      plan,
      runTry: async (c) => {
        const wallMs = lengths[ran.length] ?? 10_000;
        ran.push(c);
        now += wallMs;
        const reproduces = c.faults.includes(2) && chaosMs(c) >= 2000;
        return reproduces
          ? { verdict: 'reproduces', failed: ['threshold:duplicates'], wallMs }
          : { verdict: 'passes', failed: [], wallMs };
      },
      // After four tries (70 s) the next is expected to take 10 s, not the first one's 40 s.
      budgetMs: 100_000,
      firstEstimateMs: 40_000,
      clock: () => now,
    });
    expect(ran).toHaveLength(6);
    expect(out.stoppedBy).toBe('done');
  });
});
