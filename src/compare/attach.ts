/**
 * Puts a comparison into a run's summary: the `comparison` field, and the verdict with one
 * failure per regressed metric (decided in checks/verdict.ts, like every other failure).
 */
import { withRegressions } from '../checks/verdict.ts';
import type { Comparison } from '../result/comparison.ts';
import type { RunSummary } from '../result/run-summary.ts';
import { describeRegression } from './compare.ts';

export function withComparison(summary: RunSummary, comparison: Comparison): RunSummary {
  const regressions = comparison.metrics.filter((m) => m.regressed).map(describeRegression);
  return { ...summary, comparison, ...withRegressions(summary, comparison.baseline.runId, regressions) };
}
