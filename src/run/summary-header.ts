/**
 * The parts of summary.json every run has, finished or aborted: what ran (run), on which
 * cluster, and what the producers sent. build-summary.ts and build-aborted-summary.ts share them.
 */
import type { StartedCluster } from '../cluster/provider.ts';
import type { FaultRecord } from '../faults/scheduler.ts';
import type { Crash } from '../fleet/crash.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import type { RunSummary } from '../result/run-summary.ts';
import type { Measurements } from './measurements.ts';

export interface HeaderInput {
  plan: ResolvedPlan;
  runId: string;
  startedAt: number;
  endedAt: number;
  /** Undefined when the cluster never came up. */
  cluster: StartedCluster | undefined;
}

/** What every summary, finished or aborted, is assembled from beyond its header. */
export interface RunRecordInput extends HeaderInput {
  measurements: Measurements;
  crashes: Crash[];
  faults: FaultRecord[];
  phases: Record<string, { startMs: number; durationMs: number }>;
}

export function summaryHeader(input: HeaderInput): Pick<RunSummary, 'run' | 'cluster'> {
  const { plan } = input;
  return {
    run: {
      id: input.runId,
      plan: plan.name,
      description: plan.description,
      planFile: plan.source.file,
      seed: plan.seed,
      startedAt: new Date(input.startedAt).toISOString(),
      endedAt: new Date(input.endedAt).toISOString(),
      wallMs: input.endedAt - input.startedAt,
      // An external cluster runs whatever it runs: "external" rather than a version we did not check.
      rocketmqVersion: plan.cluster.provider === 'external' ? 'external' : plan.cluster.version,
    },
    cluster: {
      provider: plan.cluster.provider,
      startMs: input.cluster ? Math.round(input.cluster.startMs) : null,
      namesrvAddr: input.cluster?.endpoints.namesrvAddr ?? null,
      brokers: input.cluster?.endpoints.brokers ?? [],
      ...(input.cluster?.images ? { images: { ...input.cluster.images } } : {}),
    },
  };
}

/** Sends, acks, errors and drops; the rate is over load, chaos and heal (the time producers send). */
export function producerCounts(m: Measurements, phases: RunSummary['phases']): RunSummary['producers'] {
  const acked = m.ledger.totalAcked();
  const loadSeconds = ['load', 'chaos', 'heal'].reduce((ms, p) => ms + (phases[p]?.durationMs ?? 0), 0) / 1000;
  return {
    attempted: m.totalAttempted(),
    acked,
    sendErrors: m.sendErrors,
    dropped: m.dropped,
    ackedPerSecond: loadSeconds > 0 ? Math.round(acked / loadSeconds) : 0,
  };
}
