/**
 * Resolves the `faults:` section of a plan that passed validation: default names and timing,
 * each action's parameters in the units the fault actions use (its spec's `resolve` does
 * that), and every occurrence with its targets (random ones picked from the plan seed and the
 * fault's index, exactly as the cross-checks picked them when they judged scale faults).
 */
import { PLAN_DEFAULTS as D } from './defaults.ts';
import { FAULT_ACTIONS } from './fault-catalogue.ts';
import { faultRandom, scheduleOccurrences, type FaultTargetSpec } from './fault-schedule.ts';
import type { ResolvedFault } from './resolved-faults.ts';
import { ms } from './resolve-values.ts';
import type { FaultDocument } from './schema-faults.ts';

function target(doc: FaultDocument): FaultTargetSpec {
  const { target: t } = doc;
  if (typeof t === 'string') return { names: [t] };
  if (Array.isArray(t)) return { names: [...t] };
  return { random: [...t.random], pick: t.pick ?? D.fault.pick };
}

function resolveFault(f: FaultDocument, index: number, seed: number): ResolvedFault {
  const durationMs = f.duration === undefined ? null : ms(f.duration);
  const occurrences = scheduleOccurrences(
    target(f),
    {
      atMs: ms(f.at ?? D.fault.at),
      ...(f.every !== undefined ? { everyMs: ms(f.every) } : {}),
      count: f.count ?? D.fault.count,
      durationMs,
    },
    faultRandom(seed, index),
  );
  // The cast joins what TypeScript cannot: the spec of f.action resolves the params of this very action.
  return {
    name: f.name ?? `${f.action}-${index}`,
    action: f.action,
    params: FAULT_ACTIONS[f.action].resolveFrom(f),
    phase: f.phase ?? D.fault.phase,
    occurrences,
  } as ResolvedFault;
}

export function resolveFaults(faults: readonly FaultDocument[] | undefined, seed: number): ResolvedFault[] {
  return (faults ?? []).map((fault, index) => resolveFault(fault, index, seed));
}
