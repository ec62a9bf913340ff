/**
 * The `expect:` section against the rest of the plan: an expected diagnosis names a consumer
 * group the plan has, and no diagnosis is expected twice for the same group (or twice for any
 * group). Entries whose id the schema rejects are left to its message.
 */
import { isDiagnosisId } from './expectations-catalogue.ts';
import { planFleets, unknownName } from './cross-check-thresholds.ts';
import { items, record, type Raw } from './raw.ts';
import { GROUP_NAME } from './schema-names.ts';
import type { PendingIssue } from './zod-issues.ts';

export function checkExpect(plan: Raw, issues: PendingIssue[]): void {
  const diagnoses = record(plan.expect)?.diagnoses;
  if (!Array.isArray(diagnoses)) return;
  const fleets = planFleets(plan);
  const seen = new Map<string, number>();
  items(diagnoses).forEach((raw, i) => {
    const entry = record(raw);
    const id = entry ? entry.id : raw;
    if (!isDiagnosisId(id)) return;
    const group = entry?.group;
    // A group the schema rejects (not a string, not a group name) is its message alone.
    if (group !== undefined && !(typeof group === 'string' && GROUP_NAME.test(group))) return;
    if (group !== undefined && fleets && !fleets.groups.includes(group)) {
      issues.push({
        path: ['expect', 'diagnoses', i, 'group'],
        anchor: 'value',
        message: unknownName('group', group, fleets.groups),
      });
    }
    const key = `${id}\u0000${group ?? ''}`;
    const first = seen.get(key);
    if (first === undefined) return void seen.set(key, i);
    const about = group === undefined ? '(any group)' : `about group ${JSON.stringify(group)}`;
    issues.push({
      path: ['expect', 'diagnoses', i],
      anchor: 'value',
      message: `diagnosis ${JSON.stringify(id)} ${about} is already expected at expect.diagnoses[${first}]`,
    });
  });
}
