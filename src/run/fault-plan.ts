import type { FaultOccurrence } from '../faults/scheduler.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import { subscriptionMap } from '../protocol/index.ts';
import { hashSeed } from '../util/random.ts';

/**
 * The plan's faults as the scheduler takes them: one occurrence per target, with what an
 * action needs beyond the plan's parameters (a drift's original subscription to heal to, a
 * seed for actions that draw at random, such as a flap's jitter).
 */
export function faultOccurrences(plan: ResolvedPlan): FaultOccurrence[] {
  const ownSubscription = new Map(
    plan.fleets.consumers.flatMap((f) =>
      f.perInstance.map((i) => [i.instanceId, subscriptionMap(i.subscriptions)] as const),
    ),
  );
  return plan.faults.flatMap((fault) =>
    fault.occurrences.flatMap((occurrence) =>
      occurrence.targets.map((target): FaultOccurrence => {
        const params: Record<string, unknown> = {
          ...fault.params,
          seed: hashSeed(`${plan.seed}:${fault.name}:${occurrence.index}:${target}`),
        };
        if (fault.action === 'drift') params.original = ownSubscription.get(target);
        return {
          fault: fault.name,
          action: fault.action,
          params,
          phase: fault.phase,
          index: occurrence.index,
          atMs: occurrence.atMs,
          durationMs: occurrence.durationMs,
          target,
        };
      }),
    ),
  );
}
