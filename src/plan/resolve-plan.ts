/**
 * Fills every default and converts every unit of a plan that passed validation. This is the
 * only place defaults are applied, so "what does an omitted key mean" has one answer.
 */
import type { PlanSecrets } from './plan-secrets.ts';
import { defaultHaMode, defaultSlavesPerMaster } from '../cluster/ha-modes.ts';
import { basename, extname } from 'node:path';
import { PLAN_DEFAULTS as D } from './defaults.ts';
import { INVARIANT_IDS } from './expectations-catalogue.ts';
import type { ResolvedExpectations, ResolvedPlan } from './resolved-plan.ts';
import { resolveCompare } from './resolve-compare.ts';
import { resolveFaults } from './resolve-faults.ts';
import { resolveFleets } from './resolve-fleets.ts';
import { delayLevelsOf } from './message-delay-level.ts';
import type { ResolvedFault } from './resolved-faults.ts';
import { bytes, ms, type ResolvedSubscription } from './resolve-values.ts';
import { resolveConfEntries } from './server-conf-values.ts';
import type { PlanDocument } from './schema.ts';
import { parseThreshold, type ParsedThreshold, type ThresholdEntryInput } from './thresholds.ts';

/** `plans/Smoke Test.yaml` → `smoke-test`: the default name must itself be a valid name. */
export function planNameFromFile(file: string): string {
  const base = basename(file, extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return base || 'plan';
}

export function brokerName(index: number): string {
  // broker-a … broker-z is far beyond the 4 brokers a plan may ask for.
  return `broker-${String.fromCharCode('a'.charCodeAt(0) + index)}`;
}

/** `keyOrder`: the keys as the plan wrote them; zod's output lists its known keys first. */
function thresholds(plan: PlanDocument, keyOrder: readonly string[]): ParsedThreshold[] {
  const parsed: ParsedThreshold[] = [];
  // Keys with a selector pass the schema as unknown values; the schema's check validated them.
  const byKey = new Map(Object.entries(plan.thresholds ?? {}) as Array<[string, ThresholdEntryInput[] | undefined]>);
  const keys = [
    ...keyOrder.filter((key) => byKey.has(key)),
    ...[...byKey.keys()].filter((key) => !keyOrder.includes(key)),
  ];
  for (const key of keys) {
    for (const entry of byKey.get(key) ?? []) {
      const result = parseThreshold(key, entry);
      if (!result.ok) throw new Error(`internal: validated threshold did not parse: ${result.message}`);
      parsed.push(result.value);
    }
  }
  return parsed;
}

function expectations(plan: PlanDocument): ResolvedExpectations {
  const expect = plan.expect ?? {};
  return {
    diagnoses: (expect.diagnoses ?? []).map((entry) =>
      typeof entry === 'string'
        ? { id: entry }
        : { id: entry.id, ...(entry.group !== undefined ? { group: entry.group } : {}) },
    ),
    others: expect.others ?? D.expect.others,
    invariants: Object.fromEntries(
      INVARIANT_IDS.map((id) => [id, expect.invariants?.[id] ?? D.expect.invariant]),
    ) as ResolvedExpectations['invariants'],
  };
}

/**
 * `thresholdKeys` is the order the plan wrote its threshold keys in (the schema's output
 * does not keep it); thresholds resolve in that order.
 */
export function resolvePlan(
  plan: PlanDocument,
  file: string,
  sets: readonly string[] = [],
  thresholdKeys: readonly string[] = [],
  secrets: PlanSecrets['users'] = [],
): ResolvedPlan {
  const cluster = plan.cluster ?? {};
  const provider = cluster.provider ?? D.cluster.provider;
  const brokers = cluster.brokers ?? D.cluster.brokers;
  const ha = cluster.ha ?? defaultHaMode(cluster.slavesPerMaster);
  const phases = {
    warmupMs: ms(plan.phases.warmup ?? D.phases.warmup),
    loadMs: ms(plan.phases.load),
    chaosMs: ms(plan.phases.chaos ?? D.phases.chaos),
    healMs: ms(plan.phases.heal ?? D.phases.heal),
    drainMs: ms(plan.phases.drain ?? D.phases.drain),
  };
  const seed = plan.seed ?? D.seed;
  // Producers send through load, chaos and heal.
  const fleets = resolveFleets(
    plan.fleets,
    phases.loadMs + phases.chaosMs + phases.healMs,
    (plan.agents ?? []).length > 0,
    delayLevelsOf(plan.cluster?.brokerConfig ?? {}),
  );
  const faults = resolveFaults(plan.faults, seed);
  const brokerConfig = resolveConfEntries('broker', cluster.brokerConfig);
  // A broker without enablePropertyFilter refuses SQL92 subscriptions; the plan asked for
  // them, so brokers the harness starts get it (validation refuses an explicit false).
  if (provider !== 'external' && usesSql92(fleets, faults)) brokerConfig.enablePropertyFilter ??= true;
  const diskFaults = faults.some((f) => f.action.startsWith('disk.'));
  const storeSize = cluster.storeSize ?? (diskFaults ? D.cluster.storeSizeForDiskFaults : undefined);
  return {
    version: 1,
    name: plan.name ?? planNameFromFile(file),
    description: plan.description,
    seed,
    cluster: {
      provider,
      version: cluster.version ?? D.cluster.version,
      ha,
      controllers: ha === 'controller' ? (cluster.controllers ?? D.cluster.controllers) : 0,
      namesrv: cluster.namesrv ?? D.cluster.namesrv,
      brokers,
      brokerNames: Array.from({ length: brokers }, (_, i) => brokerName(i)),
      slavesPerMaster: cluster.slavesPerMaster ?? defaultSlavesPerMaster(ha),
      proxy: cluster.proxy ?? D.cluster.proxy,
      heapBytes: bytes(cluster.heap ?? D.cluster.heap),
      ...(provider === 'local' && cluster.advertise !== undefined ? { advertise: cluster.advertise } : {}),
      ...(provider === 'external' && cluster.namesrvAddr !== undefined ? { namesrvAddr: cluster.namesrvAddr } : {}),
      ...(provider === 'external' && cluster.proxyAddr !== undefined ? { proxyAddr: cluster.proxyAddr } : {}),
      ...(provider === 'external' && cluster.proxyRemotingAddr !== undefined
        ? { proxyRemotingAddr: cluster.proxyRemotingAddr }
        : {}),
      ...(provider === 'containers'
        ? {
            images: {
              rocketmq: cluster.images?.rocketmq ?? D.cluster.images.rocketmq,
              toxiproxy: cluster.images?.toxiproxy ?? D.cluster.images.toxiproxy,
            },
          }
        : {}),
      brokerConfig,
      ...(provider === 'local' && storeSize !== undefined ? { storeBytes: bytes(storeSize) } : {}),
      // disk.slow throttles a block device: the store needs one of its own (runtime/loop-store.ts).
      ...(provider === 'local' && faults.some((f) => f.action === 'disk.slow') ? { storeOn: 'loop' as const } : {}),
      namesrvConfig: resolveConfEntries('namesrv', cluster.namesrvConfig),
      ...(cluster.acl ? { acl: resolveAcl(cluster.acl, secrets) } : {}),
    },
    topics: plan.topics.map((topic) => ({ name: topic.name, queues: topic.queues ?? D.topic.queues })),
    agents: (plan.agents ?? []).map((agent) => ({
      name: agent.name,
      address: agent.address,
      capacity: agent.capacity ?? D.agent.capacity,
      resources: {
        ...(agent.resources?.cpu !== undefined ? { cpu: agent.resources.cpu } : {}),
        ...(agent.resources?.memory !== undefined ? { memoryBytes: bytes(agent.resources.memory) } : {}),
      },
    })),
    fleets,
    phases,
    ...(plan.backlog ? { backlog: { build: plan.backlog.build, then: plan.backlog.then ?? D.backlog.then } } : {}),
    sampling: {
      intervalMs: ms(plan.sampling?.interval ?? D.sampling.interval),
      snapshotMs: ms(plan.sampling?.snapshot ?? D.sampling.snapshot),
    },
    thresholds: thresholds(plan, thresholdKeys),
    faults,
    expect: expectations(plan),
    compare: resolveCompare(plan),
    source: { file, sets: [...sets] },
  };
}

/** Whether any consumer instance, or any drift fault, subscribes with SQL92. */
function usesSql92(fleets: ResolvedPlan['fleets'], faults: readonly ResolvedFault[]): boolean {
  const isSql = (subs: readonly ResolvedSubscription[]) => subs.some((s) => s.type === 'SQL92');
  return (
    fleets.consumers.some((f) => f.perInstance.some((i) => isSql(i.subscriptions))) ||
    faults.some((f) => f.action === 'drift' && isSql(f.params.subscriptions))
  );
}

function resolveAcl(acl: NonNullable<PlanDocument['cluster']>['acl'] & object, secrets: PlanSecrets['users']) {
  return {
    users: acl.users.map((user, i) => {
      const read = secrets[i];
      // The loader reads every secret before resolving; a plan resolved without them cannot sign.
      if (!read) throw new Error(`cluster.acl.users[${i}]: its secret was not read before resolving the plan`);
      return {
        name: user.name,
        ...read,
        allow: (user.allow ?? []).map((p) => ({ resource: p.resource, actions: [...p.actions] })),
      };
    }),
  };
}
