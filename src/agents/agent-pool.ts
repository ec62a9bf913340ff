/**
 * The agents of one run: connected (all at once) before the cluster starts, so an agent that is
 * unreachable, refuses the token or runs another version stops the run before any load, named.
 * Starts workers on the host placement chose, keeps each host's clock offset for correcting
 * what its workers stamp, reports a lost agent once, and says bye to the rest at the end.
 */
import type { WorkerProgram } from '../fleet/worker-program.ts';
import type { StartedWorker } from '../fleet/worker-process.ts';
import type { ResolvedAgent } from '../plan/resolved-plan.ts';
import { HarnessError } from '../util/errors.ts';
import { sleep } from '../util/sleep.ts';
import { AgentConnection, type AgentConnectionOptions, AgentError, type ClockReading } from './agent-connection.ts';
import type { NetworkRequest } from './agent-protocol.ts';
import { SAME_CLOCK, type ClockOffset } from './clock-offset.ts';

export interface AgentLoss {
  agent: string;
  why: string;
  at: number;
  /** Instances that were running on it. */
  instances: string[];
}

export interface AgentPoolOptions {
  agents: readonly ResolvedAgent[];
  token: string;
  runId: string;
  rmqChaosVersion: string;
  log: (line: string) => void;
  onLost?: (loss: AgentLoss) => void;
  /** A batch of receipts from agent `agent` (unchecked). */
  onReceiptBatch?: (agent: string, batch: unknown) => void;
  /**
   * How long to keep trying an agent that does not answer (agents started at the same time as
   * the coordinator, as pods of one Kubernetes Job are); a refusal is never retried. 0: once.
   */
  waitMs?: number;
}

/** What the summary says of one agent. */
export interface AgentReport {
  name: string;
  address: string;
  capacity: number;
  /** Instances placed on it over the run. */
  instances: string[];
  /** The last clock measurement: the agent's clock minus the coordinator's, ± errorMs. */
  clock: { offsetMs: number; errorMs: number; measurements: number };
  lost?: { why: string; at: number; instances: string[] };
}

export class AgentPool {
  readonly losses: AgentLoss[] = [];
  /** Per agent, the instances started there (a restarted one once). */
  private readonly placed = new Map<string, Set<string>>();
  /** Per agent, what waitLost waits on: called when the agent is lost. */
  private readonly lostWaiters = new Map<string, Set<() => void>>();

  private constructor(
    private readonly o: AgentPoolOptions,
    private readonly connections: Map<string, AgentConnection>,
  ) {}

  static async connect(o: AgentPoolOptions): Promise<AgentPool> {
    const pool = new AgentPool(o, new Map());
    const deadline = Date.now() + (o.waitMs ?? 0);
    const results = await Promise.allSettled(
      o.agents.map((agent) =>
        openPatiently(deadline, {
          name: agent.name,
          address: agent.address,
          token: o.token,
          runId: o.runId,
          rmqChaosVersion: o.rmqChaosVersion,
          log: o.log,
          onLost: (why, instances) => pool.lost(agent.name, why, instances),
          onReceiptBatch: (batch) => o.onReceiptBatch?.(agent.name, batch),
        }),
      ),
    );
    const failures: string[] = [];
    results.forEach((result, i) => {
      const agent = o.agents[i];
      if (!agent) return;
      if (result.status === 'fulfilled') pool.connections.set(agent.name, result.value);
      else failures.push(result.reason instanceof Error ? result.reason.message : String(result.reason));
    });
    if (failures.length > 0) {
      await pool.close();
      const hint =
        results.length === failures.length
          ? 'start `rmq-chaos agent --listen <host:port>` on each load host with the same token'
          : undefined;
      throw new HarnessError('agent-unusable', failures.join('\n'), undefined, hint);
    }
    for (const [name, connection] of pool.connections) {
      const { offsetMs, errorMs } = connection.clock;
      o.log(`agent ${name}: connected, capacity ${connection.capacity}, clock ${formatOffset(offsetMs, errorMs)}`);
    }
    return pool;
  }

  /** Starts instance `id` on agent `host`. */
  spawn(host: string, id: string, kind: 'producer' | 'consumer', program: WorkerProgram): StartedWorker {
    const connection = this.connections.get(host);
    if (!connection) throw new HarnessError('fault-target', `no agent named ${host} in this run`);
    const placed = this.placed.get(host) ?? new Set<string>();
    placed.add(id);
    this.placed.set(host, placed);
    return connection.spawn(id, kind, program);
  }

  /** The clock of a host (an agent's latest measurement; the coordinator's own is exact). */
  clockOf(host: string): ClockOffset {
    return this.connections.get(host)?.clock ?? SAME_CLOCK;
  }

  names(): string[] {
    return [...this.connections.keys()];
  }

  isLost(host: string): boolean {
    return this.connections.get(host)?.lost ?? false;
  }

  /** The agent fault: it kills its workers and itself at once, as a host that vanishes. */
  crash(host: string): void {
    const connection = this.connections.get(host);
    if (!connection) throw new HarnessError('fault-target', `no agent named ${host} in this run`);
    connection.crash();
  }

  /** Resolves once `host` is lost (after a crash, its connection closes within moments); throws past `timeoutMs`. */
  async waitLost(host: string, timeoutMs: number): Promise<void> {
    if (this.isLost(host)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.lostWaiters.get(host)?.delete(done);
        reject(new HarnessError('agent-kill', `agent ${host} still answers ${timeoutMs} ms after its kill`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const waiters = this.lostWaiters.get(host) ?? new Set();
      waiters.add(done);
      this.lostWaiters.set(host, waiters);
    });
  }

  /**
   * One network request on every agent still connected (or on `only`), at once (a lost host has
   * no links left to change); resolves with each agent's answer, throws the first agent's failure.
   */
  async network(request: NetworkRequest, only?: string): Promise<Map<string, Record<string, string> | undefined>> {
    const live = [...this.connections].filter(([name, c]) => !c.lost && (only === undefined || name === only));
    const answers = await Promise.all(live.map(([, c]) => c.network(request)));
    return new Map(live.map(([name], i) => [name, answers[i]]));
  }

  report(): AgentReport[] {
    return this.o.agents.map((agent) => {
      const connection = this.connections.get(agent.name);
      const clock: ClockReading | undefined = connection?.clock;
      const loss = this.losses.find((l) => l.agent === agent.name);
      return {
        name: agent.name,
        address: agent.address,
        capacity: connection?.capacity ?? agent.capacity,
        instances: [...(this.placed.get(agent.name) ?? [])],
        clock: {
          offsetMs: round(clock?.offsetMs ?? 0),
          errorMs: round(clock?.errorMs ?? 0),
          measurements: connection?.clockMeasurements ?? 0,
        },
        ...(loss ? { lost: { why: loss.why, at: loss.at, instances: loss.instances } } : {}),
      };
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.close()));
  }

  private lost(agent: string, why: string, instances: string[]): void {
    const loss = { agent, why, at: Date.now(), instances };
    this.losses.push(loss);
    this.o.onLost?.(loss);
    for (const done of this.lostWaiters.get(agent) ?? []) done();
    this.lostWaiters.delete(agent);
  }
}

/** Opens a connection, trying again every second while nothing answers and the deadline allows. */
async function openPatiently(deadline: number, o: AgentConnectionOptions): Promise<AgentConnection> {
  for (;;) {
    try {
      return await AgentConnection.open(o);
    } catch (error) {
      if (!(error instanceof AgentError) || !error.unanswered || Date.now() + 1000 > deadline) throw error;
      await sleep(1000);
    }
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export function formatOffset(offsetMs: number, errorMs: number): string {
  return `${offsetMs >= 0 ? '+' : ''}${offsetMs.toFixed(1)} ms ± ${errorMs.toFixed(1)} ms`;
}
