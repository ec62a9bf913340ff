/**
 * Phases that took longer than the plan says, and why: a plan's phase lengths are what users
 * read the timeline and rates against, so a warmup of 8 s that took 11.7 s must say so rather
 * than shift every later number silently. Overruns of a second or less are noise, not news.
 */
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import type { PhaseOverrun } from '../result/run-summary.ts';

const NOISE_MS = 1000;

/** Why each planned phase can run past its length. */
const REASONS: Record<string, string> = {
  warmup: 'consumers starting and their groups settling on a queue assignment, producers booting (load waits for all)',
  load: 'producers still sending when the phase was due to end',
  chaos: 'producers still sending when the phase was due to end',
  heal: 'producers finishing their last sends (the run waits for every producer to exit)',
  drain: "the drain's own faults ending",
};

export function plannedPhaseMs(plan: ResolvedPlan): Record<string, number> {
  const p = plan.phases;
  return { warmup: p.warmupMs, load: p.loadMs, chaos: p.chaosMs, heal: p.healMs, drain: p.drainMs };
}

export function phaseOverruns(
  plan: ResolvedPlan,
  phases: Record<string, { startMs: number; durationMs: number }>,
): PhaseOverrun[] {
  const planned = plannedPhaseMs(plan);
  const out: PhaseOverrun[] = [];
  for (const [phase, plannedMs] of Object.entries(planned)) {
    const actual = phases[phase];
    if (!actual || actual.durationMs <= plannedMs + NOISE_MS) continue;
    out.push({ phase, plannedMs, actualMs: actual.durationMs, reason: REASONS[phase] ?? 'unknown' });
  }
  return out;
}

export function describeOverrun(o: PhaseOverrun): string {
  return (
    `${o.phase} took ${(o.actualMs / 1000).toFixed(1)} s, planned ${(o.plannedMs / 1000).toFixed(1)} s: ` +
    `${o.reason}`
  );
}

/**
 * What the run is waiting for, for the progress line: in drain, always the scopes still behind
 * (`billing: 1200 messages behind`), since that is what ends it; in any other phase, only once it is more
 * than a second past its planned length. Undefined when there is nothing to say.
 */
export function waitingFor(
  phase: string,
  elapsedMs: number,
  planned: Record<string, number>,
  backlogByScope: Readonly<Record<string, number>>,
): string | undefined {
  if (phase === 'drain') {
    const behind = Object.entries(backlogByScope)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    if (behind.length > 0) {
      const shown = behind.slice(0, 2).map(([scope, n]) => `${scope}: ${n} messages behind`);
      return `${shown.join(', ')}${behind.length > 2 ? ` and ${behind.length - 2} more` : ''}`;
    }
  }
  const plannedMs = planned[phase];
  if (plannedMs === undefined || elapsedMs <= plannedMs + NOISE_MS) return undefined;
  if (phase === 'warmup') return 'the consumer groups to settle and the producers to boot';
  if (phase === 'drain') return "the drain's faults to end";
  return 'the producers to finish';
}
