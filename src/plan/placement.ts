/**
 * Which host runs each fleet instance: this machine, or one of the plan's agents. Pure, so the
 * plan check (capacity, exit 2 before anything starts) and the run place instances the same way.
 *
 * `spread` gives each instance to the agent running the fewest instances so far (ties: the first
 * declared), in plan order (producers, then consumers, instance by instance), so a fleet of n on
 * k agents splits as evenly as the fleets before it allow.
 */
import type { FleetPlacement, ResolvedPlan } from './resolved-plan.ts';

/** The coordinator's own machine, as a host name in placements. */
export const LOCAL_HOST = 'local';

export interface PlacedFleet {
  /** Instance ids in order, e.g. `orders#0`. */
  instances: readonly string[];
  placement: FleetPlacement;
}

/** Instance id → host (an agent name or LOCAL_HOST), and how many instances each agent got. */
export interface Placement {
  hostOf: Map<string, string>;
  load: Map<string, number>;
}

export class Placer {
  private readonly load: Map<string, number>;

  constructor(agents: readonly string[]) {
    this.load = new Map(agents.map((name) => [name, 0]));
  }

  /** The host for one more instance under `placement`; counts it. */
  place(placement: FleetPlacement): string {
    if (placement.kind === 'local') return LOCAL_HOST;
    let host: string | undefined;
    if (placement.kind === 'agent') host = placement.agent;
    else
      for (const [name, count] of this.load) if (host === undefined || count < (this.load.get(host) ?? 0)) host = name;
    if (host === undefined) throw new RangeError('placement spread needs at least one agent');
    if (!this.load.has(host)) throw new RangeError(`placement names agent ${host}, which the plan does not declare`);
    this.load.set(host, (this.load.get(host) ?? 0) + 1);
    return host;
  }

  /** One instance left its host (a scale-down): the next spread counts it gone. */
  release(host: string): void {
    const count = this.load.get(host);
    if (count !== undefined && count > 0) this.load.set(host, count - 1);
  }

  loads(): Map<string, number> {
    return new Map(this.load);
  }
}

/** The plan's fleets in the order they are placed: producers, then consumers, instance by instance. */
export function fleetsToPlace(plan: Pick<ResolvedPlan, 'fleets'>): PlacedFleet[] {
  return [
    ...plan.fleets.producers.map((f) => ({
      instances: Array.from({ length: f.instances }, (_, i) => `${f.name}#${i}`),
      placement: f.placement,
    })),
    ...plan.fleets.consumers.map((f) => ({
      instances: f.perInstance.map((i) => i.instanceId),
      placement: f.placement,
    })),
  ];
}

/** `placer`: to go on placing later instances (a scale fault's) where these left off. */
export function placeFleets(
  agents: readonly string[],
  fleets: readonly PlacedFleet[],
  placer = new Placer(agents),
): Placement {
  const hostOf = new Map<string, string>();
  for (const fleet of fleets) for (const id of fleet.instances) hostOf.set(id, placer.place(fleet.placement));
  return { hostOf, load: placer.loads() };
}
