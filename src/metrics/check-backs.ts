/**
 * The broker's transaction check-backs as the producers answered them: how many, answered
 * how, how many distinct halves they were about and how many were answered by an instance other
 * than the half's sender (its sender had died or moved on), and the latency from the half's
 * send (its born time) to the check-back's arrival.
 */
import { newHistogram, percentiles, recordMs, type Percentiles } from './histogram.ts';

/** One answered check-back as the worker protocol's CheckBack carries it: sender, seq, born, checked at, answer. */
export type CheckBackRecord = readonly [
  string,
  number,
  number,
  number,
  'commit' | 'rollback' | 'unknown',
  ...unknown[],
];

export interface CheckBackSummary {
  /** Check-backs answered (a half checked twice counts twice). */
  count: number;
  /** Distinct halves they were about. */
  halves: number;
  /** Check-backs answered by an instance other than the half's sender. */
  byOtherInstance: number;
  answers: { commit: number; rollback: number; unknown: number };
  /** Half sent (born) → check-back received, ms. */
  latency: Percentiles;
}

export class CheckBackTracker {
  private count = 0;
  private byOtherInstance = 0;
  private readonly answers = { commit: 0, rollback: 0, unknown: 0 };
  private readonly halves = new Set<string>();
  private readonly latency = newHistogram();

  record(checker: string, items: readonly CheckBackRecord[]): void {
    for (const [producerId, seq, born, checkedAt, answer] of items) {
      this.count++;
      this.answers[answer]++;
      if (producerId !== checker) this.byOtherInstance++;
      this.halves.add(`${producerId}:${seq}`);
      recordMs(this.latency, Math.max(0, checkedAt - born));
    }
  }

  summary(): CheckBackSummary {
    return {
      count: this.count,
      halves: this.halves.size,
      byOtherInstance: this.byOtherInstance,
      answers: { ...this.answers },
      latency: percentiles(this.latency),
    };
  }
}
