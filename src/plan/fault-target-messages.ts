/**
 * What is wrong with one target name, in the words a plan author needs: a name of the wrong
 * kind says what it is and what the action takes; a well-formed name of something the cluster
 * does not have says what the cluster has; a typo gets a "did you mean"; anything else gets
 * the list of names the action takes.
 */
import { FAULT_ACTIONS, TARGET_NOUNS, type TargetKind } from './fault-catalogue.ts';
import {
  ALL_KINDS,
  kindsOf,
  namesOfKind,
  validTargets,
  type ClusterShape,
  type FleetShape,
  type TargetUniverse,
} from './fault-targets.ts';
import { closestMatch } from './messages.ts';
import type { FaultActionName } from './resolved-faults.ts';

/** Lists stay readable: the first names, then how many there are. */
const MAX_LISTED = 30;

function listed(names: readonly string[]): string {
  return names.length <= MAX_LISTED
    ? names.join(', ')
    : `${names.slice(0, MAX_LISTED).join(', ')}, ... (${names.length} in all)`;
}

function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const q = (name: string): string => JSON.stringify(name);

/** Why a node name (`namesrv-2`, `broker-c`, `broker-a-s1`, `proxy`) is not in this cluster. */
function nodeProblem(node: string, c: ClusterShape): string | undefined {
  const role = /^(broker-[a-z])@(master|slave)$/.exec(node);
  if (role) {
    const [, broker = '', which] = role;
    if (!c.brokers.includes(broker))
      return `the cluster has ${counted(c.brokers.length, 'master broker')} (${c.brokers.join(', ')})`;
    if (which === 'slave' && c.slavesPerMaster === 0)
      return `${node} names a slave, and the cluster has none (ha ${c.ha}, slavesPerMaster 0)`;
    return undefined;
  }
  if (node === 'controller@leader' && c.ha !== 'controller')
    return `controller@leader names the leading controller, and ha is ${c.ha} (set cluster.ha: controller)`;
  const namesrv = /^namesrv-(\d+)$/.exec(node);
  if (namesrv) {
    if (Number(namesrv[1]) < c.namesrv) return undefined;
    const names = Array.from({ length: c.namesrv }, (_, n) => `namesrv-${n}`);
    return `the cluster has ${counted(c.namesrv, 'name server')} (${names.join(', ')})`;
  }
  const broker = /^(broker-[a-z])(?:-s(\d+))?$/.exec(node);
  if (broker) {
    const [, master = '', slave] = broker;
    if (!c.brokers.includes(master))
      return `the cluster has ${counted(c.brokers.length, 'master broker')} (${c.brokers.join(', ')})`;
    if (slave === undefined || (Number(slave) >= 1 && Number(slave) <= c.slavesPerMaster)) return undefined;
    return c.slavesPerMaster === 0
      ? 'the cluster has no slave brokers (cluster.slavesPerMaster is 0)'
      : `the cluster has ${c.slavesPerMaster} slave per master (${master}-s1)`;
  }
  if (node === 'proxy' && !c.proxy) return 'the cluster has no proxy (set cluster.proxy: true)';
  return undefined;
}

/** A node, or a link `left->right`, that names a node this cluster does not have. */
function clusterProblem(name: string, c: ClusterShape): string | undefined {
  const arrow = name.indexOf('->');
  if (arrow < 0) return nodeProblem(name, c);
  return nodeProblem(name.slice(0, arrow), c) ?? nodeProblem(name.slice(arrow + 2), c);
}

/** `billing#7` of a fleet that exists: out of range, or undefined when the count is unknown. */
function instanceProblem(name: string, fleets: Map<string, FleetShape>): string | undefined {
  const match = /^(.+)#(0|[1-9]\d*)$/.exec(name);
  const fleet = match?.[1] ?? '';
  const shape = fleets.get(fleet);
  const count = shape?.instances;
  if (count === undefined || Number(match?.[2]) < count) return undefined;
  const range = count === 1 ? `${fleet}#0` : `${fleet}#0 to ${fleet}#${count - 1}`;
  return `instance ${q(name)} does not exist: fleet ${fleet} has ${counted(count, 'instance')} (${range})`;
}

/** An instance of a fleet whose count is invalid: it cannot be judged. */
function unjudgedInstance(name: string, fleets: Map<string, FleetShape>): boolean {
  const hash = name.lastIndexOf('#');
  return hash > 0 && fleets.get(name.slice(0, hash))?.instances === undefined && fleets.has(name.slice(0, hash));
}

function everyName(u: TargetUniverse): string[] | undefined {
  const lists = ALL_KINDS.map((kind) => namesOfKind(u, kind));
  return lists.every((l): l is string[] => l !== undefined) ? lists.flat() : undefined;
}

function wrongKind(
  name: string,
  kinds: readonly TargetKind[],
  action: FaultActionName,
  u: TargetUniverse,
): string | undefined {
  const spec = FAULT_ACTIONS[action];
  const suitable = kinds.filter((kind) => spec.targets.includes(kind));
  if (suitable.includes('node') && u.cluster?.external) {
    return (
      `${q(name)} is a node, and provider external has no node faults: an external cluster is not ours to ` +
      'break (rmq-chaos does not run its processes)'
    );
  }
  // A network action on an external cluster is reported once, on its action (cross-check-faults.ts).
  if (suitable.includes('link') && u.cluster?.external) return undefined;
  if (suitable.length > 0) return undefined;
  const valid = validTargets(u, action);
  const names = valid === undefined ? '' : valid.length === 0 ? ', and the plan has none' : ` (${listed(valid)})`;
  return (
    `${q(name)} is ${kinds.map((kind) => TARGET_NOUNS[kind]).join(' and ')}: ${action} takes ` +
    `${spec.targetsPhrase}${names}`
  );
}

/**
 * The problem with one target name for `action` (undefined when the action itself is invalid:
 * then only whether the name exists is judged), or undefined when there is none or the plan is
 * too broken to tell.
 */
export function targetProblem(
  name: string,
  action: FaultActionName | undefined,
  u: TargetUniverse,
): string | undefined {
  const kinds = kindsOf(u, name);
  if (kinds.length > 0) return action ? wrongKind(name, kinds, action, u) : undefined;
  if (u.fleets && unjudgedInstance(name, u.fleets)) return undefined;
  const instance = u.fleets && instanceProblem(name, u.fleets);
  if (instance) return instance;
  const missing = u.cluster && clusterProblem(name, u.cluster);
  if (missing) return `target ${q(name)} does not exist: ${missing}`;
  const all = everyName(u);
  // Some names cannot be listed (a broken count, a fleet without a name): do not call this one unknown.
  if (all === undefined) return undefined;
  const valid = action ? (validTargets(u, action) ?? []) : all;
  const suggestion = closestMatch(name, valid) ?? closestMatch(name, all);
  if (suggestion) return `unknown target ${q(name)} (did you mean ${q(suggestion)}?)`;
  if (!action) return `unknown target ${q(name)}`;
  const phrase = FAULT_ACTIONS[action].targetsPhrase;
  if (valid.length === 0) return `unknown target ${q(name)}: ${action} takes ${phrase}, and the plan has none`;
  return `unknown target ${q(name)} (${action} takes ${phrase}: ${listed(valid)})`;
}
