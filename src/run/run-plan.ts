import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProvider } from '../cluster/registry.ts';
import { createTopics } from '../cluster/topics.ts';
import type { StartedCluster } from '../cluster/provider.ts';
import { allQueueKeys } from '../metrics/queue-keys.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import { buildSummary } from './build-summary.ts';
import { type RunSummary } from '../result/run-summary.ts';
import { RunResources } from '../runtime/run-resources.ts';
import { RunState } from '../runtime/run-state.ts';
import { cachePaths } from '../setup/cache-dir.ts';
import { HarnessError, UsageError } from '../util/errors.ts';
import { sleep, withinTime } from '../util/sleep.ts';
import { clusterSpecOf } from './cluster-spec.ts';
import { EventLog } from './event-log.ts';
import { groupExpectation } from './expectations.ts';
import { layoutFleets } from './fleet-layout.ts';
import { FleetManager } from './fleet-manager.ts';
import { faultOccurrences } from './fault-plan.ts';
import { FaultScheduler } from '../faults/scheduler.ts';
import { getFaultAction } from '../faults/registry.ts';
import { Measurements } from './measurements.ts';
import { describePartial, groupsSettled, settleTargets } from './warmup-settle.ts';
import { PhaseClock } from './phase-clock.ts';
import type { Progress } from './progress.ts';
import { Sampler } from './sampler.ts';
import { Observer } from './observer.ts';
import { ThresholdAbort } from '../checks/threshold-abort.ts';
import { diagnose, type Finding } from '../checks/diagnoses/index.ts';

export interface RunOptions {
  plan: ResolvedPlan;
  reportsDir: string;
  keep: boolean;
  signal: AbortSignal;
  progress: Progress;
  /** Called once resources exist, so a second Ctrl-C can kill everything synchronously. */
  onResources?: (resources: RunResources) => void;
}

export interface RunOutcome {
  summary: RunSummary;
  reportDir: string;
}

const WORKER_READY_MS = 60_000;

export function makeRunId(planName: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-');
  return `${stamp}-${planName}`;
}

/**
 * One run of a plan: cluster up, topics, consumers (warmup), producers (load), drain, stop,
 * measure. Every resource belongs to one RunResources, released however the run ends.
 */
export async function runPlan(options: RunOptions): Promise<RunOutcome> {
  const { plan, progress } = options;
  // Thresholds with abortOnFail end the run early, but it still stops cleanly and reports.
  const thresholdAbort = new ThresholdAbort(plan);
  const signal = AbortSignal.any([options.signal, thresholdAbort.signal]);
  refuseUnimplementedModes(plan);
  const runId = makeRunId(plan.name);
  const reportDir = join(options.reportsDir, runId);
  mkdirSync(reportDir, { recursive: true });
  const workDir = join(tmpdir(), 'rmq-chaos', runId);
  mkdirSync(workDir, { recursive: true });
  const log = (line: string) => progress.log(line);
  const resources = new RunResources(RunState.create(cachePaths().runs, { runId, workDir, keep: options.keep }), log);
  resources.startWatchdog();
  options.onResources?.(resources);
  const events = new EventLog(join(reportDir, 'events.ndjson'));
  const startedAt = Date.now();
  const measurements = new Measurements(events, startedAt);
  const phases = new PhaseClock(events);
  let fleet: FleetManager | undefined;
  let faults: FaultScheduler | undefined;
  let cluster: StartedCluster | undefined;
  let sampler: Sampler | undefined;
  let observer: Observer | undefined;
  let drained = false;
  const checkAbort = () => {
    if (options.signal.aborted)
      throw new HarnessError('aborted', `run aborted (${String(options.signal.reason ?? 'signal')})`);
    if (thresholdAbort.signal.aborted) throw thresholdAbort;
  };

  try {
    phases.enter('cluster');
    // Toxiproxy goes under the cluster only when the plan faults a link.
    const network = plan.faults.some((f) => f.action.startsWith('network.'));
    cluster = await getProvider(plan.cluster.provider).start(clusterSpecOf(plan), { resources, log, network });
    const startedCluster = cluster;
    resources.defer('cluster', () => startedCluster.stop());
    events.emit('cluster-ready', {
      startMs: Math.round(cluster.startMs),
      endpoints: cluster.endpoints,
      nodes: cluster.nodes.map((n) => ({ name: n.name, role: n.role, pid: n.pid })),
    });
    checkAbort();
    await createTopics(cluster.endpoints, plan.topics, log);
    checkAbort();

    const masters = cluster.endpoints.brokers.filter((b) => b.brokerId === 0).map((b) => b.name);
    const clusteringGroups = [
      ...new Set(plan.fleets.consumers.filter((f) => f.model === 'clustering').map((f) => f.group)),
    ];
    // Pop (grpc) consumers hold no queues: the broker hands out messages, so there is no
    // assignment to converge and no rebalance latency to measure for their groups.
    const queueOwningGroups = clusteringGroups.filter((g) =>
      plan.fleets.consumers
        .filter((f) => f.group === g)
        .every((f) => f.perInstance.every((i) => i.protocol === 'remoting')),
    );
    for (const group of queueOwningGroups) {
      const topics = new Set(
        plan.fleets.consumers
          .filter((f) => f.group === group)
          .flatMap((f) => f.perInstance.flatMap((i) => i.subscriptions.map((s) => s.topic))),
      );
      measurements.rebalance.addGroup(
        group,
        allQueueKeys(
          plan.topics.filter((t) => topics.has(t.name)),
          masters,
        ),
      );
    }
    const totalMs =
      plan.phases.warmupMs + plan.phases.loadMs + plan.phases.chaosMs + plan.phases.healMs + plan.phases.drainMs;
    sampler = new Sampler({
      endpoints: cluster.endpoints,
      groups: clusteringGroups,
      measurements,
      intervalMs: plan.sampling.intervalMs,
      file: join(reportDir, 'timeseries.ndjson'),
      phase: () => phases.current,
      onRow: (row) => {
        thresholdAbort.check(measurements, Date.now() - startedAt, log);
        progress.update({
          phase: phases.current,
          elapsedMs: phases.sinceStartOf('warmup'),
          totalMs,
          sent: measurements.totalAttempted(),
          acked: measurements.ledger.totalAcked(),
          received: measurements.totalReceipts(),
          backlog: row.backlogLedger,
          sendErrors: measurements.totalSendErrors(),
        });
      },
    });
    sampler.start();

    const layout = layoutFleets(plan, runId, cluster.endpoints);
    const crashPolicy = new Map(plan.fleets.consumers.map((f) => [f.name, f.onCrash]));
    fleet = new FleetManager({
      resources,
      measurements,
      events,
      log,
      startedAt,
      crashFailsRun: (name) => crashPolicy.get(name) !== 'continue',
      expectationOf: (group) => groupExpectation(plan, group),
    });
    const fleetManager = fleet;
    const startedClusterForFaults = cluster;
    faults = new FaultScheduler({
      occurrences: faultOccurrences(plan),
      actionOf: getFaultAction,
      context: {
        ...(startedClusterForFaults.network ? { network: startedClusterForFaults.network } : {}),
        nodes: startedClusterForFaults.nodeControl,
        fleet: fleetManager,
        log,
      },
      events,
      attribution: measurements.attribution,
      startedAt,
    });
    const scheduler = faults;
    // Diagnoses read the brokers' view of groups whose clients answer running-info requests:
    // remoting clients do; gRPC clients sit behind the proxy.
    const observedGroups = [...new Set(plan.fleets.consumers.map((f) => f.group))].filter((g) =>
      plan.fleets.consumers
        .filter((f) => f.group === g)
        .every((f) => f.perInstance.every((i) => i.protocol === 'remoting')),
    );
    observer = new Observer({
      endpoints: cluster.endpoints,
      groups: observedGroups,
      intervalMs: plan.sampling.snapshotMs,
      file: join(reportDir, 'snapshots.ndjson'),
      processOf: (instance) => fleetManager.processState(instance),
    });
    observer.start();

    // A threshold with abortOnFail that fails skips the rest of the phases, not the stop.
    try {
      phases.enter('warmup');
      scheduler.enterPhase('warmup');
      await Promise.all(layout.consumers.map((config) => fleetManager.startConsumer(config)));
      events.emit('consumers-ready', { instances: layout.consumers.map((c) => c.instanceId) });
      // Warmup is for the groups to settle: load starts once every clustering group's queues are
      // a disjoint cover of its live instances (bounded), and not before the warmup time. A group
      // whose instances subscribe different topics can only cover the topics they all subscribe.
      const warmupEnd = Date.now() + plan.phases.warmupMs;
      const targets = settleTargets(plan, queueOwningGroups, masters);
      for (const target of targets) if (target.partial.length > 0) log(describePartial(target));
      // The poll must end when the bound does: a group that never settles would otherwise keep
      // polling, and the process alive, after the run.
      const settleWait = new AbortController();
      const settled = await withinTime(
        waitUntil(
          () => groupsSettled(targets, measurements.rebalance.events, measurements.assignments),
          AbortSignal.any([signal, settleWait.signal]),
        ),
        Math.max(plan.phases.warmupMs, 30_000),
        signal,
      );
      settleWait.abort();
      if (!settled)
        log('warmup: the consumer groups did not settle on a queue assignment within 30 s; starting load anyway');
      await sleep(Math.max(0, warmupEnd - Date.now()), signal);
      checkAbort();

      phases.enter('load');
      scheduler.enterPhase('load');
      const producers = layout.producers.map((config) => fleetManager.startProducer(config));
      // Producers send through load, chaos and heal (the steady state, the faults, the recovery).
      const loadStart = Date.now();
      const chaosAt = loadStart + plan.phases.loadMs;
      for (const [name, at, ms] of [
        ['chaos', chaosAt, plan.phases.chaosMs],
        ['heal', chaosAt + plan.phases.chaosMs, plan.phases.healMs],
      ] as const) {
        if (ms === 0) continue;
        await sleep(Math.max(0, at - Date.now()), signal);
        checkAbort();
        phases.enter(name);
        scheduler.enterPhase(name);
      }
      // A producer exits by itself after its sending time; wait for all of them, bounded.
      const sendingMs = plan.phases.loadMs + plan.phases.chaosMs + plan.phases.healMs;
      await withinTime(Promise.all(producers.map((p) => p.proc.exited)), sendingMs + WORKER_READY_MS, signal);
      checkAbort();

      phases.enter('drain');
      scheduler.enterPhase('drain');
      const drainStart = Date.now();
      const drainDeadline = drainStart + plan.phases.drainMs;
      // Faults planned in the drain phase happen even when the backlog is gone sooner.
      const drainFaultsEnd = drainStart + lastDrainFaultEndMs(plan);
      while (Date.now() < drainDeadline && !signal.aborted) {
        if (measurements.ledgerBacklog() === 0 && Date.now() >= drainFaultsEnd) {
          drained = true;
          break;
        }
        await sleep(100, signal);
      }
      events.emit('drain-end', { drained, backlog: measurements.ledgerBacklog() });
      checkAbort();
    } catch (error) {
      if (error !== thresholdAbort) throw error;
      events.emit('aborted-by-threshold', { ...thresholdAbort.abortedBy });
    }

    phases.enter('stop');
    await observer.stop();
    // Every fault is undone before the fleet stops, so consumers close on a healthy network.
    await scheduler.endAll();
    // Consumers commit their offsets when they close, so the final broker sample after this
    // is comparable with the ledger.
    await Promise.all(
      fleetManager
        .all()
        .filter((w) => !w.proc.hasExited)
        .map((w) => w.stop()),
    );
    await sampler.stop(true);
  } finally {
    await faults?.endAll();
    await sampler?.stop(false);
    await observer?.stop();
    progress.done();
    phases.end();
    await resources.release();
    await events.close();
    if (options.keep) log(`kept node configs, stores and logs in ${workDir}`);
  }
  const findings: Finding[] = diagnose({
    snapshots: observer?.snapshots ?? [],
    run: { duplicates: measurements.attribution.perGroupWindow(), uniqueByGroup: uniqueByGroup(measurements) },
  });
  const summary = buildSummary({
    plan,
    runId,
    startedAt,
    endedAt: Date.now(),
    cluster,
    measurements,
    drained,
    crashes: fleet?.crashes ?? [],
    faults: faults?.records ?? [],
    phases: phases.summary(startedAt),
    findings,
    ...(thresholdAbort.abortedBy ? { abortedBy: thresholdAbort.abortedBy } : {}),
  });
  return { summary, reportDir };
}

/** Unique receipts per consumer group (broadcasting instances summed), for duplicate rates. */
function uniqueByGroup(m: Measurements): Record<string, number> {
  const out: Record<string, number> = {};
  for (const scope of m.scopes()) {
    const group = scope.split('/')[0]!;
    out[group] = (out[group] ?? 0) + m.ledger.summarize(scope).unique;
  }
  return out;
}

/** When the last drain-phase fault ends, from the start of the drain phase (0 when none). */
function lastDrainFaultEndMs(plan: ResolvedPlan): number {
  return Math.max(
    0,
    ...plan.faults
      .filter((f) => f.phase === 'drain')
      .flatMap((f) => f.occurrences.map((o) => o.atMs + (o.durationMs ?? 0))),
  );
}

/**
 * The plan language knows `mode: pull`, but no driver runs a pull consumer yet: refuse before
 * anything starts rather than quietly running push. (`simple` is the grpc consumer, which is
 * built on the SimpleConsumer; remoting `push` is the classic push consumer.)
 */
function refuseUnimplementedModes(plan: ResolvedPlan): void {
  const pull = plan.fleets.consumers.flatMap((f) =>
    f.perInstance.filter((i) => i.mode === 'pull').map((i) => i.instanceId),
  );
  if (pull.length > 0) {
    throw new UsageError(
      `mode pull is not implemented by the drivers yet (instances ${pull.join(', ')})`,
      'use mode: push (remoting) or mode: simple (grpc)',
    );
  }
}

/** Resolves once `condition` holds (checked every 100 ms) or the run is aborted. */
async function waitUntil(condition: () => boolean, signal: AbortSignal): Promise<void> {
  while (!condition() && !signal.aborted) await sleep(100, signal);
}
