import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnose } from '../checks/diagnoses/index.ts';
import { ThresholdAbort } from '../checks/threshold-abort.ts';
import type { StartedCluster } from '../cluster/provider.ts';
import { getProvider } from '../cluster/registry.ts';
import { ADMIN_USER, ClusterAcl, aclFlavour, applyAclUsers } from '../cluster/acl.ts';
import { createTopics } from '../cluster/topics.ts';
import { generatedSecret } from '../plan/plan-secrets.ts';
import { getFaultAction } from '../faults/registry.ts';
import type { AgentControl } from '../faults/fault-action.ts';
import { FaultScheduler } from '../faults/scheduler.ts';
import { RoleWatcher } from './role-watcher.ts';
import { allQueueKeys } from '../metrics/queue-keys.ts';
import { timerPrecisionOf } from '../metrics/timer-lateness.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import type { AbortedRunSummary, RunSummary } from '../result/run-summary.ts';
import { claimRunId, runIdBase } from '../runtime/run-id.ts';
import { type ReleaseReport, RunResources } from '../runtime/run-resources.ts';
import { RunState } from '../runtime/run-state.ts';
import { cachePaths } from '../setup/cache-dir.ts';
import { HarnessError } from '../util/errors.ts';
import { buildAbortedSummary } from './build-aborted-summary.ts';
import { buildSummary } from './build-summary.ts';
import type { BacklogBuild } from './backlog-build.ts';
import { clusterSpecOf } from './cluster-spec.ts';
import { EventLog } from './event-log.ts';
import { writePlanCopy } from './plan-copy.ts';
import { groupExpectation } from './expectations.ts';
import { faultOccurrences } from './fault-plan.ts';
import { type FleetLayout, layoutFleets, programsOf } from './fleet-layout.ts';
import type { MetricOutput } from './metric-output.ts';
import type { LiveFeed, LiveRun } from './live-feed.ts';
import { WorkerPrograms } from '../fleet/worker-programs.ts';
import { AgentNetwork } from '../agents/agent-network.ts';
import { linksOf } from '../agents/agent-links.ts';
import { AgentPool } from '../agents/agent-pool.ts';
import { asReceipts, shiftedBatch } from '../agents/batch-clock.ts';
import { toCoordinatorClock } from '../agents/clock-correction.ts';
import { parseReceiptBatch, ReceiptBatchError } from '../agents/receipt-batch.ts';
import { packageVersion } from '../util/package-version.ts';
import { FleetHosts } from './fleet-hosts.ts';
import { FleetManager } from './fleet-manager.ts';
import { groupOfScope, Measurements, type ScopeAccounting } from './measurements.ts';
import { MESSAGE_LOG_FILE, MessageLog } from './message-log.ts';
import type { LostCell } from '../metrics/loss-breakdown.ts';
import type { FromWorker } from '../fleet/protocol.ts';
import { Observer } from './observer.ts';
import { PhaseClock } from './phase-clock.ts';
import { plannedPhaseMs, waitingFor } from './phase-overruns.ts';
import type { Progress } from './progress.ts';
import { describeStop, type RunStop, SIGNAL_STOP } from './run-abort.ts';
import { type RunGroups, runGroups, topicsOfGroup } from './run-groups.ts';
import { Sampler } from './sampler.ts';

export interface RunOptions {
  plan: ResolvedPlan;
  reportsDir: string;
  keep: boolean;
  signal: AbortSignal;
  progress: Progress;
  /** Called once resources exist, so a second Ctrl-C can kill everything synchronously. */
  onResources?: (resources: RunResources) => void;
  /** The shared token of the plan's agents (required when it has any). */
  agentToken?: string;
  /** How long to keep trying agents that do not answer yet (`--agent-wait`). */
  agentWaitMs?: number;
  /** `--out`: where each time-series row also goes, already open; the run closes them. */
  outputs?: readonly MetricOutput[];
  /** `--live`: told of the run as it starts and ticked with each row; its owner closes it. */
  live?: LiveFeed;
}

/** A run that reached its verdict, or one stopped before it (with the error, for the exit code and its line). */
export type RunOutcome =
  | { summary: RunSummary; reportDir: string; aborted?: undefined }
  | { summary: AbortedRunSummary; reportDir: string; aborted: { error: unknown } };

/** What the run's parts have once the cluster is up: created by `prepare`, used by every later stage. */
export interface RunParts {
  cluster: StartedCluster;
  fleet: FleetManager;
  faults: FaultScheduler;
  sampler: Sampler;
  observer: Observer;
  /** Names of the cluster's master brokers (queue keys are per master). */
  masters: string[];
  /** Every fleet instance's worker configuration, addressed at this cluster. */
  layout: FleetLayout;
}

/**
 * The state of one run and the resources it holds: its ids and folders, the run state with its
 * watchdog, the event log, measurements, phase clock and threshold abort. Stages (run/stages.ts)
 * create the cluster, fleet, faults, sampler and observer through it; each is registered for
 * release when created, and `close()` releases them all in reverse order, however the run ends
 * (faults healed before the fleet and cluster stop, the cluster before its processes).
 */
export class RunSession {
  readonly plan: ResolvedPlan;
  readonly runId: string;
  readonly reportDir: string;
  readonly workDir: string;
  readonly startedAt: number;
  readonly events: EventLog;
  /** Every ack, delivery and lost message, for `explain`. */
  private readonly messageLog: MessageLog;
  /** Loss and duplicates per scope, attributed once the run's processes are gone (see close). */
  private accounting: Map<string, ScopeAccounting> | undefined;
  private accountedAt = Date.now();
  readonly measurements: Measurements;
  readonly phases: PhaseClock;
  /** Thresholds with abortOnFail end the run early, but it still stops cleanly and reports. */
  readonly thresholdAbort: ThresholdAbort;
  /** Aborted by the user (a signal) or by an abortOnFail threshold. */
  readonly signal: AbortSignal;
  readonly groups: RunGroups;
  drained = false;
  parts: RunParts | undefined;
  /** `backlog: {build, then: drain}`: made when load starts, finished after the drain. */
  backlog: BacklogBuild | undefined;
  private readonly resources: RunResources;
  private readonly progress: Progress;
  private readonly userSignal: AbortSignal;
  private readonly keep: boolean;
  private readonly agentToken: string | undefined;
  private readonly agentWaitMs: number;
  private agents: AgentPool | undefined;
  private hosts: FleetHosts | undefined;
  private readonly outputs: readonly MetricOutput[];
  private readonly live: LiveFeed | undefined;

  constructor(options: RunOptions) {
    this.plan = options.plan;
    this.progress = options.progress;
    this.userSignal = options.signal;
    this.keep = options.keep;
    this.agentToken = options.agentToken;
    this.agentWaitMs = options.agentWaitMs ?? 0;
    this.thresholdAbort = new ThresholdAbort(this.plan);
    this.signal = AbortSignal.any([options.signal, this.thresholdAbort.signal]);
    this.groups = runGroups(this.plan);
    // Claimed, not just named: a second run of this plan in the same second gets its own id and folders.
    const workRoot = join(tmpdir(), 'rmq-chaos');
    this.runId = claimRunId(runIdBase(this.plan.name), [cachePaths().runs, workRoot, options.reportsDir]);
    this.reportDir = join(options.reportsDir, this.runId);
    this.workDir = join(workRoot, this.runId);
    this.resources = new RunResources(
      RunState.create(cachePaths().runs, { runId: this.runId, workDir: this.workDir, keep: options.keep }),
      this.log,
    );
    this.resources.startWatchdog();
    this.outputs = options.outputs ?? [];
    // First deferred, so released last: after the sampler's final row. Only a run given outputs
    // has the step (the release report lists every step).
    const outputs = this.outputs;
    if (outputs.length > 0)
      this.resources.defer('outputs', async () => {
        await Promise.all(outputs.map((o) => o.close()));
      });
    options.onResources?.(this.resources);
    this.events = new EventLog(join(this.reportDir, 'events.ndjson'), (event) => {
      for (const output of outputs) output.event?.(event);
    });
    writePlanCopy(this.plan, this.reportDir);
    this.startedAt = Date.now();
    this.messageLog = new MessageLog(join(this.reportDir, MESSAGE_LOG_FILE));
    this.measurements = new Measurements(this.events, this.startedAt, this.messageLog, {
      timerPrecisionMs: timerPrecisionOf(this.plan.cluster.brokerConfig),
    });
    this.phases = new PhaseClock(this.events);
    this.live = options.live;
    this.live?.begin(this.liveRun());
  }

  readonly log = (line: string): void => this.progress.log(line);

  /** Throws when the user stopped the run, or the ThresholdAbort when a threshold did. */
  checkAbort(): void {
    if (this.userSignal.aborted)
      throw new HarnessError(SIGNAL_STOP, `run aborted (${String(this.userSignal.reason ?? 'signal')})`);
    if (this.thresholdAbort.signal.aborted) throw this.thresholdAbort;
  }

  /**
   * Brings the cluster up with its topics, then creates the run's parts: sampler and observer
   * (started), fleet manager and fault scheduler. Each is registered for release as it is made.
   */
  async prepare(): Promise<RunParts> {
    const { plan, measurements, resources, log } = this;
    this.phases.enter('cluster');
    // Java workers are built (or found cached) first: a missing JDK or client version stops the run here.
    const programs = await WorkerPrograms.prepare(programsOf(plan), this.workDir, (line) => log(`setup: ${line}`));
    this.checkAbort();
    // Agents next: one that is unreachable, refuses the token or runs another version stops the run here.
    const agents = await this.connectAgents();
    this.hosts = new FleetHosts(plan, resources, programs, agents);
    const hosts = this.hosts;
    this.checkAbort();
    // Toxiproxy goes under the cluster only when the plan faults a link; with agents against a
    // cluster other hosts reach (external, or advertised), in front of each agent's workers instead.
    const networkFaults = plan.faults.some((f) => f.action.startsWith('network.'));
    const linksOnAgents =
      networkFaults &&
      agents !== undefined &&
      (plan.cluster.provider === 'external' || plan.cluster.advertise !== undefined);
    // With cluster.acl the brokers start with a super user for the harness, its secret drawn for this run only.
    const acl = plan.cluster.acl;
    const auth = acl ? { admin: { accessKey: ADMIN_USER, secretKey: generatedSecret() }, users: acl.users } : undefined;
    const cluster = await getProvider(plan.cluster.provider).start(clusterSpecOf(plan, auth), {
      resources,
      log,
      network: networkFaults && !linksOnAgents,
    });
    resources.defer('cluster', () => cluster.stop());
    this.events.emit('cluster-ready', {
      startMs: Math.round(cluster.startMs),
      endpoints: cluster.endpoints,
      nodes: cluster.nodes.map((n) => ({ name: n.name, role: n.role, pid: n.pid })),
    });
    this.checkAbort();
    if (acl) await applyAclUsers(cluster.endpoints, acl, aclFlavour(plan.cluster.version), log);
    await createTopics(cluster.endpoints, plan.topics, log);
    this.checkAbort();
    const network =
      linksOnAgents && agents
        ? await AgentNetwork.create(agents, linksOf(cluster.endpoints, cluster.nodes), log)
        : cluster.network;
    this.checkAbort();

    const masters = cluster.endpoints.brokers.filter((b) => b.brokerId === 0).map((b) => b.name);
    for (const group of this.groups.queueOwning) {
      const topics = topicsOfGroup(plan, group);
      measurements.rebalance.addGroup(
        group,
        allQueueKeys(
          plan.topics.filter((t) => topics.has(t.name)),
          masters,
        ),
      );
    }
    const roles = await this.startRoleWatcher(cluster);
    const sampler = this.startSampler(cluster);
    const crashPolicy = new Map(plan.fleets.consumers.map((f) => [f.name, f.onCrash]));
    const fleet = new FleetManager({
      resources,
      measurements,
      events: this.events,
      log,
      startedAt: this.startedAt,
      crashFailsRun: (name) => crashPolicy.get(name) !== 'continue',
      expectationOf: (group) => groupExpectation(plan, group),
      startWorker: (id, kind, fleetName) => hosts.start(id, kind, fleetName),
      ...(agents ? { toCoordinatorClock: (id: string, m: FromWorker) => hosts.toCoordinatorClock(id, m) } : {}),
    });
    const faults = new FaultScheduler({
      occurrences: faultOccurrences(plan),
      actionOf: getFaultAction,
      context: {
        ...(network ? { network } : {}),
        ...(roles ? { roles } : {}),
        nodes: cluster.nodeControl,
        fleet,
        ...(agents ? { agents: agentControl(agents, hosts, fleet) } : {}),
        ...(acl ? { acl: new ClusterAcl(cluster.endpoints, acl, aclFlavour(plan.cluster.version)) } : {}),
        log,
      },
      events: this.events,
      attribution: measurements.attribution,
      startedAt: this.startedAt,
      onBegun: (record, observed) => {
        const brokerName = cluster.nodes.find((n) => n.name === observed.node)?.brokerName;
        if (observed.node && brokerName)
          measurements.failover.faultBegan({
            fault: record.fault,
            target: record.target,
            node: observed.node,
            brokerName,
            beganAt: observed.begunAt,
            ...(observed.keepsRole ? { keepsRole: true } : {}),
          });
      },
    });
    // Every fault is undone before the fleet and the cluster stop.
    resources.defer('faults', () => faults.endAll());
    // Diagnoses read the brokers' view of groups whose clients answer running-info requests,
    // and, where the proxy's remoting port is known, the proxy's view of groups consumed by pop.
    const proxyRemoting = cluster.endpoints.proxy?.remoting;
    const observer = new Observer({
      endpoints: cluster.endpoints,
      groups: [...this.groups.observed, ...(proxyRemoting ? this.groups.pop : [])],
      ...(proxyRemoting ? { proxies: [proxyRemoting] } : {}),
      instanceOfPid: (pid) => fleet.instanceOfPid(pid),
      subscriptionOf: (instance) => fleet.subscriptionOf(instance),
      intervalMs: plan.sampling.snapshotMs,
      file: join(this.reportDir, 'snapshots.ndjson'),
      processOf: (instance) => fleet.processState(instance),
      topics: plan.topics.map((t) => t.name),
      onSnapshot: (snapshot) => {
        for (const output of this.outputs) output.snapshot?.(snapshot);
      },
    });
    observer.start();
    resources.defer('observer', () => observer.stop());
    const layout = layoutFleets(plan, this.runId, cluster.endpoints);
    this.parts = { cluster, fleet, faults, sampler, observer, masters, layout };
    return this.parts;
  }

  /**
   * Who is master of each broker name, every 500 ms, for role targets and the role timeline;
   * not for an external cluster (its nodes are not ours to fault).
   */
  private async startRoleWatcher(cluster: StartedCluster): Promise<RoleWatcher | undefined> {
    if (this.plan.cluster.provider === 'external') return undefined;
    const watcher = new RoleWatcher({
      endpoints: cluster.endpoints,
      nodes: cluster.nodes,
      onChange: (change) => {
        this.measurements.failover.roleChanged(change);
        this.events.emit('role', { brokerName: change.brokerName, master: change.master }, change.atMs);
      },
    });
    await watcher.start();
    this.resources.defer('roles', () => watcher.stop());
    return watcher;
  }

  /** The 1 s sampler: a time series row each interval, the abortOnFail thresholds, the progress line. */
  private startSampler(cluster: StartedCluster): Sampler {
    const { plan, measurements, phases } = this;
    const planned = plannedPhaseMs(plan);
    const sampler = new Sampler({
      endpoints: cluster.endpoints,
      groups: this.groups.clustering,
      measurements,
      intervalMs: plan.sampling.intervalMs,
      file: join(this.reportDir, 'timeseries.ndjson'),
      phase: () => phases.current,
      onRow: (row) => {
        for (const output of this.outputs) output.row(row, this.startedAt);
        this.live?.tick();
        this.thresholdAbort.check(measurements, Date.now() - this.startedAt, this.log);
        this.progress.update({
          phase: phases.current,
          phaseElapsedMs: phases.sinceStartOf(phases.current),
          phasePlannedMs: planned[phases.current],
          waitingFor: waitingFor(phases.current, phases.sinceStartOf(phases.current), planned, row.backlogByScope),
          runElapsedMs: phases.sinceStartOf('warmup'),
          sent: measurements.totalAttempted(),
          acked: measurements.ledger.totalAcked(),
          received: measurements.totalReceipts(),
          backlog: row.backlogLedger,
          sendErrors: measurements.totalSendErrors(),
        });
      },
    });
    sampler.start();
    // Without a final sample: on the orderly path, `stop` took it already.
    this.resources.defer('sampler', () => sampler.stop(false));
    return sampler;
  }

  /**
   * Where and when `error` stopped the run, taken as it arrives: the phase it was in ends
   * here, not after the release.
   */
  stoppedBy(error: unknown): RunStop {
    const stop: RunStop = { error, phase: this.phases.current, at: Date.now() };
    this.phases.end(stop.at);
    return stop;
  }

  /**
   * Releases everything the run holds, in reverse order of creation, however it ended; then
   * closes the phase clock and the event log. Says what was released. A run that stopped on
   * an error gets an `aborted` event with why, before the log closes.
   */
  async close(stop?: RunStop): Promise<ReleaseReport> {
    this.progress.done();
    this.phases.end();
    const released = await this.resources.release();
    // After the release: no worker sends another receipt, so what is missing now is lost. An
    // aborted run claims no loss: it never drained.
    this.accountedAt = Date.now();
    if (!stop) this.accounting = this.measurements.accountLoss(this.accountedAt, (at) => this.phases.phaseAt(at));
    await this.messageLog.close();
    if (stop) {
      const { reason, kind, phase, atMs } = this.describe(stop);
      this.events.emit('aborted', { reason, kind, phase, atMs });
    }
    await this.events.close();
    if (this.keep) this.log(`kept node configs, stores and logs in ${this.workDir}`);
    return released;
  }

  /** The summary of a run stopped before its verdict, once it is closed: why, where, what was released. */
  abortedOutcome(stop: RunStop, cleanup: ReleaseReport): RunOutcome {
    const summary = buildAbortedSummary({
      plan: this.plan,
      runId: this.runId,
      startedAt: this.startedAt,
      endedAt: Date.now(),
      cluster: this.parts?.cluster,
      measurements: this.measurements,
      crashes: this.parts?.fleet.crashes ?? [],
      faults: this.parts?.faults.records ?? [],
      phases: this.phases.summary(this.startedAt),
      aborted: { ...this.describe(stop), cleanup },
    });
    return { summary, reportDir: this.reportDir, aborted: { error: stop.error } };
  }

  private describe(stop: RunStop) {
    const signal = this.userSignal.aborted ? String(this.userSignal.reason ?? 'signal') : undefined;
    return describeStop(stop, this.startedAt, signal);
  }

  private async connectAgents(): Promise<AgentPool | undefined> {
    const { plan, log } = this;
    if (plan.agents.length === 0) return undefined;
    if (this.agentToken === undefined)
      throw new HarnessError('agent-token', 'the plan has agents, and this run was given no agent token');
    this.agents = await AgentPool.connect({
      agents: plan.agents,
      token: this.agentToken,
      runId: this.runId,
      rmqChaosVersion: packageVersion(),
      log,
      waitMs: this.agentWaitMs,
      onReceiptBatch: (agent, batch) => this.ingestBatch(agent, batch),
      onLost: (loss) => {
        const received = Object.fromEntries(
          loss.instances.map((id) => [id, receiptsOf(this.measurements, id)] as const).filter(([, n]) => n > 0),
        );
        this.events.emit('agent-lost', { ...loss, received });
        this.measurements.hostLost(loss.agent, loss.instances, loss.at);
      },
    });
    const pool = this.agents;
    this.resources.defer('agents', () => pool.close());
    return pool;
  }

  /** An agent's batch of receipts, on the coordinator's clock, into the measurements; a broken one fails the run. */
  private ingestBatch(agent: string, raw: unknown): void {
    try {
      const batch = parseReceiptBatch(raw);
      const clocks = this.hosts?.clocksOf(batch.instanceId) ?? { own: 0, producer: () => 0 };
      const shifted = shiftedBatch(batch, clocks);
      if (shifted) this.measurements.handleReceiptBatch(shifted);
      else this.measurements.handle(toCoordinatorClock(asReceipts(batch), clocks));
    } catch (error) {
      if (!(error instanceof HarnessError)) throw error;
      const instance = error instanceof ReceiptBatchError ? error.instanceId : `agent ${agent}`;
      this.parts?.fleet.reportBroken(
        instance,
        `agent ${agent} sent receipts that cannot be taken in: ${error.message}`,
      );
    }
  }

  private agentsSummary() {
    if (!this.agents || !this.hosts) return undefined;
    return { hosts: this.agents.report(), e2eClockErrorMs: Math.round(this.hosts.latencyErrorMs() * 100) / 100 };
  }

  /** The session as `--live` sees it: the same measurements, read when someone watches. */
  private liveRun(): LiveRun {
    return {
      runId: this.runId,
      events: this.events.events,
      phase: () => this.phases.current,
      snapshot: () => this.liveSummary(),
    };
  }

  /**
   * The run so far (LiveRun.snapshot): only the diagnoses that read the brokers' snapshots
   * (the run's own rules need its loss and duplicate accounting, done at the end), no loss
   * accounting, the open phase up to now, and only faults that have begun.
   */
  private liveSummary(): RunSummary {
    const now = Date.now();
    const m = this.measurements;
    const findings = diagnose({ snapshots: this.parts?.observer.snapshots ?? [] }, { skipRunRules: true });
    return buildSummary({
      plan: this.plan,
      runId: this.runId,
      startedAt: this.startedAt,
      endedAt: now,
      cluster: this.parts?.cluster,
      measurements: m,
      drained: false,
      crashes: this.parts?.fleet.crashes ?? [],
      faults: (this.parts?.faults.records ?? []).filter((r) => r.observed.beginMs !== null || r.error !== undefined),
      phases: this.phases.summary(this.startedAt, now),
      findings,
      accounting: new Map(),
    });
  }

  /** Diagnoses and the summary with its verdict, once the run is closed. */
  outcome(): RunOutcome {
    const m = this.measurements;
    const accounting = this.accounting ?? new Map<string, ScopeAccounting>();
    const findings = diagnose({
      snapshots: this.parts?.observer.snapshots ?? [],
      run: {
        duplicates: m.attribution.perGroupWindow(),
        uniqueByGroup: uniqueByGroup(m),
        lost: lostByGroup(accounting),
        accountedAt: this.accountedAt,
        startedAt: this.startedAt,
        roleChanges: m.failover.roleChanges(),
        hostLosses: m.hostLosses.losses(),
      },
    });
    const agents = this.agentsSummary();
    const summary = buildSummary({
      plan: this.plan,
      runId: this.runId,
      startedAt: this.startedAt,
      endedAt: Date.now(),
      cluster: this.parts?.cluster,
      measurements: m,
      drained: this.drained,
      crashes: this.parts?.fleet.crashes ?? [],
      faults: this.parts?.faults.records ?? [],
      phases: this.phases.summary(this.startedAt),
      findings,
      accounting,
      ...(agents ? { agents } : {}),
      ...(this.thresholdAbort.abortedBy ? { abortedBy: this.thresholdAbort.abortedBy } : {}),
    });
    return { summary, reportDir: this.reportDir };
  }
}

/** Lost cells per consumer group (a broadcasting group's instances together), for the diagnoses. */
function lostByGroup(accounting: ReadonlyMap<string, ScopeAccounting>): { group: string; cells: LostCell[] }[] {
  const byGroup = new Map<string, LostCell[]>();
  for (const [scope, { lostCells }] of accounting) {
    const group = groupOfScope(scope);
    byGroup.set(group, [...(byGroup.get(group) ?? []), ...lostCells]);
  }
  return [...byGroup].map(([group, cells]) => ({ group, cells }));
}

/** Unique receipts per consumer group (broadcasting instances summed), for duplicate rates. */
function uniqueByGroup(m: Measurements): Record<string, number> {
  const out: Record<string, number> = {};
  for (const scope of m.scopes()) {
    const group = groupOfScope(scope);
    out[group] = (out[group] ?? 0) + m.ledger.summarize(scope).unique;
  }
  return out;
}

/** Deliveries an instance reported over the run (the time series' per-interval counts, summed). */
function receiptsOf(m: Measurements, instance: string): number {
  return m.rows.reduce((sum, row) => sum + (row.perInstance[instance] ?? 0), 0);
}

/** The agent fault: the agent and its instances go at once, as a lost host; their exits are the fault's. */
function agentControl(agents: AgentPool, hosts: FleetHosts, fleet: FleetManager): AgentControl {
  return {
    names: () => agents.names(),
    kill: (name) =>
      fleet.takeDown(hosts.instancesOn(name), async () => {
        agents.crash(name);
        await agents.waitLost(name, 15_000);
      }),
  };
}
