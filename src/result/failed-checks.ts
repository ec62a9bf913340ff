/**
 * What a failed run failed, as ids that stay the same from one run to the next: the verdict's
 * failure lines carry observed numbers (`threshold duplicates count==0 (observed 41)`), which
 * differ between two runs that fail the same way. `rmq-chaos shrink` compares these ids to
 * decide whether a smaller plan "still fails the same check".
 *
 * - `threshold:<key>` (`threshold:received{group:g,instance:each}[g#1]` for one instance)
 * - `invariant:<id>` (violated, or held where the plan expects it violated)
 * - `diagnosis:<id>@<group>` an expected diagnosis that did not fire
 * - `unexpected:<id>@<group>` a diagnosis that fired with `expect.others: fail`
 * - `crash:<worker>` a crash the plan does not allow
 * - `fault:<action> <target>` a fault that could not be applied
 *
 * A comparison with a baseline (`run --baseline`) is not a check of the run itself and has no id.
 */
import type { RunSummary } from './run-summary.ts';

export function failedCheckIds(summary: RunSummary): string[] {
  const unexpected = summary.diagnoses
    .filter((d) => !d.expected)
    .filter((d) => summary.failures.some((line) => line.startsWith(`unexpected diagnosis ${d.id} (${d.group})`)))
    .map((d) => `unexpected:${d.id}@${d.group}`);
  const ids = [
    ...summary.checks.filter((c) => !c.ok).map((c) => `threshold:${c.key}${c.instance ? `[${c.instance}]` : ''}`),
    ...summary.invariants.filter((i) => !i.ok).map((i) => `invariant:${i.id}`),
    ...summary.expectedDiagnoses.filter((e) => !e.fired).map((e) => `diagnosis:${e.id}@${e.group ?? '*'}`),
    ...unexpected,
    ...summary.crashes.filter((c) => c.failsRun).map((c) => `crash:${c.worker}`),
    ...summary.faults.filter((f) => f.error !== undefined).map((f) => `fault:${f.action} ${f.target}`),
  ];
  // One id per check: a fault that failed on several occurrences, a diagnosis on several windows.
  return [...new Set(ids)];
}
