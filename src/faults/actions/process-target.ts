import type { NodeControl } from '../../cluster/node-control.ts';
import type { FaultContext, FleetControl } from '../fault-action.ts';
import { HarnessError } from '../../util/errors.ts';

/** A process fault's target: a cluster node (`broker-a`) or a fleet instance (`billing#1`). */
export type ProcessTarget =
  | { kind: 'node'; control: NodeControl; name: string }
  | { kind: 'instance'; control: FleetControl; name: string };

export function processTarget(target: string, context: FaultContext): ProcessTarget {
  if (context.nodes?.names().includes(target)) return { kind: 'node', control: context.nodes, name: target };
  if (context.fleet && (target.includes('#') || context.fleet.instances().includes(target)))
    return { kind: 'instance', control: context.fleet, name: target };
  throw new HarnessError('fault-target', `no node or fleet instance named ${target} in this run`);
}
