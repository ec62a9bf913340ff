/**
 * The run's phases and their lengths as the cross-checks read them from raw plan data: the
 * order they run in, where each starts, and how messages spell a sum of them. A run goes
 * warmup → load → chaos → heal → drain; producers send through load, chaos and heal (the
 * steady state, the faults, the recovery).
 */
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { record, type Raw } from './raw.ts';
import { formatDuration, parseDuration } from './units.ts';

/** The phase an occurrence's `atMs` counts from; the run goes through them in this order. */
export type FaultPhase = 'warmup' | 'load' | 'chaos' | 'heal' | 'drain';

/** Every phase, in the order the run goes through them; a fault may be timed from any of them. */
export const RUN_PHASES = ['warmup', 'load', 'chaos', 'heal', 'drain'] as const satisfies readonly FaultPhase[];

/** The phases producers send through, in order. */
export const SENDING_PHASES = ['load', 'chaos', 'heal'] as const satisfies readonly FaultPhase[];

/** Phases a plan may leave out (they then last 0ms): a sum in a message names them only when they last. */
const OPTIONAL_PHASES: readonly FaultPhase[] = ['chaos', 'heal'];

export type PhaseLengths = Record<FaultPhase, number>;
export type SendingLengths = Pick<PhaseLengths, (typeof SENDING_PHASES)[number]>;

const DEFAULTS: Record<FaultPhase, string | undefined> = {
  warmup: D.phases.warmup,
  load: undefined,
  chaos: D.phases.chaos,
  heal: D.phases.heal,
  drain: D.phases.drain,
};

/**
 * One phase's length in ms (its default when absent), or undefined when it is missing or invalid (the schema says
 * which).
 */
export function phaseLength(plan: Raw, phase: FaultPhase): number | undefined {
  const value = record(plan.phases)?.[phase] ?? DEFAULTS[phase];
  const parsed = typeof value === 'string' ? parseDuration(value) : undefined;
  return parsed?.ok && parsed.value <= L.phaseMaxMs ? parsed.value : undefined;
}

/** Every phase length in ms, or undefined when one of them is missing or invalid, or load is 0. */
export function phaseLengths(plan: Raw): PhaseLengths | undefined {
  const lengths: Partial<PhaseLengths> = {};
  for (const phase of RUN_PHASES) {
    const length = phaseLength(plan, phase);
    if (length === undefined) return undefined;
    lengths[phase] = length;
  }
  return lengths.load === 0 ? undefined : (lengths as PhaseLengths);
}

/** The sending phases' lengths in ms, or undefined when one of them is missing or invalid. */
export function sendingLengths(plan: Raw): SendingLengths | undefined {
  const [load, chaos, heal] = SENDING_PHASES.map((phase) => phaseLength(plan, phase));
  return load === undefined || chaos === undefined || heal === undefined ? undefined : { load, chaos, heal };
}

/** When a phase starts, from the start of the run (the start of warmup). */
export function phaseOffset(phases: PhaseLengths, phase: FaultPhase): number {
  return RUN_PHASES.slice(0, RUN_PHASES.indexOf(phase)).reduce((sum, p) => sum + phases[p], 0);
}

/** The total length of `which`. */
export function totalOf<P extends FaultPhase>(phases: Pick<PhaseLengths, P>, which: readonly P[]): number {
  return which.reduce((sum, p) => sum + phases[p], 0);
}

/**
 * `warmup 5s + load 1m + chaos 20s + drain 30s`: the terms of a sum of phases, leaving out
 * chaos and heal when they last 0ms (most plans do not use them).
 */
export function describeSum<P extends FaultPhase>(phases: Pick<PhaseLengths, P>, which: readonly P[]): string {
  return which
    .filter((p) => phases[p] > 0 || !OPTIONAL_PHASES.includes(p))
    .map((p) => `${p} ${formatDuration(phases[p])}`)
    .join(' + ');
}

/** Whether the plan uses chaos or heal: messages about sending time then speak of all the sending phases. */
export function usesOptionalPhases(phases: Partial<PhaseLengths>): boolean {
  return OPTIONAL_PHASES.some((p) => (phases[p] ?? 0) > 0);
}
