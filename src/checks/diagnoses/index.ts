/**
 * `diagnose` runs every rule over a run's (or doctor's) snapshots and measurements and
 * returns the findings, most severe first.
 */
import { DIAGNOSIS_IDS } from '../../plan/expectations-catalogue.ts';
import {
  DEFAULT_DIAGNOSIS_OPTIONS,
  type DiagnosisInput,
  type DiagnosisOptions,
  type DiagnosisRule,
  type Finding,
} from './diagnosis.ts';
import { explained } from './loss-claims.ts';
import { RULES } from './rules/index.ts';

export * from './diagnosis.ts';

export const DIAGNOSIS_RULES: DiagnosisRule[] = DIAGNOSIS_IDS.map((id) => RULES[id]);

export function diagnose(
  input: DiagnosisInput,
  options: Partial<DiagnosisOptions> & { skipRunRules?: boolean } = {},
): Finding[] {
  const settings: DiagnosisOptions = { ...DEFAULT_DIAGNOSIS_OPTIONS, ...options };
  const findings: Finding[] = [];
  for (const rule of DIAGNOSIS_RULES) {
    if (options.skipRunRules && rule.needsRun) continue;
    findings.push(...rule.evaluate(input, settings, findings));
  }
  for (const { group, cells } of input.run?.lost ?? []) {
    for (const finding of findings) {
      if (finding.group === group && finding.claims) finding.explains = explained(finding, cells);
    }
  }
  const rank = (f: Finding) => (f.severity === 'critical' ? 0 : 1);
  return findings.sort(
    (a, b) =>
      rank(a) - rank(b) || DIAGNOSIS_IDS.indexOf(a.id) - DIAGNOSIS_IDS.indexOf(b.id) || a.firstSeenAt - b.firstSeenAt,
  );
}
