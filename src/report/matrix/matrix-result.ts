/**
 * What `rmq-chaos matrix` found: one row per combination of server version and HA mode, either
 * skipped before anything ran (the plan does not validate with it), run (with the headline
 * numbers of its summary.json), or not run because the matrix was stopped first. matrix.json
 * holds this as is; the page, matrix.md and the console table are views of it.
 */
import type { FailoverSummary } from '../../metrics/failover-types.ts';
import type { SummaryFile } from '../../result/run-summary.ts';

export const MATRIX_SCHEMA_VERSION = 1;

/**
 * A recovery time: ms, `never` when the fault's effect outlasted the run (a null in the
 * summary), null when nothing was measured (no failover section, or no fault on a broker).
 */
export type Rto = number | 'never' | null;

interface RowBase {
  /** `4.9.7 × master-slave`. */
  combination: string;
  /** The server version and HA mode of the combination (the plan's own when the axis was not given). */
  version: string | null;
  ha: string | null;
}

export interface SkippedRow extends RowBase {
  status: 'skipped';
  /** The validation problems, one line each, as `rmq-chaos validate` prints them. */
  reason: string[];
}

export interface NotRunRow extends RowBase {
  status: 'not-run';
  /** Why its turn never came (`stopped by SIGINT`). */
  reason: string;
}

export interface RanRow extends RowBase {
  status: 'ran';
  /** The summary's verdict, or `error` when the run exited without a readable summary. */
  verdict: 'pass' | 'fail' | 'aborted' | 'error';
  /** Fails the matrix: a verdict other than pass, or a non-zero exit. */
  failed: boolean;
  exitCode: number | null;
  /** One line on why it failed (first failure, abort reason, exit); null when it passed. */
  why: string | null;
  lost: number | null;
  duplicates: number | null;
  /** Worst send RTO over the failover section's faults. */
  sendRtoMs: Rto;
  /** Worst consume RTO over every fault and group. */
  consumeRtoMs: Rto;
  e2eP99Ms: number | null;
  /** The ids of the diagnoses that fired, each once. */
  diagnoses: string[];
  /** The run's folder and its page, relative to the matrix folder (null when the run made none). */
  runDir: string | null;
  report: string | null;
}

export type MatrixRow = SkippedRow | NotRunRow | RanRow;

export interface MatrixResult {
  schema: 'rmq-chaos/matrix';
  schemaVersion: number;
  plan: string;
  planFile: string;
  /** The --set overrides every combination ran with (besides its version and HA mode). */
  sets: string[];
  startedAt: string;
  endedAt: string;
  /** fail when any combination that ran failed; stopped when a signal ended the matrix early. */
  verdict: 'pass' | 'fail' | 'stopped';
  rows: MatrixRow[];
}

/** What the matrix knows of one finished child run. */
export interface RunOutcome {
  exitCode: number | null;
  /** The summary it wrote, when it wrote a readable one. */
  summary: SummaryFile | undefined;
  /** Why the summary is missing or unreadable, or the child's own error line. */
  problem: string | undefined;
  runDir: string | null;
  report: string | null;
}

/** The worst of several recovery times: a null among them (never recovered) is worse than any number. */
export function worstRto(values: readonly (number | null)[]): Rto {
  if (values.length === 0) return null;
  if (values.some((v) => v === null)) return 'never';
  return Math.max(...(values as number[]));
}

export function failoverRtos(failover: FailoverSummary | undefined): { send: Rto; consume: Rto } {
  const faults = failover?.faults ?? [];
  return {
    send: worstRto(faults.map((f) => f.sendRtoMs)),
    consume: worstRto(faults.flatMap((f) => Object.values(f.consumeRtoMs))),
  };
}

export function ranRow(base: RowBase, outcome: RunOutcome): RanRow {
  const s = outcome.summary;
  const paths = { runDir: outcome.runDir, report: outcome.report, exitCode: outcome.exitCode };
  const exited = outcome.exitCode === 0 ? null : `exited ${outcome.exitCode ?? 'on a signal'}`;
  if (!s) {
    const why = [exited, outcome.problem].filter(Boolean).join(': ') || 'no summary.json';
    return { ...base, status: 'ran', verdict: 'error', failed: true, why, ...EMPTY, diagnoses: [], ...paths };
  }
  if (s.verdict === 'aborted') {
    const e2e = s.latency.e2e.count > 0 ? s.latency.e2e.p99 : null;
    const why = `aborted in ${s.aborted.phase}: ${s.aborted.reason}`;
    return {
      ...base,
      status: 'ran',
      verdict: 'aborted',
      failed: true,
      why,
      ...EMPTY,
      diagnoses: [],
      e2eP99Ms: e2e,
      ...paths,
    };
  }
  const rto = failoverRtos(s.failover);
  const failed = s.verdict !== 'pass' || outcome.exitCode !== 0;
  const firstFailure =
    s.failures.length === 0
      ? null
      : `${s.failures[0]}${s.failures.length > 1 ? ` (and ${s.failures.length - 1} more)` : ''}`;
  return {
    ...base,
    status: 'ran',
    verdict: s.verdict,
    failed,
    // A pass that exited non-zero (a report it could not write) says so rather than nothing.
    why: failed ? (firstFailure ?? exited ?? outcome.problem ?? null) : null,
    lost: s.totals.lost,
    duplicates: s.totals.duplicates,
    sendRtoMs: rto.send,
    consumeRtoMs: rto.consume,
    e2eP99Ms: s.latency.e2e.count > 0 ? s.latency.e2e.p99 : null,
    diagnoses: [...new Set(s.diagnoses.map((d) => d.id))],
    ...paths,
  };
}

/** A run without a judged summary measured none of these (an aborted run's counts are not loss). */
const EMPTY: Pick<RanRow, 'lost' | 'duplicates' | 'sendRtoMs' | 'consumeRtoMs' | 'e2eP99Ms' | 'diagnoses'> = {
  lost: null,
  duplicates: null,
  sendRtoMs: null,
  consumeRtoMs: null,
  e2eP99Ms: null,
  diagnoses: [],
};

export function matrixVerdict(rows: readonly MatrixRow[], stopped: boolean): MatrixResult['verdict'] {
  if (stopped) return 'stopped';
  return rows.some((r) => r.status === 'ran' && r.failed) ? 'fail' : 'pass';
}
