/**
 * The typed result of a run: what summary.json holds (SummaryFile), either a run that reached
 * its verdict (RunSummary) or one stopped before (AbortedRunSummary). The CI regression job,
 * `compare`, the reports and users' own scripts read it; `plans/summary.schema.json` is
 * generated from SummaryFile (npm run schema), and a test validates real runs' summaries against it.
 */
import type { DiagnosisExpectationResult, ReportedFinding } from '../checks/diagnosis-expectations.ts';
import type { CheckResult } from '../checks/evaluate.ts';
import type { InvariantResult } from '../checks/invariants.ts';
import type { AbortedBy } from '../checks/threshold-abort.ts';
import type { FaultRecord } from '../faults/scheduler.ts';
import type { SendsAroundFault } from '../metrics/sends-around-faults.ts';
import type { Crash } from '../fleet/crash.ts';
import type { FailoverSummary } from '../metrics/failover-types.ts';
import type { Percentiles } from '../metrics/histogram.ts';
import type { BacklogDrainResult } from '../metrics/backlog-drain.ts';
import type { CheckBackSummary } from '../metrics/check-backs.ts';
import type { RateSearchResult } from '../metrics/rate-search.ts';
import type { ScopeSummary } from '../metrics/ledger.ts';
import type { ScopeBreakdown } from '../metrics/loss-breakdown.ts';
import type { OrderingResult } from '../metrics/ordering.ts';
import type { RebalanceEvent } from '../metrics/rebalance-tracker.ts';
import type { TimeSeriesRow } from '../metrics/time-series-row.ts';
import type { TimerSummary } from '../metrics/timer-lateness.ts';
import type { ReleaseReport } from '../runtime/run-resources.ts';
import type { AgentReport } from '../agents/agent-pool.ts';
import type { Comparison } from './comparison.ts';
import type { DeadLetterReadBack } from '../metrics/dead-letters.ts';
import type { RetryTimelineResult } from '../metrics/retry-timeline.ts';

/**
 * A group with `deadLetter`: what reading `%DLQ%<group>` back found (null: the run ended before
 * it was read) and the retry timeline of its poison messages. The ledger's counts (expected,
 * dead-lettered, missing, unexpected) are the group's `deadLetters` in `groups[]`.
 */
export interface DeadLetterResult {
  group: string;
  maxReconsumeTimes: number;
  readBack: DeadLetterReadBack | null;
  timeline: RetryTimelineResult;
}

/** Bump on any incompatible change to the shape below; document it in the README. */
export const SUMMARY_SCHEMA_VERSION = 8;

/** What a summary.json holds; `verdict` tells which. */
export type SummaryFile = RunSummary | AbortedRunSummary;

/** A run that measured to its end (or to an abortOnFail threshold) and was judged: verdict pass or fail. */
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
    /** The server version rmq-chaos started, or `external` for a cluster it did not start. */
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
  /**
   * Planned phases that ran more than a second past their length, with the reason (warnings: the
   * verdict does not count them). Absent in summaries written before it existed.
   */
  overruns?: PhaseOverrun[];
  producers: {
    attempted: number;
    acked: number;
    sendErrors: Record<string, number>;
    dropped: number;
    ackedPerSecond: number;
  };
  groups: GroupResult[];
  /**
   * Consumers' failed pulls (the client pulls again later) by group, then by reason
   * (`broker:NO_PERMISSION(16)`, `timeout`, ...); absent when none failed or the workers do
   * not report them (the Java worker does not).
   */
  pullErrors?: Record<string, Record<string, number>>;
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
  /**
   * Fleets on agents (absent for a single-host run): each agent's instances, clock offset and
   * whether it was lost; `e2eClockErrorMs` bounds how far cross-host latency figures may be off
   * (the worst consumer host's clock bound plus the worst producer host's).
   */
  agents?: { hosts: AgentReport[]; e2eClockErrorMs: number };
  backlog: {
    /** Ledger view at the last sample (acked minus unique receipts, over scopes). */
    finalLedger: number;
    /** Broker view at the last sample (clustering groups; null when never sampled). */
    finalBroker: number | null;
    brokerErrors: string[];
  };
  rebalance: { events: RebalanceEvent[]; assignmentLatency: Percentiles; resumeLatency: Percentiles };
  /**
   * `rate: max`: the highest rate the search measured sustainable and the curve, each step with
   * its rate offered and achieved, send and e2e p99, backlog slope and verdict. Absent without a search.
   */
  rateSearch?: RateSearchResult;
  /** `backlog: {build, then: drain}`: the build and the drain's time and rate. Absent without a backlog. */
  backlogDrain?: BacklogDrainResult;
  /**
   * Delayed messages (`delay` on a producer fleet): lateness (first receipt − requested delivery
   * time) per delay kind and overall, early deliveries, lateness by requested delivery second,
   * and the messages pending across each fault. Absent when no fleet delays messages.
   */
  timers?: TimerSummary;
  /** Groups with `deadLetter`: the DLQ read back and the retry timeline. Absent when no group has one. */
  deadLetters?: DeadLetterResult[];
  /** Transactional producers: their halves and how they ended, and the broker's check-backs. Absent without. */
  transactions?: TransactionSummary;
  timeseries: TimeSeriesRow[];
  crashes: Crash[];
  /** Every fault occurrence: requested and observed begin/end (ms since the run started), detail, error. */
  faults: FaultRecord[];
  /**
   * Per fault that lasted: acks, send errors and send latency in the fault's length before it,
   * while it lasted and after it (how a slowdown and its recovery show). Absent when none lasted.
   */
  sendsAroundFaults?: SendsAroundFault[];
  checks: CheckResult[];
  /** Built-in invariants (no loss, broadcast completeness, no unexpected ids) against what the plan expects of them. */
  invariants: InvariantResult[];
  /** Every diagnosis that fired, most severe first, marked expected or not. */
  diagnoses: ReportedFinding[];
  /**
   * Master switches: the role timeline and, per fault on a broker, election and recovery times.
   * Absent when the run had no replicas to watch.
   */
  failover?: FailoverSummary;
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

/**
 * Transactional messages. A half counts once the broker stored it (its ack, or a check-back
 * about it); which end committed or rolled back follows from the plan (fleet/transaction-choice.ts).
 */
export interface TransactionSummary {
  /** Stored halves that end committed: the ledger expects each delivered (they are in `acked`). */
  committed: number;
  /** Stored halves that end rolled back: never to be delivered. */
  rolledBack: number;
  /** Distinct rolled-back messages received, over every group and broadcasting instance (must be 0). */
  rolledBackDelivered: number;
  checkBacks: CheckBackSummary;
}

/** One ledger scope (a clustering group, or one broadcasting instance): the ledger's counts and where they fell. */
export interface GroupResult extends ScopeSummary {
  /**
   * Lost messages that some finding of the group accounts for (its claims cover them); equal
   * to `lost` when every loss is explained, else an `unexplained-loss` finding lists the rest.
   */
  lostExplained: number;
  /** Loss and duplicates by topic, tag, queue, instance and window, with ids per cell and a heat strip. */
  breakdown: ScopeBreakdown;
  /** Whether ordered producers' keys arrived in send order (`checked` false when no ordered producer feeds it). */
  ordering: OrderingResult;
}

/** A phase that took longer than the plan says. */
export interface PhaseOverrun {
  phase: string;
  plannedMs: number;
  actualMs: number;
  /** Why that phase can run long (what the run was waiting for). */
  reason: string;
}

/**
 * A run stopped before its verdict: a signal (Ctrl-C), a cluster that did not start, a
 * worker that did not start, an external cluster that cannot be reached, any error. It says
 * why, where and what was cleaned up, and carries the counts it had so far (zero when it
 * stopped before load). Nothing was judged: no checks, invariants, diagnoses or failures, and
 * no loss, backlog or drain figures, which only mean something after an orderly drain.
 */
export interface AbortedRunSummary {
  schema: 'rmq-chaos/summary';
  schemaVersion: number;
  run: RunSummary['run'];
  /** startMs and namesrvAddr are null and brokers empty when the cluster never came up. */
  cluster: RunSummary['cluster'];
  /** The phases it entered; the last one ends when it stopped. */
  phases: RunSummary['phases'];
  aborted: RunAbort;
  /** Sends so far (ackedPerSecond over the load time so far). */
  producers: RunSummary['producers'];
  /** Acks and receipts so far. */
  totals: { acked: number; receipts: number };
  latency: RunSummary['latency'];
  /** The samples taken before it stopped. */
  timeseries: TimeSeriesRow[];
  crashes: Crash[];
  faults: FaultRecord[];
  verdict: 'aborted';
}

/** Why and where a run stopped early, and what its resource owner released. */
export interface RunAbort {
  /** One line: what stopped it (`run aborted (SIGINT)`, `the name server lists no broker after 90000 ms`). */
  reason: string;
  /**
   * The typed error's code: `signal` (the user stopped it), `readiness-timeout`,
   * `process-exited`, `external-unreachable`, ...; `internal` for an error without one (a bug).
   */
  kind: string;
  /** The signal, when the user stopped the run. */
  signal?: string;
  /** How to fix it, when the error says. */
  hint?: string;
  /** The error's further lines (a process's last output), when it has some. */
  detail?: string[];
  /** The phase it was in: `cluster` (the cluster starting, topics created), `warmup`, `load`, ... */
  phase: string;
  /** Ms from the run's start to when it stopped. */
  atMs: number;
  /** What was released: cleanup steps, processes with their pids and exits, the work folder. */
  cleanup: ReleaseReport;
}
