/**
 * Agents against fleets: unique agent names and addresses, placements that name a declared
 * agent (and spread only with agents), and no agent given more instances than its capacity,
 * counted the way the run will place them (plan/placement.ts).
 */
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { closestMatch } from './messages.ts';
import { placeFleets, type PlacedFleet } from './placement.ts';
import { int, items, record, str, type Raw } from './raw.ts';
import type { FleetPlacement } from './resolved-plan.ts';
import { agentLinkParts, CLIENT_LINK_NAME } from './fault-targets.ts';
import type { PendingIssue } from './zod-issues.ts';

interface RawAgent {
  name: string;
  index: number;
  capacity: number | undefined;
}

function declaredAgents(plan: Raw, issues: PendingIssue[]): RawAgent[] | undefined {
  const agents: RawAgent[] = [];
  const addresses = new Map<string, string>();
  let complete = plan.agents === undefined || Array.isArray(plan.agents);
  items(plan.agents).forEach((raw, index) => {
    const agent = record(raw);
    const name = str(agent?.name);
    if (name === undefined) return void (complete = false);
    const first = agents.find((a) => a.name === name);
    if (first)
      issues.push({
        path: ['agents', index, 'name'],
        anchor: 'value',
        message: `agent name "${name}" is already used by agents[${first.index}]`,
      });
    const address = str(agent?.address);
    const sameAddress = address === undefined ? undefined : addresses.get(address);
    if (address !== undefined && sameAddress !== undefined)
      issues.push({
        path: ['agents', index, 'address'],
        anchor: 'value',
        message: `address ${address} is already agent ${sameAddress}'s: one agent per address`,
      });
    if (address !== undefined) addresses.set(address, name);
    const capacity =
      agent?.capacity === undefined ? D.agent.capacity : int(agent.capacity, L.agentCapacity.min, L.agentCapacity.max);
    agents.push({ name, index, capacity });
  });
  return complete ? agents : undefined;
}

/** The fleet's placement as written, or undefined when it is not one the schema accepts. */
function rawPlacement(value: unknown, hasAgents: boolean): FleetPlacement | undefined {
  if (value === undefined) return hasAgents ? { kind: 'spread' } : { kind: 'local' };
  if (value === 'local' || value === 'spread') return { kind: value };
  const agent = str(record(value)?.agent);
  return agent === undefined ? undefined : { kind: 'agent', agent };
}

export function checkAgents(plan: Raw, issues: PendingIssue[]): void {
  const agents = declaredAgents(plan, issues);
  const names = [...new Set(agents?.map((a) => a.name) ?? [])];
  const fleets = record(plan.fleets);
  const placed: PlacedFleet[] = [];
  let countable = agents !== undefined;
  for (const kind of ['producers', 'consumers'] as const) {
    items(fleets?.[kind]).forEach((raw, i) => {
      const fleet = record(raw);
      const name = str(fleet?.name);
      const count = fleet?.instances === undefined ? 1 : int(fleet.instances, L.instances.min, L.instances.max);
      const placement = rawPlacement(fleet?.placement, names.length > 0);
      if (placement?.kind === 'spread' && agents !== undefined && names.length === 0) {
        issues.push({
          path: ['fleets', kind, i, 'placement'],
          anchor: 'value',
          message: 'placement spread needs agents: declare them under agents, or use --agents host:port,...',
        });
        countable = false;
      }
      if (placement?.kind === 'agent' && agents !== undefined && !names.includes(placement.agent)) {
        const close = closestMatch(placement.agent, names);
        issues.push({
          path: ['fleets', kind, i, 'placement', 'agent'],
          anchor: 'value',
          message:
            `agent "${placement.agent}" is not declared in agents ` +
            `(declared: ${names.length > 0 ? names.join(', ') : 'none'})${close ? `; did you mean ${close}?` : ''}`,
        });
        countable = false;
      }
      if (name === undefined || count === undefined || placement === undefined) return void (countable = false);
      placed.push({ instances: Array.from({ length: count }, (_, k) => `${name}#${k}`), placement });
    });
  }
  if (!countable || !agents) return;
  const { load, hostOf } = placeFleets(names, placed);
  for (const agent of agents) {
    const count = load.get(agent.name) ?? 0;
    if (agent.capacity === undefined || count <= agent.capacity) continue;
    const byFleet = new Map<string, number>();
    for (const [id, host] of hostOf) {
      const fleet = id.slice(0, id.lastIndexOf('#'));
      if (host === agent.name) byFleet.set(fleet, (byFleet.get(fleet) ?? 0) + 1);
    }
    const fleetsText = [...byFleet].map(([fleet, n]) => `${fleet} ${n}`).join(', ');
    const capacityWritten = record(items(plan.agents)[agent.index])?.capacity !== undefined;
    issues.push({
      path: ['agents', agent.index, ...(capacityWritten ? ['capacity'] : [])],
      anchor: 'value',
      message:
        `the plan places ${count} instances on agent ${agent.name} (${fleetsText}), over its capacity of ` +
        `${agent.capacity}: raise capacity, add agents, or place fleets elsewhere`,
    });
  }
}

/** The names a raw fault target lists: one, a list, or `{random: [...]}`. */
function targetNames(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  const random = record(value);
  return (random ? items(random.random) : items(value)).filter((n): n is string => typeof n === 'string');
}

/**
 * Network faults with agents against a cluster other hosts reach (external, or local with
 * `advertise`): the links live on the agents, in front of their own workers
 * (agents/agent-links.ts). So only the clients' links can be faulted, and every fleet must run
 * on an agent: one placed here would dial the cluster around every link. One agent's copy of a
 * link (`agent-2/consumers->broker-a`) exists only there.
 */
export function checkLinksOnAgents(plan: Raw, issues: PendingIssue[]): void {
  const cluster = record(plan.cluster);
  const remote = cluster?.provider === 'external' || cluster?.advertise !== undefined;
  const agents = items(plan.agents).length > 0;
  const where = cluster?.provider === 'external' ? 'provider external' : 'cluster.advertise';
  let faulted = false;
  items(plan.faults).forEach((raw, index) => {
    const fault = record(raw);
    if (!str(fault?.action)?.startsWith('network.')) return;
    faulted = true;
    targetNames(fault?.target).forEach((name, j) => {
      const listed =
        typeof fault?.target === 'string'
          ? ['target']
          : record(fault?.target)
            ? ['target', 'random', j]
            : ['target', j];
      const scoped = agentLinkParts(name);
      const declared = items(plan.agents).some((a) => str(record(a)?.name) === scoped?.agent);
      // An undeclared agent or a link that is not a client's: the target check calls it unknown.
      if (scoped && (!declared || !CLIENT_LINK_NAME.test(scoped.link))) return;
      if (scoped && !remote)
        issues.push({
          path: ['faults', index, ...listed],
          anchor: 'value',
          message:
            `${name} is agent ${scoped.agent}'s own link, and only links on the agents' hosts are per agent: set ` +
            'cluster.advertise to an address the agents reach (127.0.0.1 for agents on this machine), or use ' +
            'provider external',
        });
      if (scoped || !remote || !agents || CLIENT_LINK_NAME.test(name)) return;
      issues.push({
        path: ['faults', index, ...listed],
        anchor: 'value',
        message:
          `${name} is not a client link: with agents and ${where}, the links are the agents' own, in front of ` +
          'their workers (producers->X, consumers->X, clients->namesrv-N, clients->proxy); a link the brokers ' +
          'dial themselves needs provider local without advertise',
      });
    });
  });
  if (!faulted || !remote || !agents) return;
  const fleets = record(plan.fleets);
  for (const kind of ['producers', 'consumers'] as const)
    items(fleets?.[kind]).forEach((raw, i) => {
      if (record(raw)?.placement !== 'local') return;
      issues.push({
        path: ['fleets', kind, i, 'placement'],
        anchor: 'value',
        message:
          `placement local: with agents and ${where}, the network faults act on the agents' links, and this ` +
          'machine has none; place the fleet on an agent (spread, or {agent: name})',
      });
    });
}
