/**
 * The rate search and the backlog drain in words and table rows, for the console and
 * summary.md: the answer first, then the curve a step per row.
 */
import type { BacklogDrainResult } from '../metrics/backlog-drain.ts';
import type { RateSearchResult, RateStep } from '../metrics/rate-search.ts';
import { durationText } from './failover-text.ts';

const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);

export function rateSearchHeadline(r: RateSearchResult): string {
  const found = r.maxRatePerSecond === null ? 'none' : `${r.maxRatePerSecond}/s`;
  return (
    `max rate ${found} (fleet ${r.fleet}, send p99 ≤ ${r.spec.p99Ms} ms, ${r.steps.length} steps of ` +
    `${r.spec.stepMs / 1000} s: ${r.note})`
  );
}

export const RATE_STEP_COLUMNS = [
  'step',
  'rate offered',
  'rate achieved',
  'send p99',
  'e2e p99',
  'backlog slope',
  'sustainable',
] as const;

export function rateStepRow(step: RateStep): string[] {
  return [
    `${step.index + 1} (${step.stage})`,
    `${step.offeredPerSecond}/s`,
    `${step.achievedPerSecond}/s`,
    ms(step.sendP99Ms),
    ms(step.e2eP99Ms),
    `${step.backlogSlopePerSecond >= 0 ? '+' : ''}${step.backlogSlopePerSecond}/s`,
    step.sustainable ? 'yes' : `no: ${step.reason ?? ''}`,
  ];
}

export function backlogDrainHeadline(d: BacklogDrainResult): string {
  const built = d.built
    ? `built ${d.backlogAtRelease} of ${d.target} in ${d.buildMs === null ? '–' : durationText(d.buildMs)}`
    : `not built: ${d.backlogAtRelease} of ${d.target} when the load phase ended`;
  const drained =
    d.drainMs === null
      ? 'never drained to 0'
      : `drained ${d.drainedMessages} in ${durationText(d.drainMs)} (${d.drainRatePerSecond ?? '–'}/s)`;
  return `backlog ${built}; ${drained}`;
}
