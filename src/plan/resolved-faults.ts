/**
 * The `faults:` section as the fault scheduler sees it: every default filled, every unit
 * converted (durations in ms, sizes in bytes, Toxiproxy's own units where it has them), every
 * repetition unrolled into occurrences, every random target already picked. The same plan and
 * seed always give the same schedule; nothing is left to decide at run time.
 */
import type { z } from 'zod';
import type { FaultActionName, FaultSpecOf } from './fault-catalogue.ts';
import type { ResolvedParams } from './fault-specs/fault-spec.ts';
import type { FaultPhase } from './phase-lengths.ts';
import type { streamSchema } from './fault-specs/shared.ts';

export type { FaultActionName } from './fault-catalogue.ts';

/** Which direction of a link a Toxiproxy toxic applies to; `both` adds one toxic per direction. */
export type FaultStream = z.output<typeof streamSchema>;

/**
 * Resolved parameters of each action, by action name: each is its spec's `resolved` schema
 * (`fault-specs/<action>.ts` documents the fields).
 */
export type FaultParamsByAction = { [A in FaultActionName]: ResolvedParams<FaultSpecOf<A>> };

/** One time a fault happens. */
export interface ResolvedFaultOccurrence {
  /** 0-based, in time order. */
  index: number;
  /** From the start of the fault's phase: `at + index × every`. */
  atMs: number;
  /** How long it lasts; null for instant actions (kill, restart, scale) and for a drift without duration. */
  durationMs: number | null;
  /** What it acts on: link, node, fleet instance or consumer fleet names; random picks already made. */
  targets: string[];
}

interface ResolvedFaultBase<A extends FaultActionName> {
  /** The plan's name, or `<action>-<index>` (`network.down-0`); unique in the plan. */
  name: string;
  action: A;
  params: FaultParamsByAction[A];
  phase: FaultPhase;
  /** At least one, sorted by `atMs`. */
  occurrences: ResolvedFaultOccurrence[];
}

/** Discriminated by `action`: `if (fault.action === 'network.latency') fault.params.latencyMs`. */
export type ResolvedFault = { [A in FaultActionName]: ResolvedFaultBase<A> }[FaultActionName];
