/**
 * Unrolls one fault into its occurrences: start times from `at`, `every` and `count`, and the
 * targets of each, picked at random where the plan asks for it. The cross-checks (which must
 * know the picks to judge scale faults) and the resolver both call this, so what validation
 * judged is exactly what runs.
 */
import { hashSeed, seededRandom, type Random } from '../util/random.ts';
import type { ResolvedFaultOccurrence } from './resolved-faults.ts';

/** The names to act on, all of them each time, or `pick` of `random`, anew for every occurrence. */
export type FaultTargetSpec = { names: string[] } | { random: string[]; pick: number };

export interface FaultTiming {
  /** From the start of the fault's phase. */
  atMs: number;
  /** Absent when the fault happens once. */
  everyMs?: number;
  count: number;
  durationMs: number | null;
}

/**
 * A fault's own random stream, from the plan seed and the fault's index in `faults`: the same
 * plan and seed pick the same targets, and one fault's picks do not depend on another's.
 */
export function faultRandom(seed: number, faultIndex: number): Random {
  return seededRandom(hashSeed(`${seed}:fault:${faultIndex}`));
}

/** `pick` different names of `from` (a partial Fisher–Yates shuffle), in the order they are listed. */
export function pickTargets(from: readonly string[], pick: number, random: Random): string[] {
  const order = from.map((_, i) => i);
  for (let i = 0; i < pick && i < order.length; i++) {
    const j = i + Math.floor(random() * (order.length - i));
    const picked = order[j] as number;
    order[j] = order[i] as number;
    order[i] = picked;
  }
  return order
    .slice(0, pick)
    .sort((a, b) => a - b)
    .map((i) => from[i] ?? '');
}

/** Durations like `0.1ms` multiply with float noise; keep nanoseconds, as the duration parser does. */
function clean(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}

/** Start of occurrence `k` (0-based), from the start of the fault's phase. */
export function occurrenceStart(timing: Pick<FaultTiming, 'atMs' | 'everyMs'>, k: number): number {
  return clean(timing.atMs + k * (timing.everyMs ?? 0));
}

export function scheduleOccurrences(
  target: FaultTargetSpec,
  timing: FaultTiming,
  random: Random,
): ResolvedFaultOccurrence[] {
  return Array.from({ length: timing.count }, (_, index) => ({
    index,
    atMs: occurrenceStart(timing, index),
    durationMs: timing.durationMs,
    targets: 'names' in target ? [...target.names] : pickTargets(target.random, target.pick, random),
  }));
}

/** `1st`, `2nd`, `3rd`, `4th`, `11th`, `22nd`: how messages name an occurrence. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
