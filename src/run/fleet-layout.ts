import type { ConsumerConfig, ProducerConfig } from '../fleet/protocol.ts';
import type { Executor } from '../fleet/arrival-schedule.ts';
import type { ClusterEndpoints } from '../cluster/provider.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import { subscriptionMap } from '../protocol/index.ts';
import type { WorkerProgram } from '../fleet/worker-program.ts';

export type { WorkerProgram } from '../fleet/worker-program.ts';
export { javaProgramsOf } from '../fleet/worker-program.ts';

/** Every worker process a plan asks for, with its full configuration. */
export interface FleetLayout {
  consumers: ConsumerConfig[];
  producers: ProducerConfig[];
  /** Instance or producer id → the program that runs it (consumers a fault starts later take their fleet's). */
  programs: Map<string, WorkerProgram>;
}

function programOf(driver: string, protocol: 'remoting' | 'grpc', clientVersion: string | undefined): WorkerProgram {
  if (driver !== 'java') return { driver: 'node' };
  if (clientVersion === undefined) throw new Error('internal: a resolved java fleet has no clientVersion');
  return { driver: 'java', protocol, clientVersion };
}

/** Instance and producer ids → the program that runs each; known from the plan alone, before any cluster. */
export function programsOf(plan: ResolvedPlan): Map<string, WorkerProgram> {
  const programs = new Map<string, WorkerProgram>();
  for (const fleet of plan.fleets.consumers)
    for (const instance of fleet.perInstance)
      programs.set(instance.instanceId, programOf(instance.driver, instance.protocol, instance.clientVersion));
  for (const fleet of plan.fleets.producers)
    for (let i = 0; i < fleet.instances; i++)
      programs.set(`${fleet.name}#${i}`, programOf(fleet.driver, fleet.protocol, fleet.clientVersion));
  return programs;
}

/** One instance's share of a fleet's executor: every rate divided by the instance count. */
export function shareExecutor(executor: Executor, instances: number): Executor {
  if (executor.kind === 'constant') return { kind: 'constant', ratePerSecond: executor.ratePerSecond / instances };
  return {
    kind: 'ramping',
    startRatePerSecond: executor.startRatePerSecond / instances,
    stages: executor.stages.map((s) => ({ durationMs: s.durationMs, targetPerSecond: s.targetPerSecond / instances })),
  };
}

/** The worker's `credentials`: the named cluster.acl user's keys, revealed for the worker's channel only. */
function signingAs(plan: ResolvedPlan, user: string | undefined): Pick<ProducerConfig, 'credentials'> {
  if (user === undefined) return {};
  const found = plan.cluster.acl?.users.find((u) => u.name === user);
  // Cross-checks refuse a fleet naming a user cluster.acl does not have.
  if (!found) throw new Error(`internal: fleet credentials name ${user}, which cluster.acl does not list`);
  return { credentials: { accessKey: found.name, secretKey: found.secret.reveal() } };
}

export function layoutFleets(
  plan: ResolvedPlan,
  runId: string,
  endpoints: Pick<ClusterEndpoints, 'namesrvAddr' | 'proxy' | 'clientAddressMaps'>,
): FleetLayout {
  const { namesrvAddr } = endpoints;
  // grpc clients talk to the proxy; the plan language requires one for grpc fleets.
  const endpointFor = (protocol: string) =>
    protocol === 'grpc' && endpoints.proxy ? { endpoint: endpoints.proxy.grpc } : {};
  const consumers = plan.fleets.consumers.flatMap((fleet) => {
    // pull: assign splits the queues among the fleet's pull instances by their rank.
    const assigning = fleet.perInstance.filter((i) => i.mode === 'pull' && fleet.pull === 'assign');
    return fleet.perInstance.map((instance): ConsumerConfig => {
      const rank = assigning.indexOf(instance);
      return {
        runId,
        instanceId: instance.instanceId,
        fleet: fleet.name,
        driver: instance.protocol,
        namesrvAddr,
        ...endpointFor(instance.protocol),
        ...(endpoints.clientAddressMaps ? { brokerAddressMap: endpoints.clientAddressMaps.consumers } : {}),
        group: fleet.group,
        ...signingAs(plan, fleet.credentials),
        routeRefreshMs: fleet.routeRefreshMs,
        model: fleet.model,
        mode: instance.mode,
        consume: instance.mode === 'push' ? fleet.consume : 'concurrently',
        ...(rank >= 0 ? { assign: { index: rank, count: assigning.length } } : {}),
        subscription: subscriptionMap(instance.subscriptions),
        consumeTime: instance.consumeTime,
        failure: instance.failure,
        ...(instance.faultyConsumer ? { faultyConsumer: instance.faultyConsumer } : {}),
        ...(instance.deadLetter ? { deadLetter: instance.deadLetter } : {}),
        seed: plan.seed,
      };
    });
  });
  const producers = plan.fleets.producers.flatMap((fleet) =>
    Array.from({ length: fleet.instances }, (_, i): ProducerConfig => {
      // Split the fleet's message bound evenly; the first instances take the remainder.
      const share = (total: number) => Math.floor(total / fleet.instances) + (i < total % fleet.instances ? 1 : 0);
      return {
        runId,
        producerId: `${fleet.name}#${i}`,
        fleet: fleet.name,
        driver: fleet.protocol,
        namesrvAddr,
        ...endpointFor(fleet.protocol),
        ...(endpoints.clientAddressMaps ? { brokerAddressMap: endpoints.clientAddressMaps.producers } : {}),
        group: `${fleet.name}-producer`,
        ...signingAs(plan, fleet.credentials),
        routeRefreshMs: fleet.routeRefreshMs,
        topic: fleet.topic,
        executor: shareExecutor(fleet.executor, fleet.instances),
        messageSize: fleet.messageSizeBytes,
        batch: fleet.batch,
        ...(fleet.oversize ? { oversize: fleet.oversize } : {}),
        tags: fleet.tags,
        ...(fleet.properties ? { properties: fleet.properties } : {}),
        ...(fleet.maxMessages === undefined ? {} : { maxMessages: share(fleet.maxMessages) }),
        durationMs: fleet.loadMs,
        seed: plan.seed,
        maxInFlight: fleet.maxInFlight,
        sendMode: fleet.sendMode,
        ...(fleet.ordered ? { shardingKeys: fleet.ordered.shardingKeys } : {}),
        ...(fleet.delay ? { delay: fleet.delay } : {}),
        ...(fleet.transaction ? { transaction: fleet.transaction } : {}),
      };
    }),
  );
  return { consumers, producers, programs: programsOf(plan) };
}
