import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import type { ConsumerConfig, ProducerConfig } from '../fleet/protocol.ts';

/** In-flight sends one producer process allows before counting a due send as dropped. */
const MAX_IN_FLIGHT = 512;

/** Every worker process a plan asks for, with its full configuration. */
export interface FleetLayout {
  consumers: ConsumerConfig[];
  producers: ProducerConfig[];
}

export function layoutFleets(plan: ResolvedPlan, runId: string, namesrvAddr: string): FleetLayout {
  const consumers = plan.fleets.consumers.flatMap((fleet) =>
    Array.from({ length: fleet.instances }, (_, i): ConsumerConfig => ({
      runId,
      instanceId: `${fleet.name}#${i}`,
      fleet: fleet.name,
      driver: fleet.protocol,
      namesrvAddr,
      group: fleet.group,
      model: fleet.model,
      subscription: Object.fromEntries(fleet.subscriptions.map((s) => [s.topic, s.expression])),
      consumeTimeMs: fleet.consumeTimeMs,
    })),
  );
  const producers = plan.fleets.producers.flatMap((fleet) =>
    Array.from({ length: fleet.instances }, (_, i): ProducerConfig => {
      // Split the fleet's rate and message bound evenly; the first instances take the remainder.
      const share = (total: number) => Math.floor(total / fleet.instances) + (i < total % fleet.instances ? 1 : 0);
      const maxMessages = fleet.maxMessages === undefined ? undefined : share(fleet.maxMessages);
      return {
        runId,
        producerId: `${fleet.name}#${i}`,
        fleet: fleet.name,
        driver: fleet.protocol,
        namesrvAddr,
        group: `${fleet.name}-producer`,
        topic: fleet.topic,
        ratePerSec: fleet.ratePerSecond / fleet.instances,
        messageSize: fleet.messageSizeBytes,
        tags: fleet.tags,
        ...(maxMessages === undefined ? {} : { maxMessages }),
        durationMs: plan.phases.loadMs,
        seed: plan.seed,
        maxInFlight: MAX_IN_FLIGHT,
      };
    }),
  );
  return { consumers, producers };
}
