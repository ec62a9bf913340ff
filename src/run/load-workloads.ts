/**
 * The load phase's workloads beside the phase clock (run/stages.ts calls them): `backlog`
 * holds the consumers before the producers start and builds until its backlog is there (its
 * producers stop then, so the load phase ends with it); `rate: max` searches within the load
 * phase. Each returns a promise the load stage awaits before it ends.
 */
import type { FleetWorker } from '../fleet/fleet-worker.ts';
import { BacklogBuild } from './backlog-build.ts';
import type { FleetLayout } from './fleet-layout.ts';
import type { FleetManager } from './fleet-manager.ts';
import { runRateSearch } from './rate-search-run.ts';
import type { RunSession } from './run-session.ts';

/** With `backlog` in the plan: the build is made and the consumers held, before any producer starts. */
export function holdForBacklog(session: RunSession, fleet: FleetManager, layout: FleetLayout): void {
  const { plan } = session;
  if (!plan.backlog) return;
  session.backlog = new BacklogBuild(plan.backlog, {
    fleet,
    measurements: session.measurements,
    events: session.events,
    startedAt: session.startedAt,
    log: session.log,
  });
  session.backlog.hold(layout.consumers.map((c) => c.instanceId));
}

/** The search on its fleet's producers, the backlog's build on all of them; none when the plan has neither. */
export function startWorkloads(
  session: RunSession,
  layout: FleetLayout,
  producers: readonly FleetWorker[],
  loadStart: number,
): Promise<void>[] {
  const { plan, signal } = session;
  const workloads: Promise<void>[] = [];
  const searched = plan.fleets.producers.find((f) => f.rateSearch !== undefined);
  if (searched?.rateSearch) {
    const ids = new Set(layout.producers.filter((c) => c.fleet === searched.name).map((c) => c.producerId));
    workloads.push(
      runRateSearch({
        fleet: { ...searched, rateSearch: searched.rateSearch },
        producers: producers.filter((p) => ids.has(p.id)),
        measurements: session.measurements,
        events: session.events,
        startedAt: session.startedAt,
        loadMs: plan.phases.loadMs,
        signal,
        log: session.log,
      }),
    );
  }
  if (session.backlog) workloads.push(session.backlog.build(producers, loadStart + plan.phases.loadMs, signal));
  return workloads;
}
