/**
 * The two load-phase workloads that take the producers' rate out of the plan's hands: `rate:
 * max` (the run searches the highest sustainable rate) and `backlog: {build, then: drain}` (the
 * consumers are held until a backlog is built). Rules that relate them to the rest of the plan:
 * one search per run, a load phase long enough for it, a Node worker (the rate moves live over
 * a message only the Node worker takes), both not at once, and thresholds on their metrics
 * only when the plan has the workload that measures them.
 */
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { thresholdKeyMetric } from './threshold-keys.ts';
import { formatDuration, parseDuration, parseRate } from './units.ts';
import { items, record, str, type Raw } from './raw.ts';
import { phaseLength } from './phase-lengths.ts';
import type { PendingIssue } from './zod-issues.ts';

/** `rate: max` or `rate: {max: ...}` (whatever else the map holds is the schema's to judge). */
export function isRateSearch(rate: unknown): boolean {
  return (typeof rate === 'string' && rate.trim() === 'max') || record(rate)?.max !== undefined;
}

function parsedOr(value: unknown, fallback: string, parse: typeof parseDuration | typeof parseRate) {
  const result = parse(typeof value === 'string' ? value : fallback);
  return result.ok ? result.value : undefined;
}

export function checkWorkloads(plan: Raw, issues: PendingIssue[]): void {
  const fleets = record(plan.fleets);
  const producers = items(fleets?.producers).map(record);
  const searching = producers.flatMap((fleet, i) => (fleet && isRateSearch(fleet.rate) ? [{ fleet, i }] : []));
  const load = phaseLength(plan, 'load');
  for (const [n, { fleet, i }] of searching.entries()) {
    const at = ['fleets', 'producers', i, 'rate'];
    if (n > 0)
      issues.push({
        path: at,
        anchor: 'value',
        message:
          `only one producer fleet may search its rate (fleets.producers[${searching[0]?.i}] does): ` +
          'give this one a fixed rate',
      });
    if ((str(fleet.driver) ?? D.producer.driver) === 'java')
      issues.push({
        path: at,
        anchor: 'value',
        message:
          'rate: max moves the rate live (the set-rate message), which the JVM worker does not take: use ' +
          'driver node for the search, or a fixed rate with driver java',
      });
    const search = record(record(fleet.rate)?.max) ?? {};
    const d = D.producer.rateSearch;
    const step = parsedOr(search.step, d.step, parseDuration);
    const from = parsedOr(search.from, d.from, parseRate);
    const to = parsedOr(search.to, d.to, parseRate);
    if (from !== undefined && to !== undefined && from >= to)
      issues.push({
        path: at,
        anchor: 'value',
        message:
          `rate.max.from (${from}/s) must be below rate.max.to (${to}/s): ` + 'the search climbs from one to the other',
      });
    // One step more than the search's: the first is the producers' warm-up (run/rate-search-run.ts).
    const needed = L.rateSearchMinSteps + 1;
    if (step !== undefined && load !== undefined && Math.floor(load / step) < needed)
      issues.push({
        path: at,
        anchor: 'value',
        message:
          `the search needs a warm-up step and at least ${L.rateSearchMinSteps} steps of ${formatDuration(step)} ` +
          `in phases.load (${formatDuration(load)}): lengthen the load phase to ${formatDuration(needed * step)} ` +
          'or more, or shorten rate.max.step',
      });
  }
  const backlog = record(plan.backlog);
  if (backlog) {
    if (searching.length > 0)
      issues.push({
        path: ['backlog'],
        anchor: 'key',
        message: 'backlog cannot be combined with rate: max: both decide what the producers send in the load phase',
      });
    if (producers.length === 0 || items(fleets?.consumers).length === 0)
      issues.push({
        path: ['backlog'],
        anchor: 'key',
        message: 'backlog needs producer fleets to build it and consumer fleets to drain it',
      });
  }
  checkWorkloadThresholds(plan, searching.length > 0, backlog !== undefined, issues);
}

/** A threshold on a workload's metric in a plan without that workload would fail as "no data": say why now. */
function checkWorkloadThresholds(plan: Raw, searching: boolean, backlog: boolean, issues: PendingIssue[]): void {
  for (const key of Object.keys(record(plan.thresholds) ?? {})) {
    const metric = thresholdKeyMetric(key);
    if (metric === 'max_rate' && !searching)
      issues.push({
        path: ['thresholds', key],
        anchor: 'key',
        message: 'max_rate is measured by a producer fleet with rate: max, and this plan has none',
      });
    if ((metric === 'drain_time' || metric === 'drain_rate') && !backlog)
      issues.push({
        path: ['thresholds', key],
        anchor: 'key',
        message: `${metric} is measured by backlog: {build: N, then: drain}, and this plan has no backlog`,
      });
  }
}
