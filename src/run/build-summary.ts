/**
 * Assembles a run's summary (result/run-summary.ts) from what the run measured and the
 * verdict that checks/verdict.ts decides; nothing here judges.
 */
import { judgeRun } from '../checks/verdict.ts';
import type { Finding } from '../checks/diagnoses/index.ts';
import type { AbortedBy } from '../checks/threshold-abort.ts';
import { percentiles, type Percentiles } from '../metrics/histogram.ts';
import type { ScopeSummary } from '../metrics/ledger.ts';
import { type GroupResult, type RunSummary, SUMMARY_SCHEMA_VERSION } from '../result/run-summary.ts';
import { lostExplained } from '../checks/diagnoses/loss-claims.ts';
import type { ScopeBreakdown } from '../metrics/loss-breakdown.ts';
import { UNCHECKED_ORDERING } from '../metrics/ordering.ts';
import type { TimerSummary } from '../metrics/timer-lateness.ts';
import { sendsAroundFaults, type SendsAroundFault } from '../metrics/sends-around-faults.ts';
import { groupOfScope, type ScopeAccounting } from './measurements.ts';
import { phaseOverruns } from './phase-overruns.ts';
import { delayLevelsOf } from '../plan/message-delay-level.ts';
import { producerCounts, type RunRecordInput, summaryHeader } from './summary-header.ts';

export interface SummaryInput extends RunRecordInput {
  agents?: RunSummary['agents'];
  drained: boolean;
  findings: Finding[];
  /** Each scope's loss breakdown and lost cells (run-session's accountLoss). */
  accounting: ReadonlyMap<string, ScopeAccounting>;
  abortedBy?: AbortedBy;
}

export function buildSummary(input: SummaryInput): RunSummary {
  const { plan, measurements: m } = input;
  const groups = m.scopes().map((scope): GroupResult => {
    const accounting = input.accounting.get(scope);
    const ledger = m.ledger.summarize(scope);
    return {
      ...ledger,
      lostExplained: accounting ? lostExplained(groupOfScope(scope), accounting.lostCells, input.findings) : 0,
      breakdown: accounting?.breakdown ?? emptyBreakdown(),
      ordering: accounting?.ordering ?? UNCHECKED_ORDERING,
    };
  });
  const sum = (pick: (g: ScopeSummary) => number) => groups.reduce((acc, g) => acc + pick(g), 0);
  const unique = sum((g) => g.unique);
  const duplicates = sum((g) => g.duplicates);
  const acked = m.ledger.totalAcked();
  const lastRow = m.rows[m.rows.length - 1];
  const judged = judgeRun({
    plan,
    measured: m,
    groups,
    findings: input.findings,
    crashes: input.crashes,
    faults: input.faults,
    ...(input.abortedBy ? { abortedBy: input.abortedBy } : {}),
  });
  return {
    schema: 'rmq-chaos/summary',
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    ...summaryHeader(input),
    phases: input.phases,
    overruns: phaseOverruns(plan, input.phases),
    producers: producerCounts(m, input.phases),
    groups,
    ...(Object.keys(m.pullErrors).length > 0 ? { pullErrors: m.pullErrors } : {}),
    totals: {
      acked,
      receipts: sum((g) => g.receipts),
      unique,
      duplicates,
      lost: sum((g) => g.lost),
      unexpected: sum((g) => g.unexpected),
      duplicateRate: unique === 0 ? 0 : duplicates / unique,
      drained: input.drained,
    },
    duplicateCauses: Object.fromEntries(m.attribution.counts),
    latency: { e2e: percentiles(m.e2eLatency), send: percentiles(m.sendLatency) },
    backlog: {
      finalLedger: lastRow?.backlogLedger ?? m.ledgerBacklog(),
      finalBroker: lastRow?.backlogBroker ?? null,
      brokerErrors: m.lastBrokerSample?.errors ?? [],
    },
    rebalance: {
      events: m.rebalance.events,
      assignmentLatency: latencyPercentiles(m.rebalance.events.map((e) => e.assignmentLatencyMs)),
      resumeLatency: latencyPercentiles(m.rebalance.events.map((e) => e.resumeLatencyMs)),
    },
    ...(m.rateSearch ? { rateSearch: m.rateSearch } : {}),
    ...(m.backlogDrain ? { backlogDrain: m.backlogDrain } : {}),
    ...(m.timers.tracking ? { timers: summarizeTimers(input) } : {}),
    ...(m.deadLetterScopes().length > 0
      ? { deadLetters: m.deadLetterResults(m.deadLetterDelayLevelsMs ?? delayLevelsOf(plan.cluster.brokerConfig)) }
      : {}),
    ...(m.ledger.hasTransactions
      ? {
          transactions: {
            ...m.ledger.halves(),
            rolledBackDelivered: sum((g) => g.rolledBackDelivered ?? 0),
            checkBacks: m.checkBacks.summary(),
          },
        }
      : {}),
    timeseries: m.rows,
    crashes: input.crashes,
    faults: input.faults,
    ...sendsAround(input),
    checks: judged.checks,
    invariants: judged.invariants,
    diagnoses: judged.diagnoses,
    ...(input.agents ? { agents: input.agents } : {}),
    ...(plan.cluster.ha !== 'none' || m.failover.faultCount > 0 ? { failover: m.failover.summary(input.endedAt) } : {}),
    expectedDiagnoses: judged.expectedDiagnoses,
    abortedBy: input.abortedBy ?? null,
    failures: judged.failures,
    verdict: judged.verdict,
  };
}

/** Sends before, during and after each fault that lasted; absent when none did. */
function sendsAround(input: SummaryInput): { sendsAroundFaults?: SendsAroundFault[] } {
  const lasted = input.faults.flatMap((f) =>
    f.observed.beginMs !== null && f.observed.endMs !== null
      ? [{ fault: f.fault, action: f.action, target: f.target, beginMs: f.observed.beginMs, endMs: f.observed.endMs }]
      : [],
  );
  const around = sendsAroundFaults(input.measurements.rows, lasted);
  return around.length > 0 ? { sendsAroundFaults: around } : {};
}

/** Timer lateness, with the messages pending across each fault that began. */
function summarizeTimers(input: SummaryInput): TimerSummary {
  const faults = input.faults
    .filter((f) => f.observed.beginMs !== null)
    .map((f) => ({ label: `${f.action} ${f.target}`, fromMs: f.observed.beginMs!, toMs: f.observed.endMs }));
  return input.measurements.timers.summarize(faults);
}

function emptyBreakdown(): ScopeBreakdown {
  return {
    byTopic: [],
    byTag: [],
    byQueue: [],
    byInstance: [],
    byWindow: [],
    heat: { bucketMs: 1000, columns: 0, queues: [] },
  };
}

function latencyPercentiles(values: (number | null)[]): Percentiles {
  const measured = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (measured.length === 0) return { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
  const at = (p: number) => measured[Math.min(measured.length - 1, Math.ceil((p / 100) * measured.length) - 1)]!;
  return {
    count: measured.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: measured[measured.length - 1]!,
    mean: Math.round((measured.reduce((a, b) => a + b, 0) / measured.length) * 10) / 10,
  };
}
