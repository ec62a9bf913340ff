/**
 * The shrink's search: ddmin over the faults, then halving the phases and fault durations,
 * each candidate decided by a real run (`runTry`), with a cache (a candidate asked twice runs
 * once) and a budget. The budget is checked before each run against the longest of the last three
 * tries (the original run's wall time before the first; tries get shorter as phases are halved,
 * so the longest of all would stop the search early): a try that would end past the budget is not
 * started, and the search ends with the smallest plan that failed so far. A try that runs long
 * anyway (a busy machine) is the caller's to stop at the deadline (`stopped` then says
 * `budget`); a signal ends the search the same way. Every candidate that reproduced is smaller
 * than the one before it (ddmin only moves to subsets, halving only shortens), so "the last that
 * reproduced" is the best so far.
 */
import type { ShrinkTry, TryVerdict } from '../../report/shrink/shrink-result.ts';
import { type Candidate, candidateKey } from './candidate-plan.ts';
import { ddmin } from './ddmin.ts';
import { halveWhileFailing } from './halving.ts';

/** What the search needs of the plan (CandidatePlans; a fake in tests). */
export interface SearchPlan {
  original(): Candidate;
  knobs(): string[];
  halve(c: Candidate, knob: string): Candidate | undefined;
  /** Why the candidate is not a valid plan, or undefined. */
  problem(c: Candidate): string | undefined;
}

export interface TryRun {
  verdict: Exclude<TryVerdict, 'invalid'>;
  failed: string[];
  wallMs: number;
  runDir?: string;
}

export interface SearchTry {
  n: number;
  stage: ShrinkTry['stage'];
  candidate: Candidate;
  verdict: TryVerdict;
  failed: string[];
  wallMs: number;
  runDir?: string;
}

export interface SearchInput {
  plan: SearchPlan;
  /** Runs the candidate for real; try `n` (1-based). */
  runTry: (c: Candidate, n: number) => Promise<TryRun>;
  budgetMs: number;
  /** The expected length of a try before any has run: the original run's wall time. */
  firstEstimateMs: number;
  clock?: () => number;
  /** What stopped the shrink from outside (a signal, the budget's deadline mid-try), checked before each try. */
  stopped?: () => StopReason | undefined;
  onStart?: (n: number, stage: SearchTry['stage'], c: Candidate, elapsedMs: number) => void;
  onDone?: (t: SearchTry, elapsedMs: number) => void;
}

export type StopReason = 'budget' | 'SIGINT' | 'SIGTERM';

export interface SearchOutcome {
  best: Candidate;
  tries: SearchTry[];
  stoppedBy: 'done' | StopReason;
}

/** How many of the latest tries predict the next one's length. */
const RECENT_TRIES = 3;

class SearchStop extends Error {
  constructor(readonly reason: StopReason) {
    super(`shrink stopped: ${reason}`);
  }
}

export async function searchSmallest(input: SearchInput): Promise<SearchOutcome> {
  const clock = input.clock ?? Date.now;
  const startedAt = clock();
  const elapsed = () => clock() - startedAt;
  const { plan } = input;
  const cache = new Map<string, boolean>();
  const tries: SearchTry[] = [];
  let best = plan.original();
  let stage: SearchTry['stage'] = 'faults';

  const fails = async (c: Candidate): Promise<boolean> => {
    const key = candidateKey(c);
    const known = cache.get(key);
    if (known !== undefined) return known;
    const n = tries.length + 1;
    const problem = plan.problem(c);
    if (problem !== undefined) {
      // Costs nothing: not run, not held against the budget.
      const t: SearchTry = { n, stage, candidate: c, verdict: 'invalid', failed: [problem], wallMs: 0 };
      tries.push(t);
      input.onDone?.(t, elapsed());
      cache.set(key, false);
      return false;
    }
    const stop = input.stopped?.();
    if (stop) throw new SearchStop(stop);
    const ran = tries.filter((t) => t.verdict !== 'invalid').slice(-RECENT_TRIES);
    const estimate = ran.length === 0 ? input.firstEstimateMs : Math.max(...ran.map((t) => t.wallMs));
    if (elapsed() + estimate > input.budgetMs) throw new SearchStop('budget');
    input.onStart?.(n, stage, c, elapsed());
    const run = await input.runTry(c, n);
    const t: SearchTry = { n, stage, candidate: c, ...run };
    tries.push(t);
    input.onDone?.(t, elapsed());
    const reproduces = run.verdict === 'reproduces';
    // A try stopped from outside decided nothing: not cached, and the next call stops the search.
    if (run.verdict !== 'aborted' || !input.stopped?.()) cache.set(key, reproduces);
    if (reproduces) best = c;
    return reproduces;
  };

  try {
    const original = plan.original();
    cache.set(candidateKey(original), true);
    const faults = await ddmin(original.faults, (subset) => fails({ ...original, faults: subset }));
    best = { ...original, faults };
    stage = 'durations';
    best = await halveWhileFailing(best, {
      knobs: plan.knobs(),
      halve: (c, knob) => plan.halve(c, knob),
      fails,
    });
    return { best, tries, stoppedBy: 'done' };
  } catch (error) {
    if (error instanceof SearchStop) return { best, tries, stoppedBy: error.reason };
    throw error;
  }
}
