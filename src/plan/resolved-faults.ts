/**
 * The `faults:` section as the fault scheduler sees it: every default filled, every unit
 * converted (durations in ms, sizes in bytes, Toxiproxy's own units where it has them), every
 * repetition unrolled into occurrences, every random target already picked. The same plan and
 * seed always give the same schedule; nothing is left to decide at run time.
 */
import type { ResolvedSubscription } from './resolved-plan.ts';

/** Which direction of a link a Toxiproxy toxic applies to; `both` adds one toxic per direction. */
export type FaultStream = 'upstream' | 'downstream' | 'both';

/** The phase an occurrence's `atMs` counts from; the run goes through them in this order. */
export type FaultPhase = 'warmup' | 'load' | 'chaos' | 'heal' | 'drain';

/** Resolved parameters of each action, by action name. */
export interface FaultParamsByAction {
  /** The link is disabled (Toxiproxy: proxy disabled) for the duration. */
  'network.down': Record<string, never>;
  /** The link goes down for `downForMs` at the start of every `periodMs`, for the duration; `jitterMs` varies each cycle's timing. */
  'network.flap': { periodMs: number; downForMs: number; jitterMs: number };
  /** Toxiproxy `latency`: every chunk of data is delayed `latencyMs` ± `jitterMs`. */
  'network.latency': { latencyMs: number; jitterMs: number; stream: FaultStream };
  /** Toxiproxy `bandwidth`: at most `rateKBps` KB/s (1 KB = 1000 bytes; the plan's size rounded down, at least 1). */
  'network.bandwidth': { rateKBps: number; stream: FaultStream };
  /** Toxiproxy `timeout`: data stops; connections close after `timeoutMs` (0: held until the fault ends). */
  'network.timeout': { timeoutMs: number; stream: FaultStream };
  /** Toxiproxy `reset_peer`: connections are reset (TCP RST) after `timeoutMs`. */
  'network.reset_peer': { timeoutMs: number; stream: FaultStream };
  /** Toxiproxy `slicer`: data is cut into pieces of `averageSizeBytes` ± `sizeVariationBytes`, `delayUs` apart. */
  'network.slicer': { averageSizeBytes: number; sizeVariationBytes: number; delayUs: number; stream: FaultStream };
  /** Toxiproxy `limit_data`: a connection is closed after `bytes` bytes. */
  'network.limit_data': { bytes: number; stream: FaultStream };
  /** SIGKILL; nothing is undone at the end. */
  kill: Record<string, never>;
  /** SIGSTOP for the duration, then SIGCONT. */
  pause: Record<string, never>;
  /** Stop (SIGTERM, or SIGKILL when `hard`), stay stopped `downMs`, start again with the same settings. */
  restart: { hard: boolean; downMs: number };
  /** Adds (positive) or removes (negative) instances of a consumer fleet. */
  scale: { delta: number };
  /** The instance's subscription is replaced by these; with a duration it goes back to its own at the end. */
  drift: { subscriptions: ResolvedSubscription[] };
}

export type FaultActionName = keyof FaultParamsByAction;

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
