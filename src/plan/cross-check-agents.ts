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
