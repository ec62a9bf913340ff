/**
 * Which consumer groups each part of a run watches, from the plan alone: the sampler reads the
 * broker lag of clustering groups; rebalance tracking and the warmup's settle wait need groups
 * whose members own queues; the observer asks remoting clients for their running info.
 */
import type { ResolvedPlan } from '../plan/resolved-plan.ts';

export interface RunGroups {
  /** Clustering groups (broker-side lag is sampled for them). */
  clustering: string[];
  /**
   * Clustering groups whose instances all speak remoting: their members own queues. Pop (grpc)
   * consumers hold no queues (the broker hands out messages), so there is no assignment to
   * converge and no rebalance latency to measure for their groups.
   */
  queueOwning: string[];
  /** Groups whose instances all answer running-info requests (remoting clients; gRPC ones sit behind the proxy). */
  observed: string[];
  /**
   * Groups with gRPC instances: consumed by pop through the proxy. The observer reads them
   * through the proxy's remoting port (their clients) and the brokers (offsets, latest pops).
   */
  pop: string[];
}

export function runGroups(plan: ResolvedPlan): RunGroups {
  const fleets = plan.fleets.consumers;
  const allRemoting = (group: string) =>
    fleets.filter((f) => f.group === group).every((f) => f.perInstance.every((i) => i.protocol === 'remoting'));
  const clustering = [...new Set(fleets.filter((f) => f.model === 'clustering').map((f) => f.group))];
  return {
    clustering,
    queueOwning: clustering.filter(allRemoting),
    observed: [...new Set(fleets.map((f) => f.group))].filter(allRemoting),
    pop: [...new Set(fleets.map((f) => f.group))].filter((g) => !allRemoting(g)),
  };
}

/** Every topic some instance of `group` subscribes. */
export function topicsOfGroup(plan: ResolvedPlan, group: string): Set<string> {
  return new Set(
    plan.fleets.consumers
      .filter((f) => f.group === group)
      .flatMap((f) => f.perInstance.flatMap((i) => i.subscriptions.map((s) => s.topic))),
  );
}
