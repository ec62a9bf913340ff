/**
 * What `rmq-chaos shrink` found, as the reports show it: the run it started from, the checks it
 * kept failing, every try (a full run of a smaller plan) and the smallest plan that still failed.
 * The search (cli/shrink/) decides; this folder only renders.
 */

/** How a try's run ended, against the checks the shrink is after. */
export type TryVerdict =
  /** Failed at least one of the target checks: the candidate still reproduces the failure. */
  | 'reproduces'
  | 'passes'
  /** Failed, but none of the target checks (another failure: not the one being shrunk). */
  | 'fails-otherwise'
  /** Stopped before its verdict (the cluster did not start, a signal). */
  | 'aborted'
  /** Not a valid plan (a halving put a fault past its phase's end, say): not run. */
  | 'invalid';

export interface ShrinkTry {
  /** 1-based, in the order they ran. */
  n: number;
  stage: 'faults' | 'durations';
  /** Names of the faults the candidate keeps. */
  faults: string[];
  /** Each phase's length in ms, run order; 0 for a phase left out. */
  phases: Record<string, number>;
  /** The try's wall time (0 for an invalid plan, which does not run). */
  wallMs: number;
  verdict: TryVerdict;
  /** The failed check ids of its run (see result/failed-checks.ts), or why it is invalid/aborted. */
  failed: string[];
  /** The try's run folder, relative to the shrunk run's folder. */
  runDir?: string;
}

export interface ShrinkResult {
  /** The run that was shrunk: its id and folder. */
  runId: string;
  runDir: string;
  plan: string;
  seed: number;
  /** The original run's failed check ids; a try reproduces when it fails at least one of them. */
  target: string[];
  original: { faults: string[]; phases: Record<string, number> };
  shrunk: { faults: string[]; phases: Record<string, number> };
  /** Faults the shrunk plan left out, by name. */
  removed: string[];
  tries: ShrinkTry[];
  /** done: the search ran to its end; budget: the next try would have gone past --budget; or the signal. */
  stoppedBy: 'done' | 'budget' | 'SIGINT' | 'SIGTERM';
  budgetMs: number;
  elapsedMs: number;
}

/** `5s 10s 30s 10s 1m` with the phase initials: `w5s l10s c30s h10s d1m` (0-length phases left out). */
export function phasesText(phases: Record<string, number>): string {
  return Object.entries(phases)
    .filter(([, ms]) => ms > 0)
    .map(([phase, ms]) => `${phase[0]}${shortDuration(ms)}`)
    .join(' ');
}

export function shortDuration(ms: number): string {
  if (ms >= 60_000) {
    const s = Math.round(ms / 1000);
    return s % 60 === 0 ? `${s / 60}m` : `${Math.floor(s / 60)}m${s % 60}s`;
  }
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(1))}s`;
  return `${Math.round(ms)}ms`;
}

/** The tries as table rows: #, stage, faults kept, phases, duration, verdict, failed checks. */
export const TRY_HEADERS = ['#', 'stage', 'faults kept', 'phases', 'duration', 'verdict', 'failed checks'] as const;

export function tryCells(t: ShrinkTry): string[] {
  return [
    String(t.n),
    t.stage,
    t.faults.length === 0 ? '(none)' : t.faults.join(', '),
    phasesText(t.phases),
    t.verdict === 'invalid' ? '-' : shortDuration(t.wallMs),
    t.verdict,
    t.failed.length === 0 ? '-' : t.failed.join(', '),
  ];
}

export function outcomeLine(r: ShrinkResult): string {
  const stopped =
    r.stoppedBy === 'done' ? 'search complete' : `stopped by ${r.stoppedBy === 'budget' ? '--budget' : r.stoppedBy}`;
  return (
    `shrink ${r.runId}: ${r.original.faults.length} → ${r.shrunk.faults.length} faults, ` +
    `${phasesText(r.original.phases)} → ${phasesText(r.shrunk.phases)}, ${triesText(r.tries.length)} in ` +
    `${shortDuration(r.elapsedMs)} (${stopped})`
  );
}

export function triesText(n: number): string {
  return `${n} ${n === 1 ? 'try' : 'tries'}`;
}
