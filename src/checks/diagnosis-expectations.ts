/**
 * A plan's `expect.diagnoses` against what fired: each expected diagnosis must fire (for its
 * group, when it names one); a finding nobody expected is reported, and fails the run only
 * with `expect.others: fail` (how a counterpart plan proves its fix leaves nothing to find).
 */
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import type { DiagnosisId } from '../plan/expectations-catalogue.ts';
import type { Finding } from './diagnoses/index.ts';

export interface DiagnosisExpectationResult {
  id: DiagnosisId;
  group?: string;
  fired: boolean;
}

export interface ReportedFinding extends Finding {
  /** The plan expected it (listed under expect.diagnoses). */
  expected: boolean;
}

export interface DiagnosisVerdict {
  expectations: DiagnosisExpectationResult[];
  findings: ReportedFinding[];
  /** Expected diagnoses all fired, and no unexpected one fired where the plan says `others: fail`. */
  ok: boolean;
}

export function judgeDiagnoses(plan: ResolvedPlan, findings: readonly Finding[]): DiagnosisVerdict {
  const matches = (f: Finding, e: { id: DiagnosisId; group?: string }) =>
    f.id === e.id && (e.group === undefined || f.group === e.group);
  const expectations = plan.expect.diagnoses.map((e) => ({ ...e, fired: findings.some((f) => matches(f, e)) }));
  const reported = findings.map((f) => ({ ...f, expected: plan.expect.diagnoses.some((e) => matches(f, e)) }));
  const ok = expectations.every((e) => e.fired) && (plan.expect.others !== 'fail' || reported.every((f) => f.expected));
  return { expectations, findings: reported, ok };
}
