import type { ScopeExpectation } from '../metrics/ledger.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';

/**
 * What a consumer group is meant to receive: from every producer instance whose topic the
 * group subscribes to, all messages (`*`) or those with the tags its expressions name. The
 * group's intent is the union over its instances: when instances disagree (the seed's
 * problems 1 and 2), what the narrower ones miss shows as loss, which is the symptom.
 */
export function groupExpectation(plan: ResolvedPlan, group: string): ScopeExpectation {
  const byTopic = new Map<string, '*' | Set<string>>();
  for (const fleet of plan.fleets.consumers.filter((f) => f.group === group)) {
    for (const instance of fleet.perInstance) {
      for (const sub of instance.subscriptions) {
        const current = byTopic.get(sub.topic);
        if (current === '*' || sub.tags === '*') {
          byTopic.set(sub.topic, '*');
        } else {
          byTopic.set(sub.topic, new Set([...(current ?? []), ...sub.tags]));
        }
      }
    }
  }
  const expectation: ScopeExpectation = new Map();
  for (const fleet of plan.fleets.producers) {
    const wanted = byTopic.get(fleet.topic);
    if (wanted === undefined) continue;
    for (let i = 0; i < fleet.instances; i++) expectation.set(`${fleet.name}#${i}`, wanted);
  }
  return expectation;
}
