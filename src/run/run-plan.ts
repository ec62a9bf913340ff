import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';
import { getProvider } from '../cluster/registry.ts';
import { createTopics } from '../cluster/topics.ts';
import type { StartedCluster } from '../cluster/provider.ts';
import { FleetWorker } from '../fleet/fleet-worker.ts';
import { RunResources } from '../runtime/run-resources.ts';
import { RunState } from '../runtime/run-state.ts';
import { cachePaths } from '../setup/cache-dir.ts';
import { HarnessError } from '../util/errors.ts';
import { sleep, withinTime } from '../util/sleep.ts';
import { EventLog } from './event-log.ts';
import { layoutFleets } from './fleet-layout.ts';
import { Measurements } from './measurements.ts';
import { Progress } from './progress.ts';
import { buildSummary, type RunSummary } from '../report/summary.ts';
import { clusterSpecOf } from './cluster-spec.ts';

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
const SAMPLE_EVERY_MS = 1000;

export function makeRunId(planName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return `${stamp}-${planName}`;
}

/**
 * One run of a plan: cluster up, topics, consumers (warmup), producers (load), drain, stop,
 * measure. Every resource belongs to one RunResources, released however the run ends.
 */
export async function runPlan(options: RunOptions): Promise<RunOutcome> {
  const { plan, progress, signal } = options;
  const runId = makeRunId(plan.name);
  const reportDir = join(options.reportsDir, runId);
  mkdirSync(reportDir, { recursive: true });
  const workDir = join(tmpdir(), 'rmq-chaos', runId);
  mkdirSync(workDir, { recursive: true });
  const log = (line: string) => progress.log(line);
  const state = RunState.create(cachePaths().runs, { runId, workDir, keep: options.keep });
  const resources = new RunResources(state, log);
  resources.startWatchdog();
  options.onResources?.(resources);
  const events = new EventLog(join(reportDir, 'events.ndjson'));
  const measurements = new Measurements(events);
  const startedAt = Date.now();
  const backlogSamples: { at: number; ledger: number }[] = [];
  let cluster: StartedCluster | undefined;
  let drained = false;
  const phaseTimes: Record<string, { start: number; end?: number }> = {};
  const phase = (name: string) => {
    const now = Date.now();
    for (const p of Object.values(phaseTimes)) p.end ??= now;
    phaseTimes[name] = { start: now };
    events.emit('phase', { phase: name });
    currentPhase = name;
  };
  let currentPhase = 'cluster';
  const totalMs = plan.phases.warmupMs + plan.phases.loadMs + plan.phases.drainMs;
  const sampler = setInterval(() => {
    const backlog = measurements.ledgerBacklog();
    if (currentPhase === 'load' || currentPhase === 'drain') backlogSamples.push({ at: Date.now(), ledger: backlog });
    progress.update({
      phase: currentPhase,
      elapsedMs: Date.now() - (phaseTimes.warmup?.start ?? Date.now()),
      totalMs,
      sent: measurements.totalAttempted(),
      acked: measurements.ledger.totalAcked(),
      received: measurements.totalReceipts(),
      backlog,
      sendErrors: measurements.totalSendErrors(),
    });
  }, SAMPLE_EVERY_MS);

  const checkAbort = () => {
    if (signal.aborted) throw new HarnessError('aborted', `run aborted (${String(signal.reason ?? 'signal')})`);
  };

  const crashes: string[] = [];
  const workers: FleetWorker[] = [];
  try {
    phase('cluster');
    const provider = getProvider(plan.cluster.provider);
    cluster = await provider.start(clusterSpecOf(plan), { resources, log });
    const startedCluster = cluster;
    resources.defer('cluster', () => startedCluster.stop());
    events.emit('cluster-ready', { startMs: Math.round(cluster.startMs), endpoints: cluster.endpoints, nodes: cluster.nodes.map((n) => ({ name: n.name, role: n.role, pid: n.pid })) });
    checkAbort();
    await createTopics(cluster.endpoints, plan.topics, log);
    checkAbort();

    const layout = layoutFleets(plan, runId, cluster.endpoints.namesrvAddr);
    const onMessage = (worker: FleetWorker, message: Parameters<Measurements['handle']>[0]) => {
      if (message.type === 'log') log(`[${worker.proc.name}] ${message.message}`);
      measurements.handle(message);
    };
    const onCrash = (worker: FleetWorker, exit: { code: number | null; signal: string | null; lastLines: string[] }) => {
      const what = `[${worker.proc.name}] exited unexpectedly (${exit.signal ?? `code ${exit.code}`})`;
      crashes.push(what);
      events.emit('worker-crash', { worker: worker.id, kind: worker.kind, code: exit.code, signal: exit.signal, lastLines: exit.lastLines });
      log(`${what}; last output:\n    ${exit.lastLines.join('\n    ')}`);
    };

    phase('warmup');
    for (const config of layout.consumers) {
      measurements.addConsumer({ instanceId: config.instanceId, fleet: config.fleet, group: config.group, model: config.model });
      const worker = new FleetWorker(config.instanceId, 'consumer', resources, onMessage, onCrash);
      workers.push(worker);
      events.emit('worker-start', { worker: config.instanceId, kind: 'consumer', pid: worker.proc.pid });
      worker.send({ type: 'start-consumer', config });
    }
    await Promise.all(workers.map((w) => w.ready(WORKER_READY_MS)));
    events.emit('consumers-ready', { instances: layout.consumers.map((c) => c.instanceId) });
    await sleep(plan.phases.warmupMs, signal);
    checkAbort();

    phase('load');
    const producers = layout.producers.map((config) => {
      measurements.addProducer(config.producerId);
      const worker = new FleetWorker(config.producerId, 'producer', resources, onMessage, onCrash);
      workers.push(worker);
      events.emit('worker-start', { worker: config.producerId, kind: 'producer', pid: worker.proc.pid });
      worker.send({ type: 'start-producer', config });
      return worker;
    });
    // A producer exits by itself after its load duration; wait for all, bounded.
    await withinTime(Promise.all(producers.map((p) => p.proc.exited)), plan.phases.loadMs + WORKER_READY_MS, signal);
    checkAbort();

    phase('drain');
    const drainDeadline = Date.now() + plan.phases.drainMs;
    while (Date.now() < drainDeadline && !signal.aborted) {
      if (measurements.ledgerBacklog() === 0) {
        drained = true;
        break;
      }
      await sleep(250, signal);
    }
    events.emit('drain-end', { drained, backlog: measurements.ledgerBacklog() });
    checkAbort();

    phase('stop');
    await Promise.all(workers.filter((w) => !w.proc.hasExited).map((w) => w.stop()));
  } finally {
    clearInterval(sampler);
    progress.done();
    for (const p of Object.values(phaseTimes)) p.end ??= Date.now();
    await resources.release();
    await events.close();
    if (options.keep) log(`kept node configs, stores and logs in ${workDir}`);
  }
  const summary = buildSummary({
    plan,
    runId,
    startedAt,
    endedAt: Date.now(),
    cluster,
    measurements,
    backlogSamples,
    drained,
    crashes,
    phaseTimes,
  });
  return { summary, reportDir };
}
