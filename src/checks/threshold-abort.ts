import { evaluateChecks } from './evaluate.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import type { MeasuredRun } from './measured-run.ts';
import { formatObserved } from './observed-text.ts';
import type { MetricName } from '../plan/metric-catalogue.ts';

/** Which threshold ended the run early, with what it saw, and when (ms since the run started). */
export interface AbortedBy {
  key: string;
  metric: MetricName;
  /** How the observed value was aggregated (`p(99)`, `count`), as in the check. */
  aggregation: string;
  threshold: string;
  observed: number | null;
  atMs: number;
}

/**
 * k6's `abortOnFail`: thresholds so marked are evaluated on every sample against what has
 * been measured so far (from `delayAbortEval` after the start on); the first that fails
 * aborts `signal`, and the run skips to its stop phase and reports. Metrics that only settle
 * at the end (loss counts everything not yet received) make poor abort thresholds; latency,
 * errors, duplicates and backlog make good ones.
 */
export class ThresholdAbort {
  abortedBy: AbortedBy | undefined;
  private readonly controller = new AbortController();
  private readonly watched: ResolvedPlan['thresholds'];

  constructor(private readonly plan: ResolvedPlan) {
    this.watched = plan.thresholds.filter((t) => t.abortOnFail);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  check(m: MeasuredRun, elapsedMs: number, log: (line: string) => void): void {
    if (this.abortedBy) return;
    const due = this.watched.filter((t) => elapsedMs >= t.delayAbortEvalMs);
    if (due.length === 0) return;
    const scopes = m.scopes().map((scope) => m.ledger.summarize(scope));
    // No data yet (no receipts for a latency) is not a failure worth aborting for.
    const failed = evaluateChecks({ ...this.plan, thresholds: due }, m, scopes).find(
      (c) => !c.ok && c.observed !== null,
    );
    if (!failed) return;
    this.abortedBy = {
      key: failed.key + (failed.instance ? ` [${failed.instance}]` : ''),
      metric: failed.metric,
      aggregation: failed.aggregation,
      threshold: failed.threshold,
      observed: failed.observed,
      atMs: elapsedMs,
    };
    log(
      `threshold ${this.abortedBy.key} ${failed.threshold} failed (observed ${formatObserved(failed)}) ` +
        'with abortOnFail: stopping the run',
    );
    this.controller.abort('threshold');
  }
}
