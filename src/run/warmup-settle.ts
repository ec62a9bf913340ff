import { allQueueKeys } from '../metrics/queue-keys.ts';
import type { RebalanceEvent } from '../metrics/rebalance-tracker.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';

/**
 * What the warmup waits for before load starts: every queue-owning consumer group settled on
 * a queue assignment (bounded by the run).
 *
 * A group whose instances all subscribe the same topics has settled when its rebalance events
 * have an assignment latency (the live instances' claims are a disjoint cover of its queues).
 *
 * A group whose instances subscribe different topics never gets there: every member divides a
 * topic's queues among all members of the group, but only the members that subscribe the topic
 * pull their share, so the queues allocated to the others are held by nobody (topic-drift, the
 * `unconsumed-queues` diagnosis). Waiting for a cover would only run out the bound. Such a group
 * has settled as far as it can once every instance has reported an assignment, no queue is held
 * twice, and the topics every instance subscribes are covered.
 */
export interface SettleTarget {
  group: string;
  instances: string[];
  /** Topics some instance of the group does not subscribe, with the instances that do not. */
  partial: { topic: string; notSubscribedBy: string[] }[];
  /** The topics every instance subscribes (in plan order). */
  commonTopics: string[];
  /** Their queues: what a group with partial topics must cover. */
  commonQueues: string[];
}

export function settleTargets(
  plan: ResolvedPlan,
  groups: readonly string[],
  masters: readonly string[],
): SettleTarget[] {
  return groups.map((group) => {
    const instances = plan.fleets.consumers.filter((f) => f.group === group).flatMap((f) => f.perInstance);
    const topicsOf = new Map(instances.map((i) => [i.instanceId, new Set(i.subscriptions.map((s) => s.topic))]));
    const topics = plan.topics
      .map((t) => t.name)
      .filter((name) => instances.some((i) => topicsOf.get(i.instanceId)!.has(name)));
    const partial = topics
      .map((topic) => ({
        topic,
        notSubscribedBy: instances.filter((i) => !topicsOf.get(i.instanceId)!.has(topic)).map((i) => i.instanceId),
      }))
      .filter((p) => p.notSubscribedBy.length > 0);
    const commonTopics = topics.filter((t) => !partial.some((p) => p.topic === t));
    return {
      group,
      instances: instances.map((i) => i.instanceId),
      partial,
      commonTopics,
      commonQueues: allQueueKeys(
        plan.topics.filter((t) => commonTopics.includes(t.name)),
        masters,
      ),
    };
  });
}

/** One log line for a group that cannot cover all its queues, saying what the warmup waits for instead. */
export function describePartial(target: SettleTarget): string {
  const missing = target.partial.map((p) => `${p.topic} not by ${p.notSubscribedBy.join(', ')}`).join('; ');
  const waits =
    target.commonTopics.length > 0
      ? `a cover of the topics all of them subscribe (${target.commonTopics.join(', ')})`
      : "every instance's first assignment";
  return (
    `warmup: the instances of group ${target.group} subscribe different topics (${missing}); queues allocated ` +
    `to an instance that does not subscribe their topic are never held, so warmup waits for ${waits}`
  );
}

/**
 * True when every target has settled: by its rebalance events (all topics common), or by the
 * instances' latest reported assignments (`assignments`: instance → queue keys) otherwise.
 */
export function groupsSettled(
  targets: readonly SettleTarget[],
  events: readonly RebalanceEvent[],
  assignments: ReadonlyMap<string, readonly string[]>,
): boolean {
  return targets.every((target) => {
    if (target.partial.length === 0)
      return events.filter((e) => e.group === target.group).every((e) => e.assignmentLatencyMs !== null);
    const held = new Set<string>();
    for (const instance of target.instances) {
      const queues = assignments.get(instance);
      if (!queues) return false;
      for (const queue of queues) {
        if (held.has(queue)) return false;
        held.add(queue);
      }
    }
    return target.commonQueues.every((queue) => held.has(queue));
  });
}
