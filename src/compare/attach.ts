/**
 * Puts a comparison into a run's summary: the `comparison` field, one failure line per
 * regressed metric, and a failing verdict when anything regressed, so that `run --baseline`
 * exits 99 on a regression through the same path as a failed check.
 */
import type { RunSummary } from '../report/summary.ts';
import { describeRegression, type Comparison } from './compare.ts';

export function withComparison(summary: RunSummary, comparison: Comparison): RunSummary {
  const regressions = comparison.metrics
    .filter((m) => m.regressed)
    .map((m) => `regression against baseline ${comparison.baseline.runId}: ${describeRegression(m)}`);
  const failures = [...summary.failures, ...regressions];
  return { ...summary, comparison, failures, verdict: failures.length === 0 ? 'pass' : 'fail' };
}
