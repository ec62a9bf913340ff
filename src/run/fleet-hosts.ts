/**
 * Where each fleet instance runs and how it is started there: a child of this process, or a
 * worker on the agent placement chose (plan/placement.ts; instances a scale fault adds later
 * are placed by their fleet's rule then). Also puts every worker report on the coordinator's
 * clock: a report's own times by its host's offset, born times by their producer's host's.
 */
import { join } from 'node:path';
import type { AgentPool } from '../agents/agent-pool.ts';
import { type HostClocks, toCoordinatorClock } from '../agents/clock-correction.ts';
import { type WorkerKind, workerLogName } from '../fleet/fleet-worker.ts';
import type { FromWorker } from '../fleet/protocol.ts';
import { startLocalWorker } from '../fleet/worker-launch.ts';
import type { WorkerPrograms } from '../fleet/worker-programs.ts';
import type { StartedWorker } from '../fleet/worker-process.ts';
import { fleetsToPlace, LOCAL_HOST, Placer, placeFleets } from '../plan/placement.ts';
import type { FleetPlacement, ResolvedPlan } from '../plan/resolved-plan.ts';
import type { RunResources } from '../runtime/run-resources.ts';

export class FleetHosts {
  private readonly hostOf: Map<string, string>;
  private readonly placer: Placer;
  private readonly placementOf: Map<string, FleetPlacement>;
  private readonly producerFleets: Set<string>;
  private readonly consumerFleets: Set<string>;

  constructor(
    plan: ResolvedPlan,
    private readonly resources: RunResources,
    private readonly programs: WorkerPrograms,
    private readonly agents: AgentPool | undefined,
  ) {
    const agentNames = plan.agents.map((a) => a.name);
    this.placer = new Placer(agentNames);
    const fleets = [...plan.fleets.producers, ...plan.fleets.consumers];
    this.placementOf = new Map(fleets.map((f) => [f.name, f.placement]));
    this.producerFleets = new Set(plan.fleets.producers.map((f) => f.name));
    this.consumerFleets = new Set(plan.fleets.consumers.map((f) => f.name));
    // Placed as validation counted them against capacity.
    this.hostOf = placeFleets(agentNames, fleetsToPlace(plan), this.placer).hostOf;
  }

  /** The host of an instance: an agent's name or LOCAL_HOST. */
  host(id: string): string {
    return this.hostOf.get(id) ?? LOCAL_HOST;
  }

  start(id: string, kind: WorkerKind, fleet: string): StartedWorker {
    let host = this.hostOf.get(id);
    if (host === undefined) {
      host = this.placer.place(this.placementOf.get(fleet) ?? { kind: 'local' });
      this.hostOf.set(id, host);
    }
    if (host === LOCAL_HOST || !this.agents) {
      const logFile = join(this.resources.workDir, workerLogName(kind, id));
      return startLocalWorker(this.resources, this.programs.launchOf(id, fleet), `${kind} ${id}`, logFile);
    }
    return this.agents.spawn(host, id, kind, this.programs.programOf(id, fleet));
  }

  /** Instances on `host` now (for an agent fault). */
  instancesOn(host: string): string[] {
    return [...this.hostOf].filter(([, h]) => h === host).map(([id]) => id);
  }

  toCoordinatorClock(id: string, message: FromWorker): FromWorker {
    return this.agents ? toCoordinatorClock(message, this.clocksOf(id)) : message;
  }

  /** The offsets that put instance `id`'s reports on the coordinator's clock. */
  clocksOf(id: string): HostClocks {
    const agents = this.agents;
    // Whole ms: workers stamp whole ms, and a fraction would only dress the figures up.
    const offset = (host: string) => (host === LOCAL_HOST || !agents ? 0 : Math.round(agents.clockOf(host).offsetMs));
    return { own: offset(this.host(id)), producer: (producerId) => offset(this.host(producerId)) };
  }

  /**
   * The error bound of end-to-end latency: the largest bound of a host some consumer ran on
   * plus the largest of a host some producer ran on (0 when everything ran here).
   */
  latencyErrorMs(): number {
    if (!this.agents) return 0;
    const agents = this.agents;
    const worst = (fleets: Set<string>) =>
      Math.max(
        0,
        ...[...this.hostOf]
          .filter(([id, host]) => host !== LOCAL_HOST && fleets.has(id.slice(0, id.lastIndexOf('#'))))
          .map(([, host]) => agents.clockOf(host).errorMs),
      );
    return worst(this.consumerFleets) + worst(this.producerFleets);
  }
}
