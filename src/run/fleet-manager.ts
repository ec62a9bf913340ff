import { finalOutcome } from '../fleet/transaction-choice.ts';
import type { SubscriptionMap } from '../protocol/index.ts';
import type { FleetControl } from '../faults/fault-action.ts';
import type { Crash } from '../fleet/crash.ts';
import { join } from 'node:path';
import { FleetWorker, type WorkerKind, workerLogName } from '../fleet/fleet-worker.ts';
import { nodeWorkerLaunch, startLocalWorker } from '../fleet/worker-launch.ts';
import type { StartedWorker } from '../fleet/worker-process.ts';
import type { ConsumerConfig, FromWorker, ProducerConfig } from '../fleet/protocol.ts';
import type { ScopeExpectation } from '../metrics/ledger.ts';
import { delayKindOf } from '../metrics/timer-lateness.ts';
import type { MembershipKind } from '../metrics/rebalance-tracker.ts';
import type { ProcessExit } from '../runtime/managed-process.ts';
import type { RunResources } from '../runtime/run-resources.ts';
import { HarnessError } from '../util/errors.ts';
import { sleep } from '../util/sleep.ts';
import type { EventLog } from './event-log.ts';
import type { Measurements } from './measurements.ts';

const WORKER_READY_MS = 60_000;

export interface FleetManagerOptions {
  resources: RunResources;
  measurements: Measurements;
  events: EventLog;
  log: (line: string) => void;
  startedAt: number;
  /** Consumer fleet → whether a crash of one of its processes fails the run. */
  crashFailsRun: (fleet: string) => boolean;
  expectationOf: (group: string) => ScopeExpectation;
  /** Starts instance `id` of `fleet` (here or on an agent, Node or Java worker); a local Node worker when absent. */
  startWorker?: (id: string, kind: WorkerKind, fleet: string) => StartedWorker;
  /** A worker's report onto the coordinator's clock (workers on agents stamp their own host's time). */
  toCoordinatorClock?: (id: string, message: FromWorker) => FromWorker;
}

/**
 * Every fleet worker of a run, by instance id, and the process faults on them (FleetControl):
 * kill, pause, resume, restart (also how subscription drift is applied), scale. Each
 * membership change is told to the rebalance tracker and opens a window that duplicates are
 * attributed to; an exit the harness caused is never reported as a crash.
 */
export class FleetManager implements FleetControl {
  readonly crashes: Crash[] = [];
  private readonly workers = new Map<string, FleetWorker>();
  private readonly consumerConfigs = new Map<string, ConsumerConfig>();
  /** Worker pid (from its hello) → instance: gRPC client ids carry their process's pid. */
  private readonly instanceByPid = new Map<number, string>();
  private readonly nextIndex = new Map<string, number>();
  private readonly pauseWindows = new Map<string, { to?: number }>();
  /** Consumers a backlog build holds (SIGSTOP without a membership change: not a fault). */
  private readonly heldInstances = new Set<string>();
  /** Producers booted ahead of the load phase, not yet told to send. */
  private readonly bootedProducers = new Map<string, FleetWorker>();

  constructor(private readonly o: FleetManagerOptions) {}

  instances(): string[] {
    return [...this.workers.keys()];
  }

  /** What the harness knows of an instance's process, for diagnoses (undefined: not one of ours). */
  processState(instance: string): 'running' | 'paused' | 'gone' | undefined {
    const worker = this.workers.get(instance);
    if (!worker) return undefined;
    if (worker.proc.hasExited) return 'gone';
    return this.pauseWindows.has(instance) || this.heldInstances.has(instance) ? 'paused' : 'running';
  }

  /**
   * The instance whose worker process said hello with this pid (any of its starts). Pids of
   * workers on different agents may collide; then the latest hello wins.
   */
  instanceOfPid(pid: number): string | undefined {
    return this.instanceByPid.get(pid);
  }

  /** What a consumer instance subscribes, as it was last started. */
  subscriptionOf(instance: string): SubscriptionMap | undefined {
    return this.consumerConfigs.get(instance)?.subscription;
  }

  all(): FleetWorker[] {
    return [...this.workers.values()];
  }

  async startConsumer(config: ConsumerConfig, kind: MembershipKind = 'join'): Promise<FleetWorker> {
    const { measurements, events } = this.o;
    this.consumerConfigs.set(config.instanceId, config);
    const index = Number(config.instanceId.split('#')[1]);
    this.nextIndex.set(config.fleet, Math.max(this.nextIndex.get(config.fleet) ?? 0, index + 1));
    measurements.addConsumer(
      { instanceId: config.instanceId, fleet: config.fleet, group: config.group, model: config.model },
      this.o.expectationOf(config.group),
      config.deadLetter ? { ...config.deadLetter, seed: config.seed } : undefined,
    );
    const worker = this.spawn(config.instanceId, 'consumer', config.fleet);
    this.membership(config.instanceId, kind);
    events.emit('worker-start', {
      worker: config.instanceId,
      kind: 'consumer',
      group: config.group,
      ...pidOf(worker),
      subscription: config.subscription,
    });
    worker.send({ type: 'start-consumer', config });
    await worker.ready(WORKER_READY_MS);
    return worker;
  }

  /**
   * Starts a producer's worker process without telling it to send: booting a worker (Node
   * loading the TypeScript sources, a JVM starting) takes seconds on a busy machine, and a
   * producer spawned only when the load phase starts sent nothing through that phase and began
   * its schedule seconds late, so faults timed from the phase start met less traffic than
   * planned (seen: a restart at chaos 3 s landed before the first delivery). startProducer
   * hands it its config.
   */
  bootProducer(config: ProducerConfig): FleetWorker {
    const { transaction, seed, producerId } = config;
    this.o.measurements.addProducer(
      producerId,
      config.shardingKeys ? { shardingKeys: config.shardingKeys } : undefined,
      transaction ? { finalOutcome: (seq) => finalOutcome(transaction, seed, producerId, seq) } : undefined,
      config.delay ? delayKindOf(config.delay) : undefined,
    );
    const worker = this.spawn(config.producerId, 'producer', config.fleet);
    this.o.events.emit('worker-start', { worker: config.producerId, kind: 'producer', ...pidOf(worker) });
    this.bootedProducers.set(producerId, worker);
    return worker;
  }

  /** Tells a producer to send its load (booting its worker first unless bootProducer did). */
  startProducer(config: ProducerConfig): FleetWorker {
    const worker = this.bootedProducers.get(config.producerId) ?? this.bootProducer(config);
    this.bootedProducers.delete(config.producerId);
    this.o.events.emit('producer-start', { worker: config.producerId });
    worker.send({ type: 'start-producer', config });
    return worker;
  }

  async kill(instance: string): Promise<void> {
    const worker = this.worker(instance);
    worker.expectExit();
    worker.proc.signal('SIGKILL');
    await worker.proc.exited;
    this.membership(instance, 'kill');
  }

  async pause(instance: string): Promise<void> {
    this.worker(instance).proc.signal('SIGSTOP');
    const window = this.membership(instance, 'pause');
    if (window) this.pauseWindows.set(instance, window);
  }

  async resume(instance: string): Promise<void> {
    this.worker(instance).proc.signal('SIGCONT');
    const window = this.pauseWindows.get(instance);
    if (window) window.to = Date.now();
    this.pauseWindows.delete(instance);
    this.membership(instance, 'resume');
  }

  /**
   * A backlog build's hold: the processes stop (SIGSTOP) and the broker still sees them, so no
   * rebalance and no duplicate window: a workload, not a fault. `release` lets them go on.
   */
  hold(instances: readonly string[]): void {
    for (const instance of instances) {
      this.worker(instance).proc.signal('SIGSTOP');
      this.heldInstances.add(instance);
    }
  }

  release(instances: readonly string[]): void {
    for (const instance of instances) {
      if (!this.heldInstances.delete(instance)) continue;
      const worker = this.workers.get(instance);
      if (worker && !worker.proc.hasExited) worker.proc.signal('SIGCONT');
    }
  }

  async restart(
    instance: string,
    options: { hard: boolean; downMs: number; subscription?: SubscriptionMap },
  ): Promise<void> {
    const config = this.consumerConfigs.get(instance);
    if (!config)
      throw new HarnessError(
        'fault-target',
        `${instance} is not a running consumer instance (restart applies to consumers)`,
      );
    const worker = this.worker(instance);
    worker.expectExit();
    if (options.hard) {
      worker.proc.signal('SIGKILL');
      await worker.proc.exited;
    } else {
      await worker.stop();
    }
    this.workers.delete(instance);
    this.membership(instance, options.hard ? 'kill' : 'leave');
    await sleep(options.downMs);
    const next = options.subscription ? { ...config, subscription: options.subscription } : config;
    await this.startConsumer(next, options.subscription ? 'drift' : 'join');
  }

  async scale(fleet: string, delta: number): Promise<string[]> {
    const template = [...this.consumerConfigs.values()].find((c) => c.fleet === fleet);
    if (!template)
      throw new HarnessError('fault-target', `consumer fleet ${fleet} has no running instance to scale from`);
    const changed: string[] = [];
    if (delta > 0) {
      for (let i = 0; i < delta; i++) {
        const index = this.nextIndex.get(fleet) ?? 0;
        const instanceId = `${fleet}#${index}`;
        await this.startConsumer({ ...template, instanceId });
        changed.push(instanceId);
      }
    } else {
      const running = [...this.workers.keys()]
        .filter((id) => id.startsWith(`${fleet}#`))
        .sort((a, b) => Number(b.split('#')[1]) - Number(a.split('#')[1]));
      for (const instanceId of running.slice(0, -delta)) {
        const worker = this.worker(instanceId);
        worker.expectExit();
        await worker.stop();
        this.workers.delete(instanceId);
        this.membership(instanceId, 'leave');
        changed.push(instanceId);
      }
    }
    return changed;
  }

  private worker(instance: string): FleetWorker {
    const worker = this.workers.get(instance);
    if (!worker || worker.proc.hasExited)
      throw new HarnessError('fault-target', `fleet instance ${instance} is not running`);
    return worker;
  }

  /** Something an instance's host sent that cannot be taken in (a broken receipt batch): the run fails on it. */
  reportBroken(instance: string, description: string): void {
    this.crashes.push({ worker: instance, description, failsRun: true });
    this.o.log(description);
  }

  /**
   * Instances taken down together by `action` (an agent fault: their host goes): their exits are
   * the fault's, not crashes, and each leaves its group as a kill does.
   */
  async takeDown(instances: readonly string[], action: () => Promise<void>): Promise<void> {
    const workers = instances.flatMap((id) => {
      const worker = this.workers.get(id);
      return worker && !worker.proc.hasExited ? [worker] : [];
    });
    for (const worker of workers) worker.expectExit();
    await action();
    await Promise.all(workers.map((w) => w.proc.exited));
    for (const worker of workers) this.membership(worker.id, 'kill');
  }

  private spawn(id: string, kind: WorkerKind, fleet: string): FleetWorker {
    const { resources } = this.o;
    const logFile = join(resources.workDir, workerLogName(kind, id));
    const started =
      this.o.startWorker?.(id, kind, fleet) ??
      startLocalWorker(resources, nodeWorkerLaunch(), `${kind} ${id}`, logFile);
    const worker = new FleetWorker(
      id,
      kind,
      started,
      (w, m) => this.onMessage(w, m),
      (w, exit) => this.onCrash(w, exit),
    );
    this.workers.set(id, worker);
    return worker;
  }

  /** Tells the tracker, opens an attribution window, returns it (pause windows close at resume). */
  private membership(instance: string, kind: MembershipKind): { to?: number } | undefined {
    const info = this.o.measurements.consumer(instance);
    const at = Date.now();
    this.o.events.emit('membership', { instance, kind });
    if (!info) return undefined;
    if (info.model === 'clustering') this.o.measurements.rebalance.membership(info.group, kind, instance, at);
    // A join opens a window too: the queues it takes are handed over by another instance,
    // which may have consumed messages it had not committed yet.
    if (kind === 'resume') return undefined;
    return this.o.measurements.attribution.open(
      `${kind} ${instance} at ${((at - this.o.startedAt) / 1000).toFixed(1)}s`,
      at,
    );
  }

  private onMessage(worker: FleetWorker, message: FromWorker): void {
    if (message.type === 'log') this.o.log(`[${worker.proc.name}] ${message.message}`);
    if (message.type === 'hello') this.instanceByPid.set(message.pid, worker.id);
    const { toCoordinatorClock } = this.o;
    this.o.measurements.handle(toCoordinatorClock ? toCoordinatorClock(worker.id, message) : message);
  }

  private onCrash(worker: FleetWorker, exit: ProcessExit): void {
    // A refused worker was killed by us, but not by a fault: it is a crash, and the refusal says why.
    // No code and no signal: a worker on an agent that was lost; its last line says why.
    const how =
      exit.code === null && exit.signal === null
        ? `is gone: ${exit.lastLines[0] ?? 'its host was lost'}`
        : `exited unexpectedly (${exit.signal ?? `code ${exit.code}`})`;
    const description = worker.refusal?.message ?? `[${worker.proc.name}] ${how}`;
    const info = this.o.measurements.consumer(worker.id);
    const failsRun = worker.kind === 'producer' || this.o.crashFailsRun(info?.fleet ?? '');
    this.crashes.push({ worker: worker.id, description, failsRun });
    this.o.events.emit('worker-crash', {
      worker: worker.id,
      kind: worker.kind,
      code: exit.code,
      signal: exit.signal,
      lastLines: exit.lastLines,
      failsRun,
    });
    this.membership(worker.id, 'crash');
    this.o.log(
      `${description}${failsRun ? '' : ' (fleet onCrash: continue)'}; last output:\n    ` +
        `${exit.lastLines.join('\n    ')}`,
    );
  }
}

/** A worker's pid for events: absent for one on an agent that has not said its pid yet. */
function pidOf(worker: FleetWorker): { pid?: number } {
  return worker.proc.pid > 0 ? { pid: worker.proc.pid } : {};
}
