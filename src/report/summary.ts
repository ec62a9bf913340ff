import type { StartedCluster } from '../cluster/provider.ts';
import { evaluateChecks, type CheckResult } from '../checks/evaluate.ts';
import type { Finding } from '../checks/diagnoses/index.ts';
import type { Comparison } from '../compare/compare.ts';
import {
  judgeDiagnoses,
  type DiagnosisExpectationResult,
  type ReportedFinding,
} from '../checks/diagnosis-expectations.ts';
import { evaluateInvariants, type InvariantResult } from '../checks/invariants.ts';
import type { AbortedBy } from '../run/threshold-abort.ts';
import { percentiles, type Percentiles } from '../metrics/histogram.ts';
import type { ScopeSummary } from '../metrics/ledger.ts';
import type { RebalanceEvent } from '../metrics/rebalance-tracker.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import type { Crash } from '../run/fleet-manager.ts';
import type { FaultRecord } from '../faults/scheduler.ts';
import type { Measurements, TimeSeriesRow } from '../run/measurements.ts';
import { ROCKETMQ_VERSION } from '../setup/versions.ts';

/** Bump on any incompatible change to the shape below; document it in the README. */
export const SUMMARY_SCHEMA_VERSION = 3;

export interface RunSummary {
  schema: 'rmq-chaos/summary';
  schemaVersion: number;
  run: {
    id: string;
    plan: string;
    description: string;
    planFile: string;
    seed: number;
    startedAt: string;
    endedAt: string;
    wallMs: number;
    rocketmqVersion: string;
  };
  cluster: {
    provider: string;
    startMs: number | null;
    namesrvAddr: string | null;
    brokers: { name: string; brokerId: number; addr: string }[];
    /** Provider containers: the image each role ran (e.g. {rocketmq: "apache/rocketmq:5.3.3", toxiproxy: ...}). */
    images?: Record<string, string>;
  };
  phases: Record<string, { startMs: number; durationMs: number }>;
  producers: {
    attempted: number;
    acked: number;
    sendErrors: Record<string, number>;
    dropped: number;
    ackedPerSecond: number;
  };
  groups: ScopeSummary[];
  totals: {
    acked: number;
    receipts: number;
    unique: number;
    duplicates: number;
    lost: number;
    unexpected: number;
    duplicateRate: number;
    drained: boolean;
  };
  /** Duplicates by cause: `retry` (the consumer asked), a membership/fault window label, or `none`. */
  duplicateCauses: Record<string, number>;
  latency: { e2e: Percentiles; send: Percentiles };
  backlog: {
    /** Ledger view at the last sample (acked minus unique receipts, over scopes). */
    finalLedger: number;
    /** Broker view at the last sample (clustering groups; null when never sampled). */
    finalBroker: number | null;
    brokerErrors: string[];
  };
  rebalance: { events: RebalanceEvent[]; assignmentLatency: Percentiles; resumeLatency: Percentiles };
  timeseries: TimeSeriesRow[];
  crashes: Crash[];
  /** Every fault occurrence: requested and observed begin/end (ms since the run started), detail, error. */
  faults: FaultRecord[];
  checks: CheckResult[];
  /** Built-in invariants (no loss, broadcast completeness, no unexpected ids) against what the plan expects of them. */
  invariants: InvariantResult[];
  /** Every diagnosis that fired, most severe first, marked expected or not. */
  diagnoses: ReportedFinding[];
  /** The plan's expect.diagnoses: did each fire? */
  expectedDiagnoses: DiagnosisExpectationResult[];
  /** Set when a threshold with abortOnFail ended the run early. */
  abortedBy: AbortedBy | null;
  /** Why the verdict is fail, one line each (empty on pass). */
  failures: string[];
  /** Set when the run was compared with a baseline (`run --baseline`): per-metric deltas and a verdict. */
  comparison?: Comparison;
  verdict: 'pass' | 'fail';
}

export interface SummaryInput {
  plan: ResolvedPlan;
  runId: string;
  startedAt: number;
  endedAt: number;
  cluster: StartedCluster | undefined;
  measurements: Measurements;
  drained: boolean;
  crashes: Crash[];
  faults: FaultRecord[];
  phases: Record<string, { startMs: number; durationMs: number }>;
  findings: Finding[];
  abortedBy?: AbortedBy;
}

export function buildSummary(input: SummaryInput): RunSummary {
  const { plan, measurements: m } = input;
  const groups = m.scopes().map((scope) => m.ledger.summarize(scope));
  const sum = (pick: (g: ScopeSummary) => number) => groups.reduce((acc, g) => acc + pick(g), 0);
  const unique = sum((g) => g.unique);
  const duplicates = sum((g) => g.duplicates);
  const acked = m.ledger.totalAcked();
  const lastRow = m.rows[m.rows.length - 1];
  const checks = evaluateChecks(plan, m, groups);
  const invariants = evaluateInvariants(plan, groups);
  const diagnoses = judgeDiagnoses(plan, input.findings);
  const failures = [
    ...checks
      .filter((c) => !c.ok)
      .map(
        (c) =>
          `threshold ${c.key}${c.instance ? ` [${c.instance}]` : ''} ${c.threshold} (observed ${c.observed ?? 'no data'})`,
      ),
    ...invariants
      .filter((i) => !i.ok)
      .map((i) =>
        i.expected === 'hold'
          ? `invariant ${i.id} violated: ${i.detail}`
          : `invariant ${i.id} held, but the plan expects it violated: ${i.detail}`,
      ),
    ...diagnoses.expectations
      .filter((e) => !e.fired)
      .map((e) => `expected diagnosis ${e.id}${e.group ? ` for group ${e.group}` : ''} did not fire`),
    ...(plan.expect.others === 'fail'
      ? diagnoses.findings
          .filter((f) => !f.expected)
          .map((f) => `unexpected diagnosis ${f.id} (${f.group}) with expect.others: fail`)
      : []),
    ...input.crashes.filter((c) => c.failsRun).map((c) => `crash: ${c.description}`),
    // A fault that could not be applied means the run did not test what the plan says.
    ...input.faults
      .filter((f) => f.error !== undefined)
      .map((f) => `fault ${f.action} ${f.target} could not be applied: ${f.error}`),
    ...(input.abortedBy
      ? [
          `aborted at ${(input.abortedBy.atMs / 1000).toFixed(1)}s by threshold ${input.abortedBy.key} ${input.abortedBy.threshold}`,
        ]
      : []),
  ];
  const verdict = failures.length === 0 ? 'pass' : 'fail';
  // Producers send through load, chaos and heal: rates are over that time.
  const loadSeconds = ['load', 'chaos', 'heal'].reduce((ms, p) => ms + (input.phases[p]?.durationMs ?? 0), 0) / 1000;
  return {
    schema: 'rmq-chaos/summary',
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    run: {
      id: input.runId,
      plan: plan.name,
      description: plan.description,
      planFile: plan.source.file,
      seed: plan.seed,
      startedAt: new Date(input.startedAt).toISOString(),
      endedAt: new Date(input.endedAt).toISOString(),
      wallMs: input.endedAt - input.startedAt,
      rocketmqVersion: ROCKETMQ_VERSION,
    },
    cluster: {
      provider: plan.cluster.provider,
      startMs: input.cluster ? Math.round(input.cluster.startMs) : null,
      namesrvAddr: input.cluster?.endpoints.namesrvAddr ?? null,
      brokers: input.cluster?.endpoints.brokers ?? [],
      ...(input.cluster?.images ? { images: { ...input.cluster.images } } : {}),
    },
    phases: input.phases,
    producers: {
      attempted: m.totalAttempted(),
      acked,
      sendErrors: m.sendErrors,
      dropped: m.dropped,
      ackedPerSecond: loadSeconds > 0 ? Math.round(acked / loadSeconds) : 0,
    },
    groups,
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
    timeseries: m.rows,
    crashes: input.crashes,
    faults: input.faults,
    checks,
    invariants,
    diagnoses: diagnoses.findings,
    expectedDiagnoses: diagnoses.expectations,
    abortedBy: input.abortedBy ?? null,
    failures,
    verdict,
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
