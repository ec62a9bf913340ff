import { build as buildHistogram } from 'hdr-histogram-js';
import type { ScopeSummary } from '../metrics/ledger.ts';
import type { OrderingResult } from '../metrics/ordering.ts';
import type { RebalanceEvent } from '../metrics/rebalance-tracker.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import { evaluateThreshold, formatAggregation, type MetricName } from '../plan/thresholds.ts';
import type { MeasuredRun } from './measured-run.ts';
import { aggregate, type ObservedMetric } from './observed-metrics.ts';

export interface CheckResult {
  /** The threshold's key as written (`loss`, `received{group:g,instance:each}`). */
  key: string;
  metric: MetricName;
  /** Set when a selector expanded to one check per instance (`instance:each`) or named one. */
  instance?: string;
  threshold: string;
  aggregation: string;
  /** null when the run has no data for the metric (the check then fails). */
  observed: number | null;
  ok: boolean;
}

interface Subject {
  scopes: JudgedScope[];
  instances: string[] | undefined;
  group: string | undefined;
}

/**
 * Evaluates every threshold of the plan against what the run measured, narrowing by the
 * k6-style selector: a group (its ledger scopes), a fleet or an instance (receipt counts;
 * the full ledger for broadcasting instances, which are scopes of their own), or `each`
 * instance separately.
 */
/**
 * A ledger scope as the verdict sees it: with how much of its loss the findings explain and,
 * when ordered producers feed it, whether it kept their keys in order.
 */
export type JudgedScope = ScopeSummary & { lostExplained?: number; ordering?: OrderingResult };

export function evaluateChecks(plan: ResolvedPlan, m: MeasuredRun, scopes: JudgedScope[]): CheckResult[] {
  const loadSeconds = (plan.phases.loadMs + plan.phases.chaosMs + plan.phases.healMs) / 1000;
  const instancesOf = (filter: { group?: string; fleet?: string }) =>
    plan.fleets.consumers
      .filter((f) => (!filter.group || f.group === filter.group) && (!filter.fleet || f.name === filter.fleet))
      .flatMap((f) => f.perInstance.map((i) => i.instanceId));
  const groupOfInstance = (instance: string) =>
    plan.fleets.consumers.find((f) => f.perInstance.some((i) => i.instanceId === instance))?.group;
  const scopesOfGroup = (group: string) => scopes.filter((s) => s.scope === group || s.scope.startsWith(`${group}/`));

  const results: CheckResult[] = [];
  for (const threshold of plan.thresholds) {
    const { selector } = threshold;
    if (threshold.metric === 'failover_rto') {
      const value = aggregate(failoverTrend(m, selector), threshold.aggregation);
      results.push({
        key: threshold.key,
        metric: threshold.metric,
        threshold: threshold.source,
        aggregation: formatAggregation(threshold.aggregation),
        observed: Number.isNaN(value) ? null : value,
        ok: evaluateThreshold(threshold, value),
      });
      continue;
    }
    const subjects: { label?: string; subject: Subject }[] = [];
    if (selector.instance === 'each') {
      for (const instance of instancesOf(selector))
        subjects.push({ label: instance, subject: instanceSubject(instance) });
    } else if (selector.instance) {
      subjects.push({ label: selector.instance, subject: instanceSubject(selector.instance) });
    } else if (selector.group || selector.fleet) {
      const group = selector.group ?? plan.fleets.consumers.find((f) => f.name === selector.fleet)?.group;
      subjects.push({
        subject: {
          scopes: group ? scopesOfGroup(group) : [],
          instances: selector.fleet ? instancesOf(selector) : undefined,
          group,
        },
      });
    } else {
      subjects.push({ subject: { scopes, instances: undefined, group: undefined } });
    }
    for (const { label, subject } of subjects) {
      const observed = observe(threshold.metric, subject, m, loadSeconds);
      const value = aggregate(observed, threshold.aggregation);
      results.push({
        key: threshold.key,
        metric: threshold.metric,
        ...(label ? { instance: label } : {}),
        threshold: threshold.source,
        aggregation: formatAggregation(threshold.aggregation),
        observed: Number.isNaN(value) ? null : value,
        ok: evaluateThreshold(threshold, value),
      });
    }
  }
  return results;

  function instanceSubject(instance: string): Subject {
    const group = groupOfInstance(instance);
    const own = scopes.find((s) => s.scope === `${group}/${instance}`);
    // A broadcasting instance is a ledger scope of its own; a clustering one shares its group's.
    return { scopes: own ? [own] : [], instances: own ? undefined : [instance], group };
  }
}

function observe(metric: MetricName, subject: Subject, m: MeasuredRun, seconds: number): ObservedMetric | undefined {
  const whole = subject.group === undefined && subject.instances === undefined;
  const sum = (pick: (s: JudgedScope) => number) => subject.scopes.reduce((a, s) => a + pick(s), 0);
  const counter = (total: number): ObservedMetric => ({ kind: 'counter', total, seconds });
  // A fleet or clustering instance is not a ledger scope: only its receipt count is its own.
  if (subject.instances) {
    if (metric !== 'received') return undefined;
    const group = m.ledger.summarize(subject.group ?? '');
    return counter(subject.instances.reduce((a, i) => a + (group.perInstance[i] ?? 0), 0));
  }
  const unique = sum((s) => s.unique);
  const duplicates = sum((s) => s.duplicates);
  const acked = sum((s) => s.acked);
  switch (metric) {
    case 'received':
      return counter(sum((s) => s.receipts));
    case 'unique':
      return counter(unique);
    case 'duplicates':
      return counter(duplicates);
    case 'loss':
      return counter(sum((s) => s.lost));
    case 'loss_unexplained':
      // A scope nobody explained (lostExplained absent) counts whole: the unexplained side is the safe one.
      return counter(sum((s) => s.lost - (s.lostExplained ?? 0)));
    case 'unexpected':
      return counter(sum((s) => s.unexpected));
    case 'reordered': {
      // No data when no ordered producer feeds the subject: a threshold on it then fails, not passes.
      const checked = subject.scopes.filter((s) => s.ordering?.checked);
      return checked.length === 0 ? undefined : counter(checked.reduce((a, s) => a + (s.ordering?.reordered ?? 0), 0));
    }
    case 'duplicate_rate':
      return { kind: 'rate', value: unique === 0 ? 0 : duplicates / unique };
    case 'loss_rate':
      return { kind: 'rate', value: acked === 0 ? 0 : sum((s) => s.lost) / acked };
    case 'e2e_latency':
      return {
        kind: 'trend',
        histogram: whole ? m.e2eLatency : (m.e2eByGroup.get(subject.group ?? '') ?? buildHistogram()),
      };
    case 'backlog':
      // Whole run: the ledger's total; a group or broadcasting instance: its scopes' share.
      return {
        kind: 'gauge',
        samples: sendingRows(m).map((r) =>
          whole ? r.backlogLedger : subject.scopes.reduce((n, s) => n + (r.backlogByScope[s.scope] ?? 0), 0),
        ),
      };
    case 'rebalance_latency':
      return latencyTrend(m.rebalance.events, subject.group, (e) => e.assignmentLatencyMs);
    case 'resume_latency':
      return latencyTrend(m.rebalance.events, subject.group, (e) => e.resumeLatencyMs);
    default:
      break;
  }
  if (!whole) return undefined;
  switch (metric) {
    case 'sent':
      return counter(m.ledger.totalAcked());
    case 'send_errors':
      return counter(m.totalSendErrors());
    case 'dropped':
      return counter(m.dropped);
    case 'send_latency':
      return { kind: 'trend', histogram: m.sendLatency };
    case 'max_rate':
      return valueOf(m.rateSearch?.maxRatePerSecond);
    case 'drain_time':
      return valueOf(m.backlogDrain?.drainMs);
    case 'drain_rate':
      return valueOf(m.backlogDrain?.drainRatePerSecond);
    case 'timer_lateness':
      return m.timers?.tracking ? { kind: 'trend', histogram: m.timers.latenessHistogram() } : undefined;
    case 'timer_early':
      return m.timers?.tracking ? counter(m.timers.earlyCount()) : undefined;
    default:
      return undefined;
  }
}

/** A figure measured once; none (null, or a workload that did not run) is no data, which fails its threshold. */
function valueOf(value: number | null | undefined): ObservedMetric | undefined {
  return value === null || value === undefined ? undefined : { kind: 'value', value };
}

/** Rows sampled while messages flowed or drained (not warmup, not after stop). */
function sendingRows(m: MeasuredRun) {
  return m.rows.filter((r) => ['load', 'chaos', 'heal', 'drain'].includes(r.phase));
}

/** A recovery that never came, as failover_rto records it: past any sensible bound. */
export const NEVER_RECOVERED_MS = 3_600_000;

/** failover_rto: one value per fault (send, elect) or per fault and group (consume), by the selector. */
function failoverTrend(m: MeasuredRun, selector: { side?: string; group?: string }): ObservedMetric | undefined {
  const faults = m.failover.summary(Date.now()).faults;
  if (faults.length === 0) return undefined;
  const histogram = buildHistogram({
    lowestDiscernibleValue: 1,
    highestTrackableValue: NEVER_RECOVERED_MS,
    numberOfSignificantValueDigits: 3,
  });
  const record = (ms: number | null) => histogram.recordValue(Math.max(1, Math.round(ms ?? NEVER_RECOVERED_MS)));
  for (const f of faults) {
    if (!selector.group && (!selector.side || selector.side === 'elect')) record(f.electMs);
    if (!selector.group && (!selector.side || selector.side === 'send')) record(f.sendRtoMs);
    if (!selector.side || selector.side === 'consume')
      for (const [group, ms] of Object.entries(f.consumeRtoMs))
        if (!selector.group || selector.group === group) record(ms);
  }
  return { kind: 'trend', histogram };
}

function latencyTrend(
  events: RebalanceEvent[],
  group: string | undefined,
  pick: (e: RebalanceEvent) => number | null,
): ObservedMetric {
  const histogram = buildHistogram({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 3,
  });
  for (const event of events) {
    const value = pick(event);
    if (value !== null && (!group || event.group === group)) histogram.recordValue(Math.max(1, Math.round(value)));
  }
  return { kind: 'trend', histogram };
}
