import { describeOverrun } from '../../run/phase-overruns.ts';
import { formatObserved } from '../../checks/observed-text.ts';
import type { ReportedFinding } from '../../checks/diagnosis-expectations.ts';
import type { RebalanceEvent } from '../../metrics/rebalance-tracker.ts';
import type { RunEvent } from '../../result/run-event.ts';
import type { RunSummary } from '../../result/run-summary.ts';
import { comparisonView, type ComparisonView } from './comparison.ts';
import { toChartSeries, type ChartRow, type ChartSeries } from './series.ts';
import {
  assignmentLanes,
  membershipMarkers,
  roleLanes,
  secondsSince,
  type AssignmentLane,
  type RoleLane,
  type MembershipMarker,
} from './timeline.ts';

/**
 * Everything the page shows, as the JSON inlined into it. Times are seconds since the run
 * started (the charts' x); the summary goes along without its time series (replaced by
 * chart columns) and with diagnoses and rebalance events restamped on that clock; the
 * comparison with a baseline goes as table cells already written.
 */
export interface ReportData {
  reportDataVersion: 1;
  summary: Omit<RunSummary, 'timeseries' | 'diagnoses' | 'rebalance' | 'comparison'>;
  /** The x range of every chart and the assignment timeline. */
  endS: number;
  series: ChartSeries;
  phases: { name: string; startS: number; endS: number }[];
  faultBands: FaultBand[];
  markers: MembershipMarker[];
  lanes: AssignmentLane[];
  /** Master per broker name over time (from summary.failover); empty when the run had no replicas to watch. */
  roleLanes: RoleLane[];
  rebalance: Omit<RunSummary['rebalance'], 'events'> & { events: (RebalanceEvent & { atS: number })[] };
  diagnoses: (ReportedFinding & { firstSeenS: number; lastSeenS: number })[];
  /** The run against its baseline (`run --baseline`); null without one. */
  comparison: ComparisonView | null;
  /** Each check's observed value with its unit (`p(99) = 412 ms`), in `summary.checks` order. */
  checkObserved: string[];
  /** The same for the threshold that aborted the run; null when none did. */
  abortObserved: string | null;
  /** Phases that ran past their planned length, one line each with the reason. */
  overruns: string[];
}

/** A fault occurrence as a shaded band; `endS` null for an instant fault (kill) or one never ended. */
export interface FaultBand {
  label: string;
  action: string;
  target: string;
  beginS: number;
  endS: number | null;
  detail: string;
  failed: boolean;
}

export function buildReportData(
  summary: RunSummary,
  events: readonly RunEvent[],
  rows: readonly ChartRow[],
): ReportData {
  const startedAtMs = Date.parse(summary.run.startedAt);
  const { timeseries: _timeseries, diagnoses, rebalance, comparison, ...rest } = summary;
  const endS = summary.run.wallMs / 1000;
  return {
    reportDataVersion: 1,
    summary: rest,
    endS,
    series: toChartSeries(rows),
    phases: Object.entries(summary.phases).map(([name, p]) => ({
      name,
      startS: p.startMs / 1000,
      endS: (p.startMs + p.durationMs) / 1000,
    })),
    faultBands: summary.faults.map((f) => {
      // Observed times are what happened; a fault that failed to apply only has requested ones.
      const beginMs = f.observed.beginMs ?? f.requested.beginMs;
      const endMs = f.observed.beginMs === null ? f.requested.endMs : f.observed.endMs;
      return {
        label: `${f.action} ${f.target}`,
        action: f.action,
        target: f.target,
        beginS: beginMs / 1000,
        endS: endMs === null ? null : endMs / 1000,
        detail: f.error ?? f.observed.detail,
        failed: f.error !== undefined,
      };
    }),
    markers: membershipMarkers(events, startedAtMs),
    lanes: assignmentLanes(events, startedAtMs, endS),
    roleLanes: roleLanes(summary.failover?.roles ?? [], endS),
    rebalance: { ...rebalance, events: rebalance.events.map((e) => ({ ...e, atS: secondsSince(startedAtMs, e.at) })) },
    diagnoses: diagnoses.map((d) => ({
      ...d,
      firstSeenS: secondsSince(startedAtMs, d.firstSeenAt),
      lastSeenS: secondsSince(startedAtMs, d.lastSeenAt),
    })),
    comparison: comparisonView(comparison),
    checkObserved: summary.checks.map(formatObserved),
    abortObserved: summary.abortedBy ? formatObserved(summary.abortedBy) : null,
    overruns: (summary.overruns ?? []).map(describeOverrun),
  };
}
