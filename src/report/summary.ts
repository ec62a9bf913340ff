import type { StartedCluster } from '../cluster/provider.ts';
import { evaluateThresholds, type CheckResult } from '../checks/evaluate.ts';
import type { ObservedMetrics } from '../checks/observed-metrics.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import type { ScopeSummary } from '../metrics/ledger.ts';
import { ROCKETMQ_VERSION } from '../setup/versions.ts';
import type { Measurements } from '../run/measurements.ts';

/** Bump on any incompatible change to the shape below; document it in the README. */
export const SUMMARY_SCHEMA_VERSION = 1;

export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  mean: number | null;
}

export interface RunSummary {
  schema: 'rmq-chaos/summary';
  schemaVersion: number;
  run: { id: string; plan: string; description: string; planFile: string; seed: number; startedAt: string; endedAt: string; wallMs: number; rocketmqVersion: string };
  cluster: { provider: string; startMs: number | null; namesrvAddr: string | null; brokers: { name: string; brokerId: number; addr: string }[] };
  phases: Record<string, { startMs: number; durationMs: number }>;
  producers: { attempted: number; acked: number; sendErrors: Record<string, number>; dropped: number };
  groups: ScopeSummary[];
  totals: { acked: number; receipts: number; unique: number; duplicates: number; lost: number; unexpected: number; duplicateRate: number; drained: boolean };
  latency: { e2e: LatencySummary };
  backlog: { ledger: { at: number; value: number }[] };
  crashes: string[];
  checks: CheckResult[];
  verdict: 'pass' | 'fail';
}

export interface SummaryInput {
  plan: ResolvedPlan;
  runId: string;
  startedAt: number;
  endedAt: number;
  cluster: StartedCluster | undefined;
  measurements: Measurements;
  backlogSamples: { at: number; ledger: number }[];
  drained: boolean;
  crashes: string[];
  phaseTimes: Record<string, { start: number; end?: number }>;
}

export function buildSummary(input: SummaryInput): RunSummary {
  const { plan, measurements: m } = input;
  const groups = m.scopes().map((scope) => m.ledger.summarize(scope));
  const sum = (pick: (g: ScopeSummary) => number) => groups.reduce((acc, g) => acc + pick(g), 0);
  const unique = sum((g) => g.unique);
  const duplicates = sum((g) => g.duplicates);
  const lost = sum((g) => g.lost);
  const acked = m.ledger.totalAcked();
  const loadSeconds = plan.phases.loadMs / 1000;
  const observed: ObservedMetrics = {
    loss: { kind: 'counter', total: lost, seconds: loadSeconds },
    duplicates: { kind: 'counter', total: duplicates, seconds: loadSeconds },
    unexpected: { kind: 'counter', total: sum((g) => g.unexpected), seconds: loadSeconds },
    sent: { kind: 'counter', total: acked, seconds: loadSeconds },
    received: { kind: 'counter', total: sum((g) => g.receipts), seconds: loadSeconds },
    send_errors: { kind: 'counter', total: m.totalSendErrors(), seconds: loadSeconds },
    duplicate_rate: { kind: 'rate', value: unique === 0 ? 0 : duplicates / unique },
    loss_rate: { kind: 'rate', value: acked === 0 ? 0 : lost / acked },
    e2e_latency: { kind: 'trend', histogram: m.e2eLatency },
    backlog: { kind: 'gauge', samples: input.backlogSamples.map((s) => s.ledger) },
  };
  const checks = evaluateThresholds(plan.thresholds, observed);
  // Invariant, whatever the thresholds say: a clustering group at least once loses nothing
  // once drained; a crash of a fleet process the plan did not ask for is a failure too.
  const verdict = checks.every((c) => c.ok) && input.crashes.length === 0 ? 'pass' : 'fail';
  const h = m.e2eLatency;
  const pct = (p: number) => (h.totalCount === 0 ? null : h.getValueAtPercentile(p));
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
    },
    phases: Object.fromEntries(
      Object.entries(input.phaseTimes).map(([name, t]) => [name, { startMs: t.start - input.startedAt, durationMs: (t.end ?? input.endedAt) - t.start }]),
    ),
    producers: { attempted: m.totalAttempted(), acked, sendErrors: m.sendErrors, dropped: m.dropped },
    groups,
    totals: { acked, receipts: sum((g) => g.receipts), unique, duplicates, lost, unexpected: sum((g) => g.unexpected), duplicateRate: unique === 0 ? 0 : duplicates / unique, drained: input.drained },
    latency: { e2e: { count: h.totalCount, p50: pct(50), p90: pct(90), p99: pct(99), p999: pct(99.9), max: h.totalCount ? h.maxValue : null, mean: h.totalCount ? Math.round(h.mean * 10) / 10 : null } },
    backlog: { ledger: input.backlogSamples.map((s) => ({ at: s.at, value: s.ledger })) },
    crashes: input.crashes,
    checks,
    verdict,
  };
}
