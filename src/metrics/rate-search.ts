/**
 * The search behind `rate: max`: the highest producer rate a cluster sustains, found in one run
 * by a staircase of rising rates and then a bisection between the last good and the first bad
 * step. Pure: the run (run/rate-search-run.ts) holds each step and measures it; this decides
 * which rate to try next and what the answer is.
 *
 * Why this shape: a run has one load phase, so the search has a fixed budget of steps (load ÷
 * step). Half of it climbs geometrically from `from` to `to`, so the first bad step is found
 * whatever the cluster's capacity within that range; the other half bisects (geometrically:
 * a knee at 200/s and one at 20 000/s get the same relative precision) between the last good
 * and the first bad rate. The answer is always a rate that was measured sustainable, never
 * one interpolated or one that failed.
 */
import type { RateSearchSpec } from '../plan/resolved-plan.ts';

export type { RateSearchSpec } from '../plan/resolved-plan.ts';

/** What one step measured, before it is judged. */
export interface StepMeasurement {
  /** The fleet's total rate asked for. */
  offeredPerSecond: number;
  /** Acknowledged sends per second over the measured part of the step. */
  achievedPerSecond: number;
  /** Send latency (due → ack) p99 over the measured part; null when nothing was acked. */
  sendP99Ms: number | null;
  /** End-to-end latency p99 of the receipts over the measured part; null when nothing was received. */
  e2eP99Ms: number | null;
  /** Least-squares slope of the ledger's backlog over the measured part, messages per second. */
  backlogSlopePerSecond: number;
}

export type SearchStage = 'staircase' | 'bisect';

export interface RateStep extends StepMeasurement {
  index: number;
  stage: SearchStage;
  /** When the step began, ms since the run started. */
  atMs: number;
  sustainable: boolean;
  /** Why it was not sustainable (one line), null when it was. */
  reason: string | null;
}

export interface RateSearchResult {
  spec: RateSearchSpec;
  /** The fleet searched. */
  fleet: string;
  /** The highest rate measured sustainable; null when not even `from` was. */
  maxRatePerSecond: number | null;
  /** The curve: every step in the order it ran. */
  steps: RateStep[];
  /** The last good and first bad rate are within the search's tolerance of each other. */
  converged: boolean;
  /** One line on how the search ended (converged, upper bound reached, out of steps ...). */
  note: string;
}

/**
 * Below this ratio between the first bad and the last good rate the search stops: step-to-step
 * noise on a shared machine is larger than 2 %, so finer steps would measure the noise.
 */
export const SEARCH_TOLERANCE = 0.02;
/** Acked under this share of the offered rate: the producers could not send what was asked. */
export const ACHIEVED_SHARE = 0.9;
/**
 * A backlog growing faster than this share of the offered rate grows without bound: the
 * consumers take less than is sent. Below it, growth is within what a step's start leaves
 * behind (messages in flight grow with the rate and with latency).
 */
export const BACKLOG_GROWTH_SHARE = 0.05;

/** Sustainable or not, and why not: send p99 over the bound, acks short of the offered rate, a growing backlog. */
export function judgeStep(m: StepMeasurement, spec: RateSearchSpec): { sustainable: boolean; reason: string | null } {
  if (m.sendP99Ms === null) return { sustainable: false, reason: 'nothing was acknowledged' };
  if (m.sendP99Ms > spec.p99Ms)
    return { sustainable: false, reason: `send p99 ${round(m.sendP99Ms)} ms > ${round(spec.p99Ms)} ms` };
  if (m.achievedPerSecond < ACHIEVED_SHARE * m.offeredPerSecond)
    return {
      sustainable: false,
      reason: `acked ${round(m.achievedPerSecond)}/s of ${round(m.offeredPerSecond)}/s asked`,
    };
  if (m.backlogSlopePerSecond > BACKLOG_GROWTH_SHARE * m.offeredPerSecond)
    return { sustainable: false, reason: `backlog grew ${round(m.backlogSlopePerSecond)}/s` };
  return { sustainable: true, reason: null };
}

/** How many steps the staircase may take of a budget: half, at least two (from and to). */
export function staircaseLength(budget: number): number {
  return Math.max(2, Math.ceil(budget / 2));
}

/** The staircase's rates: `from` × f^i up to exactly `to`, whole messages per second. */
export function staircase(spec: RateSearchSpec, budget: number): number[] {
  const n = staircaseLength(budget);
  const factor = (spec.toPerSecond / spec.fromPerSecond) ** (1 / (n - 1));
  const rates = Array.from({ length: n }, (_, i) =>
    i === n - 1 ? spec.toPerSecond : Math.round(spec.fromPerSecond * factor ** i),
  );
  // Rounding may repeat a rate when from and to are close: each rate once.
  return [...new Set(rates)];
}

/**
 * The search as a state machine: `next()` says which rate to hold next (undefined: done),
 * `record()` takes that step's verdict. The budget counts steps; the run may also stop it
 * early (its load phase ended), and `result` then says it did not converge.
 */
export class RateSearch {
  private readonly climb: number[];
  private climbIndex = 0;
  private used = 0;
  private good: number | undefined;
  private bad: number | undefined;
  private pending: number | undefined;
  private finished = false;

  constructor(
    readonly spec: RateSearchSpec,
    readonly budget: number,
  ) {
    this.climb = staircase(spec, budget);
  }

  get stage(): SearchStage {
    return this.bad === undefined ? 'staircase' : 'bisect';
  }

  next(): number | undefined {
    if (this.finished || this.used >= this.budget) return undefined;
    if (this.bad === undefined) {
      this.pending = this.climb[this.climbIndex];
    } else {
      // No good step yet: `from` itself failed, and there is nothing below it to search.
      if (this.good === undefined || this.bad / this.good <= 1 + SEARCH_TOLERANCE) return this.finish();
      const mid = Math.round(Math.sqrt(this.good * this.bad));
      if (mid <= this.good || mid >= this.bad) return this.finish();
      this.pending = mid;
    }
    return this.pending;
  }

  record(rate: number, sustainable: boolean): void {
    if (rate !== this.pending) throw new Error(`internal: the search asked for ${this.pending}/s, got ${rate}/s`);
    this.pending = undefined;
    this.used++;
    if (sustainable) {
      if (this.good === undefined || rate > this.good) this.good = rate;
      if (this.bad === undefined) {
        this.climbIndex++;
        if (this.climbIndex >= this.climb.length) this.finished = true;
      }
    } else if (this.bad === undefined || rate < this.bad) {
      this.bad = rate;
    }
  }

  /** The highest rate recorded sustainable below every rate recorded bad. */
  get found(): number | undefined {
    return this.good;
  }

  get converged(): boolean {
    if (this.good === undefined) return this.bad !== undefined;
    if (this.bad === undefined) return this.finished;
    return this.bad / this.good <= 1 + SEARCH_TOLERANCE || Math.round(Math.sqrt(this.good * this.bad)) <= this.good;
  }

  /** One line: how the search ended. */
  note(): string {
    if (this.good === undefined && this.bad !== undefined)
      return `not even the lowest rate (${this.spec.fromPerSecond}/s) was sustainable: lower rate.max.from`;
    if (this.good === undefined) return 'no step was measured';
    if (this.bad === undefined)
      return this.finished
        ? `the highest rate tried (${this.spec.toPerSecond}/s) was sustainable: raise rate.max.to`
        : `ran out of steps before any step failed (last good ${this.good}/s)`;
    const within = ((this.bad / this.good - 1) * 100).toFixed(1);
    return this.converged
      ? `between ${this.good}/s (sustainable) and ${this.bad}/s (not), ${within}% apart`
      : `ran out of steps between ${this.good}/s (sustainable) and ${this.bad}/s (not), ${within}% apart`;
  }

  private finish(): undefined {
    this.finished = true;
    return undefined;
  }
}

/** Least-squares slope of (t ms, value) points, per second; 0 with fewer than two distinct times. */
export function slopePerSecond(points: readonly { t: number; value: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const meanT = points.reduce((a, p) => a + p.t, 0) / n;
  const meanV = points.reduce((a, p) => a + p.value, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - meanT) * (p.value - meanV);
    den += (p.t - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1000;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
