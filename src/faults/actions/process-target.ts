import type { NodeControl } from '../../cluster/node-control.ts';
import type { AgentControl, FaultContext, FleetControl } from '../fault-action.ts';
import { HarnessError } from '../../util/errors.ts';
import { isRoleTarget } from '../../cluster/roles.ts';

/** A process fault's target: a cluster node (`broker-a`) or a fleet instance (`billing#1`). */
export type ProcessTarget =
  | { kind: 'node'; control: NodeControl; name: string; role?: string }
  | { kind: 'instance'; control: FleetControl; name: string }
  | { kind: 'agent'; control: AgentControl; name: string };

/** Resolves the target when the fault fires: a role target (`broker-a@master`) becomes the node in that role now. */
export async function processTarget(target: string, context: FaultContext): Promise<ProcessTarget> {
  if (isRoleTarget(target)) {
    if (!context.roles || !context.nodes)
      throw new HarnessError('fault-target', `${target} names a role, and this cluster has no replicas to ask`);
    return { kind: 'node', control: context.nodes, name: await context.roles.resolve(target), role: target };
  }
  if (context.nodes?.names().includes(target)) return { kind: 'node', control: context.nodes, name: target };
  if (context.agents?.names().includes(target)) return { kind: 'agent', control: context.agents, name: target };
  if (context.fleet && (target.includes('#') || context.fleet.instances().includes(target)))
    return { kind: 'instance', control: context.fleet, name: target };
  throw new HarnessError('fault-target', `no node or fleet instance named ${target} in this run`);
}

/** A node or an instance: what pause and restart act on (validation keeps agents to kill). */
export function processOnly(t: ProcessTarget, action: string): Exclude<ProcessTarget, { kind: 'agent' }> {
  if (t.kind === 'agent') throw new HarnessError('fault-target', `${action} does not apply to agents (kill does)`);
  return t;
}

/** `node broker-a-s1 (broker-a@master)`: what was hit, and the role that named it. */
export function describeTarget(t: ProcessTarget): string {
  return `${t.kind} ${t.name}${t.kind === 'node' && t.role ? ` (${t.role})` : ''}`;
}

/** `{ node }` for an observed fault that hit a cluster node, else nothing. */
export function hitNode(t: ProcessTarget): { node?: string } {
  return t.kind === 'node' ? { node: t.name } : {};
}
