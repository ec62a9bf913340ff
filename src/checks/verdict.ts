/**
 * The verdict of a run, in one place: thresholds, invariants, expected diagnoses, crashes the
 * plan does not allow, faults that could not be applied, an abortOnFail threshold, and (after
 * `run --baseline`) regressions. Each failure is one line; any failure fails the run (exit 99).
 * Reports only print what this decided.
 */
import type { Crash } from '../fleet/crash.ts';

import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import type { Finding } from './diagnoses/index.ts';
import { type DiagnosisExpectationResult, judgeDiagnoses, type ReportedFinding } from './diagnosis-expectations.ts';
import { type CheckResult, evaluateChecks, type JudgedScope } from './evaluate.ts';
import { evaluateInvariants, type InvariantResult } from './invariants.ts';
import type { MeasuredRun } from './measured-run.ts';
import { formatObserved } from './observed-text.ts';
import type { AbortedBy } from './threshold-abort.ts';

export type VerdictValue = 'pass' | 'fail';

/** A fault occurrence as the verdict sees it: it failed when it could not be applied. */
export interface AppliedFault {
  action: string;
  target: string;
  error?: string;
}

export interface VerdictInput {
  plan: ResolvedPlan;
  measured: MeasuredRun;
  /** The ledger's summary per scope (group, or group/instance in broadcasting). */
  groups: readonly JudgedScope[];
  findings: readonly Finding[];
  crashes: readonly Crash[];
  faults: readonly AppliedFault[];
  abortedBy?: AbortedBy;
}

export interface RunVerdict {
  checks: CheckResult[];
  invariants: InvariantResult[];
  diagnoses: ReportedFinding[];
  expectedDiagnoses: DiagnosisExpectationResult[];
  /** Why the verdict is fail, one line each (empty on pass). */
  failures: string[];
  verdict: VerdictValue;
}

export function judgeRun(input: VerdictInput): RunVerdict {
  const { plan } = input;
  const checks = evaluateChecks(plan, input.measured, [...input.groups]);
  const invariants = evaluateInvariants(plan, input.groups);
  const diagnoses = judgeDiagnoses(plan, input.findings);
  const failures = [
    ...checks
      .filter((c) => !c.ok)
      .map(
        (c) =>
          `threshold ${c.key}${c.instance ? ` [${c.instance}]` : ''} ${c.threshold} (observed ` +
          `${formatObserved(c)})`,
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
          `aborted at ${(input.abortedBy.atMs / 1000).toFixed(1)}s by threshold ${input.abortedBy.key} ` +
            `${input.abortedBy.threshold}`,
        ]
      : []),
  ];
  return {
    checks,
    invariants,
    diagnoses: diagnoses.findings,
    expectedDiagnoses: diagnoses.expectations,
    failures,
    verdict: verdictOf(failures),
  };
}

/**
 * The verdict once a run was compared with a baseline: each regressed metric is one more
 * failure, so `run --baseline` exits 99 on a regression through the same path as a failed check.
 */
export function withRegressions(
  verdict: Pick<RunVerdict, 'failures'>,
  baselineRunId: string,
  regressions: readonly string[],
): Pick<RunVerdict, 'failures' | 'verdict'> {
  const failures = [
    ...verdict.failures,
    ...regressions.map((r) => `regression against baseline ${baselineRunId}: ${r}`),
  ];
  return { failures, verdict: verdictOf(failures) };
}

function verdictOf(failures: readonly string[]): VerdictValue {
  return failures.length === 0 ? 'pass' : 'fail';
}
