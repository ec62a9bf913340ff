/**
 * The plan as the run ran it, kept in the run folder as `plan.yaml`: the plan file can change
 * or vanish after the run, and `--set` overrides live only on a command line, so a run that
 * is to be repeated (or shrunk, `rmq-chaos shrink`) needs its own copy. It is the plan's text
 * with the overrides written in, under a comment that says where it came from; `rmq-chaos run
 * <run>/plan.yaml` runs it again.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';

export const PLAN_COPY_FILE = 'plan.yaml';

const HEADER = '# The plan as this run ran it: ';

/** The plan.yaml text without the header line this module wrote: the plan itself, for a plan made from it. */
export function planOfCopy(text: string): string {
  return text.startsWith(HEADER) ? text.slice(text.indexOf('\n') + 1) : text;
}

/** Writes `<reportDir>/plan.yaml`; false when the plan has no YAML text (built in code, not loaded). */
export function writePlanCopy(plan: ResolvedPlan, reportDir: string): boolean {
  const { text, file, sets } = plan.source;
  if (text === undefined) return false;
  // The sets as the plan keeps them: a secret's value already hidden (plan-secrets.ts).
  const overrides = sets.length > 0 ? ` with --set ${sets.join(' --set ')}` : '';
  writeFileSync(join(reportDir, PLAN_COPY_FILE), `${HEADER}${file}${overrides}\n${text}`);
  return true;
}
