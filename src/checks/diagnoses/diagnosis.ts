/**
 * A diagnosis names a RocketMQ consumer-group problem with its evidence and a remedy. Rules
 * read snapshots (observe/snapshot.ts) taken during a run or by `doctor`, plus, in a run,
 * what the harness measured (duplicates by disturbance window). Each rule is one module in
 * `rules/`, registered in `rules/index.ts`.
 */
import type { WindowDuplicates } from '../../metrics/duplicate-attribution.ts';
import type { RoleChange } from '../../metrics/failover-types.ts';
import type { HostLoss } from '../../metrics/host-losses.ts';
import type { LostCell } from '../../metrics/loss-breakdown.ts';
import type { ClusterSnapshot } from '../../observe/snapshot.ts';
import type { DiagnosisId } from '../../plan/expectations-catalogue.ts';

export type Severity = 'critical' | 'warning';

/** Evidence values are plain JSON so summary.json and `doctor --json` carry them as they are. */
export type EvidenceValue = string | number | boolean | null | EvidenceValue[] | { [key: string]: EvidenceValue };

/**
 * The messages a finding names as lost or stranded by the problem it describes: those of
 * `topic`, on `queues` (every queue of the topic when absent), whose tag is not in
 * `exceptTags` (every tag when absent; '' is "no tag") and, with `offsetReused`, only those
 * whose queue offset another acked message got, with `withHost`, only those consumed on that
 * lost host. A run matches the ledger's lost
 * messages against them to say how much of the loss each finding explains.
 */
export interface LossClaim {
  topic: string;
  queues?: string[];
  exceptTags?: string[];
  /** Only messages whose queue offset another acked message was given (a truncated commit log). */
  offsetReused?: boolean;
  /** Only messages consumed on this lost host, their receipts dying with it (metrics/host-losses.ts). */
  withHost?: string;
}

/** How much of its group's measured loss a finding accounts for (runs only). */
export interface LossExplained {
  /** Lost messages of the group that the finding's claims cover. */
  lost: number;
  /** Everything the group lost. */
  of: number;
  /** The covered lost messages per queue, beside the queue lags in the evidence. */
  byQueue: Record<string, number>;
}

export interface Finding {
  id: DiagnosisId;
  severity: Severity;
  /** The consumer group it is about (every rule is about one group). */
  group: string;
  /** One line: what is wrong, with the names and numbers that matter. */
  summary: string;
  /** The facts behind it: instances, brokers, queues, expressions, numbers. */
  evidence: { [key: string]: EvidenceValue };
  /** One line: what an operator does about it. */
  remedy: string;
  /** First and last snapshot (or measurement) that showed it, epoch ms. */
  firstSeenAt: number;
  lastSeenAt: number;
  /** What the finding blames for loss (rules about loss or stranded queues set it). */
  claims?: LossClaim[];
  /** In runs, for findings with claims: how much of the measured loss they explain. */
  explains?: LossExplained;
}

export interface DiagnosisInput {
  /** In time order. */
  snapshots: ClusterSnapshot[];
  /** Present in runs: what only the harness measures. */
  run?: {
    /** Duplicates per group and disturbance window (label `none` outside any), as the run attributed them. */
    duplicates: WindowDuplicates[];
    /** Unique receipts per group, for duplicate rates. */
    uniqueByGroup: Record<string, number>;
    /** The ledger's lost messages per group, by queue, tag, holder and window (for unexplained-loss). */
    lost?: { group: string; cells: LostCell[] }[];
    /** When the loss was accounted (the run's end), epoch ms: when a loss finding is "seen". */
    accountedAt?: number;
    /** When the run started, epoch ms: findings give times on the run clock. */
    startedAt?: number;
    /** Who was master of each broker name when (epoch ms), where the run watched roles. */
    roleChanges?: readonly RoleChange[];
    /** Hosts (agents) lost mid-run, per group, with where the group resumed their queues. */
    hostLosses?: readonly HostLoss[];
  };
}

export interface DiagnosisOptions {
  /** A condition must hold this long (across snapshots) to count; transient rebalances do not. */
  persistMs: number;
  /** backlog-growth: lag must rise for at least this long. */
  growthSpanMs: number;
  /** backlog-growth: and by at least this many messages. */
  growthMin: number;
  /**
   * duplicate-burst: this many duplicates in one window at least. A stray duplicate when a
   * queue moves between two live members (a message in flight as its queue is handed over)
   * is at-least-once delivery working; a burst is the uncommitted progress of a lost member.
   */
  burstMin: number;
}

export const DEFAULT_DIAGNOSIS_OPTIONS: DiagnosisOptions = {
  persistMs: 8_000,
  growthSpanMs: 15_000,
  growthMin: 50,
  burstMin: 10,
};

export interface DiagnosisRule {
  id: DiagnosisId;
  severity: Severity;
  /** What it detects, for `--help`, the README and reports. */
  description: string;
  /** True when the rule needs run measurements (doctor skips it). */
  needsRun: boolean;
  /** `earlier`: what the rules before this one found (the rule order is DIAGNOSIS_IDS). */
  evaluate(input: DiagnosisInput, options: DiagnosisOptions, earlier: readonly Finding[]): Finding[];
}
