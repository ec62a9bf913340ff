/**
 * Fault rules about time: every occurrence starts inside its phase, none lasts past the end of
 * the run, and scale faults, taken in time order across phases, never leave a consumer fleet
 * with fewer than 0 instances (or more than a fleet may have).
 */
import { PLAN_LIMITS as L } from './defaults.ts';
import {
  faultRandom,
  occurrenceStart,
  ordinal,
  scheduleOccurrences,
  type FaultTargetSpec,
  type FaultTiming,
} from './fault-schedule.ts';
import type { FleetShape } from './fault-targets.ts';
import type { PathSegment } from './messages.ts';
import { RUN_PHASES, describeSum, phaseOffset, totalOf, type PhaseLengths } from './phase-lengths.ts';
import type { FaultPhase } from './phase-lengths.ts';
import { formatDuration } from './units.ts';
import type { PendingIssue } from './zod-issues.ts';

/** A fault whose timing is valid, as the time checks need it. */
export interface TimedFault {
  index: number;
  phase: FaultPhase;
  timing: FaultTiming;
  /** Whether the plan wrote `at` and `phase` (messages point at them, or else at the fault). */
  hasAt: boolean;
  hasPhase: boolean;
}

function who(fault: TimedFault, k: number): string {
  return fault.timing.count === 1 ? 'the fault' : `the ${ordinal(k + 1)} occurrence`;
}

/** True when every occurrence starts in its phase and ends by the end of the run. */
export function checkFaultTimes(fault: TimedFault, phases: PhaseLengths, issues: PendingIssue[]): boolean {
  const { index, phase, timing } = fault;
  const at = (...rest: PathSegment[]): PathSegment[] => ['faults', index, ...rest];
  const phaseMs = phases[phase];
  if (phaseMs === 0) {
    const message = `the ${phase} phase lasts 0ms (phases.${phase}): nothing can happen in it`;
    issues.push({ path: fault.hasPhase ? at('phase') : at(), anchor: 'value', message });
    return false;
  }
  for (let k = 0; k < timing.count; k++) {
    const start = occurrenceStart(timing, k);
    if (start < phaseMs) continue;
    const when = `${start === phaseMs ? 'when' : 'after'} the ${phase} phase (${formatDuration(phaseMs)}) ends`;
    const fix = k === 0 ? ` (at counts from the start of the ${phase} phase)` : ': lower count or every';
    const path = k > 0 ? at('count') : fault.hasAt ? at('at') : at();
    issues.push({
      path,
      anchor: 'value',
      message: `${who(fault, k)} starts at ${formatDuration(start)}, ${when}${fix}`,
    });
    return false;
  }
  if (timing.durationMs === null) return true;
  const runEnd = totalOf(phases, RUN_PHASES);
  const offset = phaseOffset(phases, phase);
  for (let k = 0; k < timing.count; k++) {
    const end = offset + occurrenceStart(timing, k) + timing.durationMs;
    if (end <= runEnd) continue;
    const run = describeSum(phases, RUN_PHASES);
    issues.push({
      path: at('duration'),
      anchor: 'value',
      message:
        `${who(fault, k)} would last until ${formatDuration(end)} into the run, past its end at ` +
        `${formatDuration(runEnd)} (${run}): shorten duration`,
    });
    return false;
  }
  return true;
}

export interface ScaleFault extends TimedFault {
  delta: number;
  target: FaultTargetSpec;
}

/**
 * Replays scale faults in time order (ties in plan order) from each fleet's planned instances.
 * The first occurrence that takes a fleet out of 0..64 is reported; that fleet is then not
 * judged further (every later count would be off by the same mistake).
 */
export function checkScaleBalance(
  faults: readonly ScaleFault[],
  fleets: ReadonlyMap<string, FleetShape>,
  phases: PhaseLengths,
  seed: number,
  issues: PendingIssue[],
): void {
  const steps = faults.flatMap((fault) =>
    scheduleOccurrences(fault.target, fault.timing, faultRandom(seed, fault.index)).flatMap((occurrence) =>
      occurrence.targets.map((fleet) => ({
        t: phaseOffset(phases, fault.phase) + occurrence.atMs,
        fault,
        occurrence,
        fleet,
      })),
    ),
  );
  steps.sort((a, b) => a.t - b.t);
  const instances = new Map<string, number>();
  const stopped = new Set<string>();
  for (const { fault, occurrence, fleet } of steps) {
    const planned = fleets.get(fleet)?.instances;
    if (planned === undefined || stopped.has(fleet)) continue;
    const before = instances.get(fleet) ?? planned;
    const after = before + fault.delta;
    instances.set(fleet, after);
    if (after >= 0 && after <= L.instances.max) continue;
    stopped.add(fleet);
    const limit = after < 0 ? 'a fleet cannot go below 0' : `a fleet has at most ${L.instances.max}`;
    const from = `${before} instance${before === 1 ? '' : 's'}`;
    issues.push({
      path: ['faults', fault.index, 'delta'],
      anchor: 'value',
      message:
        `${who(fault, occurrence.index)}, at ${formatDuration(occurrence.atMs)} of the ${fault.phase} phase, ` +
        `would take fleet ${fleet} from ${from} to ${after} (it starts with ${planned}): ${limit}`,
    });
  }
}
