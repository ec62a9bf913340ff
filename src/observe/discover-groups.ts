/**
 * Which consumer groups are worth a look on a cluster nobody described to us: every group a
 * master's subscription-group table names (GET_ALL_SUBSCRIPTIONGROUP_CONFIG), minus RocketMQ's
 * own, that has at least one consumer connected to some master right now.
 */
import { isRetryOrDlqTopic, type RemotingAdmin } from '../protocol/index.ts';
import { EnvironmentError } from '../util/errors.ts';
import { isConsumerNotOnline, limiter, messageOf } from './collect-snapshot.ts';

/**
 * Groups RocketMQ 5.3.3 predefines (`MixAll.PREDEFINE_GROUP_SET`, and the ones
 * `SubscriptionGroupManager` creates at broker start).
 */
export const SYSTEM_GROUPS: ReadonlySet<string> = new Set([
  'DEFAULT_CONSUMER',
  'DEFAULT_PRODUCER',
  'TOOLS_CONSUMER',
  'SCHEDULE_CONSUMER',
  'FILTERSRV_CONSUMER',
  '__MONITOR_CONSUMER',
  'CLIENT_INNER_PRODUCER',
  'SELF_TEST_P_GROUP',
  'SELF_TEST_C_GROUP',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
  'CID_ONSAPI_PULL',
  'CID_RMQ_SYS_TRANS',
  // The proxies' heartbeat sync between each other (proxy `heartbeatSyncerTopic`, cluster mode).
  'CID_DefaultHeartBeatSyncerTopic',
]);

/**
 * `MixAll.isSysConsumerGroup` (the `CID_RMQ_SYS_` prefix: transaction checks, pop revive...),
 * the predefined groups, the `CID_ONSAPI_` family, and retry or dead-letter names (`%RETRY%`, `%DLQ%`)
 * that are never a group of their own.
 */
export function isSystemGroup(group: string): boolean {
  return (
    SYSTEM_GROUPS.has(group) ||
    group.startsWith('CID_RMQ_SYS_') ||
    group.startsWith('CID_ONSAPI_') ||
    isRetryOrDlqTopic(group)
  );
}

export interface DiscoveredGroups {
  /** Non-system groups with at least one connected consumer (on a master or a given proxy), sorted. */
  groups: string[];
  /** Of `groups`, those whose consumers a proxy lists (gRPC clients consuming by pop). */
  pop: string[];
  /** Every group name the masters know (system ones included), for telling "no such group" from "no consumer". */
  known: string[];
  /** Masters that did not answer (discovery is then partial), one line each. */
  errors: string[];
}

/**
 * Every non-system group with an online consumer on some master or, with `proxies` (their
 * remoting addresses), on some proxy: a group consumed by pop through a proxy is known to the
 * brokers (its first pop creates its subscription group) but no broker lists its gRPC clients.
 * Throws only when no master answered at all (or the name server did not); a master or proxy
 * that fails is reported in `errors`.
 */
export async function discoverGroups(
  admin: RemotingAdmin,
  options: { concurrency?: number; proxies?: readonly string[] } = {},
): Promise<DiscoveredGroups> {
  const masters = await admin.masterAddrs();
  const errors: string[] = [];
  const limit = limiter(options.concurrency ?? 16);
  const perMaster = await Promise.all(
    masters.map(async (m) => {
      try {
        return await limit(() => admin.allSubscriptionGroups(m.addr));
      } catch (error) {
        errors.push(`${m.brokerName} subscription groups: ${messageOf(error)}`);
        return undefined;
      }
    }),
  );
  if (masters.length > 0 && perMaster.every((names) => names === undefined)) {
    throw new EnvironmentError(
      'brokers-unreachable',
      `no broker answered for its subscription groups: ${errors.join('; ')}`,
      'check that the brokers the name server lists are reachable from here',
    );
  }
  const known = [...new Set(perMaster.flatMap((names) => names ?? []))].sort();
  const candidates = known.filter((g) => !isSystemGroup(g));
  const places = [
    ...masters.map((m) => ({ name: m.brokerName, addr: m.addr, proxy: false })),
    ...(options.proxies ?? []).map((addr) => ({ name: `proxy ${addr}`, addr, proxy: true })),
  ];
  const online = await Promise.all(
    candidates.map(async (group): Promise<'broker' | 'proxy' | undefined> => {
      for (const place of places) {
        try {
          const connections = await limit(() => admin.consumerConnections(place.addr, group));
          if (connections.connectionSet.length > 0) return place.proxy ? 'proxy' : 'broker';
        } catch (error) {
          if (!isConsumerNotOnline(error))
            errors.push(`${place.name}/${group} consumer connections: ${messageOf(error)}`);
        }
      }
      return undefined;
    }),
  );
  return {
    groups: candidates.filter((_, i) => online[i] !== undefined),
    pop: candidates.filter((_, i) => online[i] === 'proxy'),
    known,
    errors,
  };
}
