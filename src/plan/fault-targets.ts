/**
 * What a fault may target in this plan, read defensively from the raw data: the links and
 * nodes the cluster settings imply, the fleets and their instances. A part of the plan that is
 * too broken to list (an invalid broker count, a fleet without a name) is left undefined, and
 * names that would depend on it are not judged: the schema's message about that part is the
 * useful one.
 */
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { FAULT_ACTIONS, TARGET_NOUNS, type TargetKind } from './fault-catalogue.ts';
import { HA_MODES, defaultHaMode, defaultSlavesPerMaster, type HaMode } from '../cluster/ha-modes.ts';
import { int, items, record, str, type Raw } from './raw.ts';
import type { FaultActionName } from './resolved-faults.ts';
import { brokerName } from './resolve-plan.ts';

export interface ClusterShape {
  external: boolean;
  ha: HaMode;
  /** Standalone controllers (ha controller); 0: one embedded in each name server. */
  controllers: number;
  namesrv: number;
  /** Master broker names, `broker-a`, ... */
  brokers: string[];
  slavesPerMaster: number;
  proxy: boolean;
}

export interface FleetShape {
  role: 'producer' | 'consumer';
  /** undefined when the plan's count is invalid (then its instance names are not judged). */
  instances: number | undefined;
}

export interface TargetUniverse {
  cluster?: ClusterShape;
  fleets?: Map<string, FleetShape>;
  /** The plan's agent names (after `--agents`); undefined when the list is broken. */
  agents?: string[];
  /** cluster.acl's user names; undefined when the list is broken. */
  aclUsers?: string[];
}

function clusterShape(plan: Raw): ClusterShape | undefined {
  const cluster = plan.cluster === undefined ? {} : record(plan.cluster);
  if (!cluster) return undefined;
  const setting = (key: string, min: number, max: number, def: number) =>
    cluster[key] === undefined ? def : int(cluster[key], min, max);
  const namesrv = setting('namesrv', L.namesrv.min, L.namesrv.max, D.cluster.namesrv);
  const brokers = setting('brokers', L.brokers.min, L.brokers.max, D.cluster.brokers);
  const rawHa = str(cluster.ha);
  if (cluster.ha !== undefined && !HA_MODES.includes(rawHa as HaMode)) return undefined;
  const givenSlaves =
    cluster.slavesPerMaster === undefined
      ? undefined
      : int(cluster.slavesPerMaster, L.slavesPerMaster.min, L.slavesPerMaster.max);
  if (cluster.slavesPerMaster !== undefined && givenSlaves === undefined) return undefined;
  const ha = (rawHa as HaMode | undefined) ?? defaultHaMode(givenSlaves);
  const slavesPerMaster = givenSlaves ?? defaultSlavesPerMaster(ha);
  const provider = cluster.provider ?? D.cluster.provider;
  const proxy = cluster.proxy ?? D.cluster.proxy;
  if (namesrv === undefined || brokers === undefined || slavesPerMaster === undefined) return undefined;
  if (!['local', 'containers', 'external'].includes(str(provider) ?? '') || typeof proxy !== 'boolean')
    return undefined;
  return {
    external: provider === 'external',
    ha,
    controllers: ha === 'controller' ? (int(cluster.controllers, 0, 3) ?? 0) : 0,
    namesrv,
    brokers: Array.from({ length: brokers }, (_, i) => brokerName(i)),
    slavesPerMaster,
    proxy,
  };
}

function fleetShapes(plan: Raw): Map<string, FleetShape> | undefined {
  const fleets = plan.fleets === undefined ? {} : record(plan.fleets);
  if (!fleets) return undefined;
  const shapes = new Map<string, FleetShape>();
  for (const role of ['producer', 'consumer'] as const) {
    const list = fleets[`${role}s`];
    if (list !== undefined && !Array.isArray(list)) return undefined;
    for (const raw of items(list)) {
      const name = str(record(raw)?.name);
      if (name === undefined) return undefined;
      const count = record(raw)?.instances;
      const def = role === 'producer' ? D.producer.instances : D.consumer.instances;
      // A duplicate name is reported elsewhere; the first fleet of a name is the one targets mean.
      if (!shapes.has(name))
        shapes.set(name, { role, instances: count === undefined ? def : int(count, L.instances.min, L.instances.max) });
    }
  }
  return shapes;
}

function agentNames(plan: Raw): string[] | undefined {
  if (plan.agents !== undefined && !Array.isArray(plan.agents)) return undefined;
  const names = items(plan.agents).map((a) => str(record(a)?.name));
  return names.every((n): n is string => n !== undefined) ? names : undefined;
}

function aclUserNames(plan: Raw): string[] | undefined {
  const users = record(record(plan.cluster)?.acl)?.users;
  if (users !== undefined && !Array.isArray(users)) return undefined;
  const names = items(users).map((u) => str(record(u)?.name));
  return names.every((n): n is string => n !== undefined) ? [...new Set(names)] : undefined;
}

export function targetUniverse(plan: Raw): TargetUniverse {
  const cluster = clusterShape(plan);
  const fleets = fleetShapes(plan);
  const agents = agentNames(plan);
  const aclUsers = aclUserNames(plan);
  return {
    ...(cluster ? { cluster } : {}),
    ...(fleets ? { fleets } : {}),
    ...(agents ? { agents } : {}),
    ...(aclUsers ? { aclUsers } : {}),
  };
}

function slaves(c: ClusterShape, broker: string): string[] {
  return Array.from({ length: c.slavesPerMaster }, (_, m) => `${broker}-s${m + 1}`);
}

function namesrvs(c: ClusterShape): string[] {
  return Array.from({ length: c.namesrv }, (_, n) => `namesrv-${n}`);
}

/** Names of a role, resolved to a node when the fault fires (see cluster/roles.ts). */
export function roleTargets(c: ClusterShape): string[] {
  return [
    ...c.brokers.flatMap((b) => [`${b}@master`, ...(c.slavesPerMaster > 0 ? [`${b}@slave`] : [])]),
    ...(c.ha === 'controller' ? ['controller@leader'] : []),
  ];
}

/** `controller-i`: standalone controllers, or the controllers embedded in the name servers (links only). */
function controllerNames(c: ClusterShape): string[] {
  const count = c.ha !== 'controller' ? 0 : c.controllers > 0 ? c.controllers : c.namesrv;
  return Array.from({ length: count }, (_, i) => `controller-${i}`);
}

export function nodeNames(c: ClusterShape): string[] {
  return [
    ...namesrvs(c),
    ...(c.controllers > 0 ? controllerNames(c) : []),
    ...c.brokers.flatMap((b) => [b, ...slaves(c, b)]),
    ...(c.proxy ? ['proxy'] : []),
    ...roleTargets(c),
  ];
}

export function linkNames(c: ClusterShape): string[] {
  // With the controller, slaves replicate straight from whoever is master (not through Toxiproxy),
  // and every replica reaches every controller (one per name server) through a link of its own.
  const controllerLinks = (b: string) =>
    [b, ...slaves(c, b), `${b}@master`, `${b}@slave`].flatMap((n) => controllerNames(c).map((ctl) => `${n}->${ctl}`));
  return [
    ...c.brokers.flatMap((b) => [`producers->${b}`, `consumers->${b}`]),
    ...namesrvs(c).map((n) => `clients->${n}`),
    ...(c.proxy ? ['clients->proxy'] : []),
    ...c.brokers.flatMap((b) => [
      ...namesrvs(c).map((n) => `${b}->${n}`),
      ...(c.ha === 'controller' ? controllerLinks(b) : slaves(c, b).map((s) => `${b}->${s}`)),
    ]),
  ];
}

function instanceNames(fleets: Map<string, FleetShape>, role: FleetShape['role']): string[] | undefined {
  const names: string[] = [];
  for (const [fleet, shape] of fleets) {
    if (shape.role !== role) continue;
    if (shape.instances === undefined) return undefined;
    for (let i = 0; i < shape.instances; i++) names.push(`${fleet}#${i}`);
  }
  return names;
}

/** Every name of one kind, or undefined when the plan is too broken to list them. */
export function namesOfKind(u: TargetUniverse, kind: TargetKind): string[] | undefined {
  const fleetsOf = (role: FleetShape['role']) =>
    u.fleets ? [...u.fleets].filter(([, s]) => s.role === role).map(([n]) => n) : undefined;
  switch (kind) {
    case 'link':
      return u.cluster && (u.cluster.external ? [] : linkNames(u.cluster));
    case 'node':
      return u.cluster && (u.cluster.external ? [] : nodeNames(u.cluster));
    case 'producer-instance':
      return u.fleets && instanceNames(u.fleets, 'producer');
    case 'consumer-instance':
      return u.fleets && instanceNames(u.fleets, 'consumer');
    case 'consumer-fleet':
      return fleetsOf('consumer');
    case 'producer-fleet':
      return fleetsOf('producer');
    case 'agent':
      return u.agents;
    case 'acl-user':
      return u.aclUsers;
  }
}

/** Every name the action may target, or undefined when some of them cannot be listed. */
export function validTargets(u: TargetUniverse, action: FaultActionName): string[] | undefined {
  const lists = FAULT_ACTIONS[action].targets.map((kind) => namesOfKind(u, kind));
  return lists.every((l): l is string[] => l !== undefined) ? lists.flat() : undefined;
}

export const ALL_KINDS = Object.keys(TARGET_NOUNS) as TargetKind[];

/** What node names look like, whatever the cluster's size. */
const ROLE = String.raw`broker-[a-z]@(?:master|slave)|controller@leader`;
const NODE = String.raw`(?:namesrv-\d+|broker-[a-z](?:-s\d+)?|proxy|controller-\d+|${ROLE})`;
const NODE_NAME = new RegExp(`^${NODE}$`);
/**
 * The links the clients dial themselves, which agents can put in front of their own workers
 * (agents/agent-links.ts): `producers->X`, `consumers->X`, `clients->namesrv-N`, `clients->proxy`.
 */
export const CLIENT_LINK_NAME = new RegExp(`^(?:(?:producers|consumers)->${NODE}|clients->(?:namesrv-\\d+|proxy))$`);
/** What link names look like: `producers->broker-a`, `clients->namesrv-0`, `broker-a->broker-a-s1`. */
const LINK_NAME = new RegExp(`^(?:producers|consumers|clients|${NODE})->${NODE}$`);

/**
 * The kinds of a name that exists in this plan: usually one, but a fleet may be named like a
 * node (`proxy`). On an external cluster every node-shaped name is a node and every link-shaped
 * name a link: the plan does not describe that cluster's size, and neither may be faulted anyway.
 */
export function kindsOf(u: TargetUniverse, name: string): TargetKind[] {
  const external = u.cluster?.external;
  return ALL_KINDS.filter(
    (kind) =>
      (external && kind === 'node' && NODE_NAME.test(name)) ||
      (external && kind === 'link' && LINK_NAME.test(name)) ||
      (kind === 'link' && isAgentLink(u, name)) ||
      namesOfKind(u, kind)?.includes(name),
  );
}

/**
 * One agent's copy of a client link, `agent-2/consumers->broker-a`: the link on that host only
 * (agents/agent-links.ts), so one host can be cut off while the others are not.
 */
export function agentLinkParts(name: string): { agent: string; link: string } | undefined {
  const slash = name.indexOf('/');
  return slash <= 0 ? undefined : { agent: name.slice(0, slash), link: name.slice(slash + 1) };
}

function isAgentLink(u: TargetUniverse, name: string): boolean {
  const parts = agentLinkParts(name);
  if (!parts || !u.agents?.includes(parts.agent) || !CLIENT_LINK_NAME.test(parts.link)) return false;
  return u.cluster === undefined || u.cluster.external || linkNames(u.cluster).includes(parts.link);
}
