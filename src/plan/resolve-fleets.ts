/**
 * Resolves fleets: executors from `rate` or `stages`, consume-time distributions, failure
 * settings, and every consumer instance's effective settings (fleet merged with override).
 */
import { PLAN_DEFAULTS as D } from './defaults.ts';
import type {
  ConsumeTime,
  ConsumerDeadLetter,
  ConsumerFailure,
  ConsumerFaultiness,
  ProducerExecutor,
  RateSearchSpec,
  ResolvedConsumerFleet,
  ResolvedConsumerInstance,
  ResolvedDelay,
  ResolvedProducerFleet,
  FleetPlacement,
} from './resolved-plan.ts';
import type { PlanDocument } from './schema.ts';
import { bytes, ms, must, subscriptions } from './resolve-values.ts';
import { parseRate } from './units.ts';
import { JAVA_CLIENTS } from '../setup/versions.ts';

/**
 * A Java client's version: the plan's, else the cluster's for the remoting client (it is
 * versioned with the server) or the pinned gRPC client. Node workers have none.
 */
function javaClientVersion(driver: string, protocol: string, given: string | undefined): string | undefined {
  if (driver !== 'java') return undefined;
  return given ?? JAVA_CLIENTS[protocol === 'grpc' ? 'grpc' : 'remoting'].defaultVersion;
}

type Fleets = NonNullable<PlanDocument['fleets']>;
type ProducerDocument = NonNullable<Fleets['producers']>[number];
type ConsumerDocument = NonNullable<Fleets['consumers']>[number];
type ConsumeTimeDocument = NonNullable<ConsumerDocument['consumeTime']>;
type FailureDocument = NonNullable<ConsumerDocument['failure']>;
type FaultyDocument = NonNullable<ConsumerDocument['faultyConsumer']>;
type DeadLetterDocument = NonNullable<ConsumerDocument['deadLetter']>;

const perSecond = (text: string): number => must(parseRate(text), 'rate');

/** `rate: max` or `rate: {max: {...}}` with every default filled; undefined for a rate or stages. */
function rateSearch(p: ProducerDocument): RateSearchSpec | undefined {
  if (p.rate === undefined || (typeof p.rate === 'string' && p.rate.trim() !== 'max')) return undefined;
  const given = typeof p.rate === 'string' ? {} : p.rate.max;
  const d = D.producer.rateSearch;
  return {
    p99Ms: ms(given.p99 ?? d.p99),
    stepMs: ms(given.step ?? d.step),
    fromPerSecond: perSecond(given.from ?? d.from),
    toPerSecond: perSecond(given.to ?? d.to),
  };
}

function executor(p: ProducerDocument, search: RateSearchSpec | undefined): ProducerExecutor {
  // A search starts at its first rate; the run moves it live from there.
  if (search) return { kind: 'constant', ratePerSecond: search.fromPerSecond };
  if (p.stages === undefined) {
    if (typeof p.rate !== 'string')
      throw new Error(`internal: validated producer ${p.name} has neither rate nor stages`);
    return { kind: 'constant', ratePerSecond: perSecond(p.rate) };
  }
  return {
    kind: 'ramping',
    startRatePerSecond: perSecond(p.startRate ?? D.producer.startRate),
    stages: p.stages.map((s) => ({ durationMs: ms(s.duration), targetPerSecond: perSecond(s.target) })),
  };
}

type PlacementDocument = ProducerDocument['placement'];

/** The plan's placement, else spread over the agents when it has any, else this machine. */
function placementOf(given: PlacementDocument, hasAgents: boolean): FleetPlacement {
  if (given === undefined) return hasAgents ? { kind: 'spread' } : { kind: 'local' };
  if (typeof given === 'string') return { kind: given };
  return { kind: 'agent', agent: given.agent };
}

/** The fleet's delay: a timer's time, or a level with its time in the broker's table (validation checked it). */
function delayOf(delay: NonNullable<ProducerDocument['delay']>, delayLevels: readonly number[]): ResolvedDelay {
  if (delay.level === undefined) {
    if (delay.by === undefined) throw new Error('internal: validated delay has neither by nor level');
    return { ratio: delay.ratio, delayMs: ms(delay.by) };
  }
  const delayMs = delayLevels[delay.level - 1];
  if (delayMs === undefined) throw new Error(`internal: validated delay level ${delay.level} is not in the table`);
  return { ratio: delay.ratio, level: delay.level, delayMs };
}

function producer(
  p: ProducerDocument,
  sendingMs: number,
  hasAgents: boolean,
  delayLevels: readonly number[],
): ResolvedProducerFleet {
  const search = rateSearch(p);
  const run = executor(p, search);
  const constant = run.kind === 'constant';
  const protocol = p.protocol ?? D.producer.protocol;
  const driver = p.driver ?? D.producer.driver;
  const version = javaClientVersion(driver, protocol, p.clientVersion);
  return {
    name: p.name,
    topic: p.topic,
    instances: p.instances ?? D.producer.instances,
    protocol,
    driver,
    ...(version === undefined ? {} : { clientVersion: version }),
    ...(p.credentials === undefined ? {} : { credentials: p.credentials }),
    placement: placementOf(p.placement, hasAgents),
    sendMode: p.send ?? D.producer.send,
    ...(search ? { rateSearch: search } : {}),
    executor: run,
    // A search's peak is its upper bound.
    ratePerSecond: search
      ? search.toPerSecond
      : constant
        ? run.ratePerSecond
        : Math.max(run.startRatePerSecond, ...run.stages.map((s) => s.targetPerSecond)),
    loadMs: constant ? sendingMs : run.stages.reduce((sum, s) => sum + s.durationMs, 0),
    maxInFlight: p.maxInFlight ?? D.producer.maxInFlight,
    routeRefreshMs: ms(p.routeRefresh ?? D.producer.routeRefresh),
    messageSizeBytes: bytes(p.messageSize ?? D.producer.messageSize),
    batch: p.batch ?? D.producer.batch,
    ...(p.oversize !== undefined ? { oversize: { every: p.oversize.every, sizeBytes: bytes(p.oversize.size) } } : {}),
    tags: Object.entries(p.tags ?? {}).map(([tag, weight]) => ({ tag, weight })),
    ...(p.properties !== undefined && Object.keys(p.properties).length > 0 ? { properties: p.properties } : {}),
    ...(p.maxMessages !== undefined ? { maxMessages: p.maxMessages } : {}),
    ...(p.ordered !== undefined ? { ordered: { shardingKeys: p.ordered.shardingKeys } } : {}),
    ...(p.delay !== undefined ? { delay: delayOf(p.delay, delayLevels) } : {}),
    ...(p.transaction !== undefined
      ? {
          transaction: {
            commit: p.transaction.commit,
            rollback: p.transaction.rollback,
            unknown: p.transaction.unknown,
            endDelayMs: ms(p.transaction.endDelay ?? D.producer.transaction.endDelay),
            checkDelayMs: ms(p.transaction.checkDelay ?? D.producer.transaction.checkDelay),
          },
        }
      : {}),
  };
}

function consumeTime(input: ConsumeTimeDocument): ConsumeTime {
  if (typeof input === 'string') return { kind: 'fixed', ms: ms(input) };
  if (input.uniform) return { kind: 'uniform', minMs: ms(input.uniform[0]), maxMs: ms(input.uniform[1]) };
  if (input.exponential !== undefined) return { kind: 'exponential', meanMs: ms(input.exponential) };
  throw new Error('internal: validated consumeTime has no distribution');
}

export function meanMs(time: ConsumeTime): number {
  switch (time.kind) {
    case 'fixed':
      return time.ms;
    case 'uniform':
      return (time.minMs + time.maxMs) / 2;
    case 'exponential':
      return time.meanMs;
  }
}

function failure(input: FailureDocument | undefined): ConsumerFailure {
  return { ratio: input?.ratio ?? D.consumer.failure.ratio, first: input?.first ?? D.consumer.failure.first };
}

function faultiness(input: FaultyDocument): ConsumerFaultiness {
  return {
    discard: input.discard ?? D.consumer.faultyConsumer.discard,
    duplicate: input.duplicate ?? D.consumer.faultyConsumer.duplicate,
  };
}

function deadLetter(input: DeadLetterDocument | undefined): { deadLetter?: ConsumerDeadLetter } {
  if (input === undefined) return {};
  return {
    deadLetter: {
      poison: input.poison,
      maxReconsumeTimes: input.maxReconsumeTimes ?? D.consumer.deadLetter.maxReconsumeTimes,
    },
  };
}

function consumer(c: ConsumerDocument, hasAgents: boolean): ResolvedConsumerFleet {
  const instances = c.instances ?? D.consumer.instances;
  const dead = deadLetter(c.deadLetter);
  const fleet = {
    subscriptions: subscriptions(c.subscription),
    protocol: c.protocol ?? D.consumer.protocol,
    driver: c.driver ?? D.consumer.driver,
    mode: c.mode ?? D.consumer.mode,
    consumeTime: consumeTime(c.consumeTime ?? D.consumer.consumeTime),
    failure: failure(c.failure),
  };
  const perInstance = Array.from({ length: instances }, (_, index): ResolvedConsumerInstance => {
    // Cross-checks guarantee an index is in at most one override.
    const o = (c.overrides ?? []).find((candidate) => candidate.instances.includes(index));
    const time = o?.consumeTime !== undefined ? consumeTime(o.consumeTime) : fleet.consumeTime;
    const protocol = o?.protocol ?? fleet.protocol;
    const driver = o?.driver ?? fleet.driver;
    const version = javaClientVersion(driver, protocol, o?.clientVersion ?? c.clientVersion);
    const settings: ResolvedConsumerInstance = {
      index,
      instanceId: `${c.name}#${index}`,
      subscriptions: o?.subscription !== undefined ? subscriptions(o.subscription) : fleet.subscriptions,
      protocol,
      driver,
      ...(version === undefined ? {} : { clientVersion: version }),
      mode: o?.mode ?? fleet.mode,
      consumeTime: time,
      consumeTimeMs: meanMs(time),
      failure: o?.failure !== undefined ? failure(o.failure) : fleet.failure,
      ...dead,
    };
    const faulty = o?.faultyConsumer ?? c.faultyConsumer;
    return faulty === undefined ? settings : { ...settings, faultyConsumer: faultiness(faulty) };
  });
  return {
    name: c.name,
    group: c.group ?? c.name,
    instances,
    protocol: fleet.protocol,
    model: c.model ?? D.consumer.model,
    mode: fleet.mode,
    driver: fleet.driver,
    ...(c.credentials === undefined ? {} : { credentials: c.credentials }),
    placement: placementOf(c.placement, hasAgents),
    consume: c.consume ?? D.consumer.consume,
    pull: c.pull ?? D.consumer.pull,
    subscriptions: fleet.subscriptions,
    consumeTime: fleet.consumeTime,
    consumeTimeMs: meanMs(fleet.consumeTime),
    failure: fleet.failure,
    ...dead,
    onCrash: c.onCrash ?? D.consumer.onCrash,
    routeRefreshMs: ms(c.routeRefresh ?? D.consumer.routeRefresh),
    perInstance,
  };
}

/**
 * `sendingMs`: how long producers send, the load, chaos and heal phases together; `hasAgents`:
 * the plan declares agents (fleets then spread over them unless they say otherwise);
 * `delayLevels`: the broker's delay level times in ms (level 1 first).
 */
export function resolveFleets(
  fleets: PlanDocument['fleets'],
  sendingMs: number,
  hasAgents = false,
  delayLevels: readonly number[] = [],
): { producers: ResolvedProducerFleet[]; consumers: ResolvedConsumerFleet[] } {
  return {
    producers: (fleets?.producers ?? []).map((p) => producer(p, sendingMs, hasAgents, delayLevels)),
    consumers: (fleets?.consumers ?? []).map((c) => consumer(c, hasAgents)),
  };
}
