/**
 * The coordinator's connection to one agent: connect, prove the token, check versions, then
 * measure the agent's clock (at once and every 10 s), start workers there and carry their
 * messages. A connection that drops without our bye, or a clock exchange that gets no answer,
 * is a lost agent: every worker on it exits as lost, and `onLost` says so once.
 */
import { connect, type Socket } from 'node:net';
import type { ProcessExit } from '../runtime/managed-process.ts';
import { StdioTransport } from '../fleet/transport/stdio-transport.ts';
import type { WorkerProgram } from '../fleet/worker-program.ts';
import type { StartedWorker } from '../fleet/worker-process.ts';
import { HarnessError } from '../util/errors.ts';
import {
  type FromAgent,
  fromAgent,
  type NetworkRequest,
  ourVersions,
  type ToAgent,
  type Versions,
  versionMismatch,
} from './agent-protocol.ts';
import { bestOffset, type ClockOffset, type ClockSample, preciseNow } from './clock-offset.ts';
import { RemoteWorker } from './remote-worker.ts';
import { proofOf } from './token.ts';

/** How long an agent gets to answer the connection, its challenge and its welcome. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Clock exchanges: this many at start and at every re-measure, the tightest kept. */
const CLOCK_EXCHANGES = 5;
export const CLOCK_INTERVAL_MS = 10_000;
/** A clock exchange unanswered this long means the agent (or the path to it) is gone. */
const CLOCK_ANSWER_MS = 10_000;
/** A network request (a Toxiproxy call or two on the agent's host) unanswered this long fails. */
const NETWORK_ANSWER_MS = 15_000;
/** Making the links may start a Toxiproxy, or wait 15 s for a given one: longer, so its reason arrives. */
const LINKS_ANSWER_MS = 30_000;

/** An agent the coordinator cannot use: unreachable, refusing, or of another version. Exit 1. */
export class AgentError extends HarnessError {
  constructor(
    readonly agent: string,
    readonly address: string,
    message: string,
    hint?: string,
    /** Nothing answered (not a refusal): an agent still starting may answer later. */
    readonly unanswered = false,
  ) {
    super('agent-unusable', `agent ${agent} (${address}): ${message}`, undefined, hint);
  }
}

export interface AgentConnectionOptions {
  name: string;
  address: string;
  token: string;
  runId: string;
  rmqChaosVersion: string;
  log: (line: string) => void;
  /** The agent was lost (not after our bye): why, and which instances it ran. */
  onLost?: (why: string, instances: string[]) => void;
  /** A batch of a worker's receipts, as the agent sent it (unchecked: parse it with receipt-batch.ts). */
  onReceiptBatch?: (batch: unknown) => void;
}

/** One clock measurement, as the summary lists them. */
export interface ClockReading extends ClockOffset {
  samples: number;
}

export class AgentConnection {
  /** The agent's clock against ours: the latest measurement. */
  clock: ClockReading = { offsetMs: 0, errorMs: 0, measuredAt: 0, samples: 0 };
  /** Clock measurements made so far (the summary says how many the offset rests on). */
  clockMeasurements = 0;
  capacity = 0;
  pid = 0;
  lostWhy: string | undefined;
  private transport!: StdioTransport<ToAgent>;
  private socket!: Socket;
  private readonly workers = new Map<string, RemoteWorker>();
  private readonly clockWaiters = new Map<number, (sample: ClockSample) => void>();
  private clockTimer: NodeJS.Timeout | undefined;
  private saidBye = false;
  private readonly networkWaiters = new Map<number, (done: Extract<FromAgent, { type: 'network-done' }>) => void>();
  private nextNetworkId = 0;

  private constructor(private readonly o: AgentConnectionOptions) {}

  /** Connects, authenticates and measures the clock once; throws an AgentError naming the agent otherwise. */
  static async open(o: AgentConnectionOptions): Promise<AgentConnection> {
    const connection = new AgentConnection(o);
    await connection.handshake();
    await connection.measureClock();
    connection.clockTimer = setInterval(() => void connection.measureClock().catch(() => undefined), CLOCK_INTERVAL_MS);
    connection.clockTimer.unref();
    return connection;
  }

  get name(): string {
    return this.o.name;
  }

  get lost(): boolean {
    return this.lostWhy !== undefined;
  }

  instances(): string[] {
    return [...this.workers.keys()];
  }

  /** Starts a worker on the agent; it says hello like a local one (the fleet logic checks it). */
  spawn(instance: string, kind: 'producer' | 'consumer', program: WorkerProgram): StartedWorker {
    const worker = new RemoteWorker(`${kind} ${instance}`, this.o.name, instance, (message) => this.send(message));
    this.workers.set(instance, worker);
    if (this.lost) worker.lose(`agent ${this.o.name} was lost before the start: ${this.lostWhy}`);
    else this.send({ type: 'spawn', instance, kind, program });
    return {
      proc: worker,
      transport: worker.transport,
      command: `rmq-chaos agent ${this.o.name} (${this.o.address}): ${program.driver} worker`,
    };
  }

  /**
   * One request about the client links on the agent's host (agents/agent-links.ts); resolves
   * with the listeners for `links`, throws with the agent's reason when it could not, when no
   * answer comes within `timeoutMs`, or when the agent is lost meanwhile.
   */
  network(
    request: NetworkRequest,
    timeoutMs = request.op === 'links' ? LINKS_ANSWER_MS : NETWORK_ANSWER_MS,
  ): Promise<Record<string, string> | undefined> {
    if (this.lost) return Promise.reject(this.fail(`lost before ${request.op}: ${this.lostWhy}`));
    const id = ++this.nextNetworkId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.networkWaiters.delete(id);
        reject(this.fail(`no answer to network ${request.op} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.networkWaiters.set(id, (done) => {
        clearTimeout(timer);
        this.networkWaiters.delete(id);
        if (done.error !== undefined) reject(this.fail(`network ${request.op}: ${done.error}`));
        else resolve(done.listeners);
      });
      this.send({ type: 'network', id, request });
    });
  }

  /** Test aid and agent fault: the agent kills its workers and itself at once, as a lost host. */
  crash(): void {
    this.send({ type: 'crash' });
  }

  /** The run is over: the agent stops what is left and ends the session. */
  async close(): Promise<void> {
    clearInterval(this.clockTimer);
    if (!this.lost && !this.saidBye) {
      this.saidBye = true;
      this.send({ type: 'bye' });
      this.socket.end();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.socket.destroy();
          resolve();
        }, 5_000);
        this.socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.socket.destroy();
  }

  private send(message: ToAgent): void {
    this.transport.send(message);
  }

  private fail(message: string, hint?: string, unanswered = false): AgentError {
    return new AgentError(this.o.name, this.o.address, message, hint, unanswered);
  }

  private handshake(): Promise<void> {
    const [host, port] = splitAddress(this.o.address);
    const ours: Versions = ourVersions(this.o.rmqChaosVersion);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const done = (error?: AgentError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          this.socket.destroy();
          reject(error);
        } else resolve();
      };
      const timer = setTimeout(
        () =>
          done(
            this.fail(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`, 'is `rmq-chaos agent` running there?', true),
          ),
        CONNECT_TIMEOUT_MS,
      );
      this.socket = connect({ host, port });
      this.socket.setNoDelay(true);
      this.socket.setKeepAlive(true, 5_000);
      this.socket.on('error', (error: NodeJS.ErrnoException) => {
        if (!settled)
          done(
            this.fail(
              `unreachable (${error.code ?? error.message})`,
              'start it with `rmq-chaos agent --listen <host:port>` and check the address and any firewall',
              true,
            ),
          );
      });
      this.transport = new StdioTransport<ToAgent>(this.socket, this.socket);
      this.transport.onClose(() => {
        if (!settled) done(this.fail('closed the connection during the handshake'));
        else this.onClosed();
      });
      this.transport.onMessage((raw) => {
        const parsed = fromAgent.safeParse(raw);
        if (!parsed.success) {
          if (!settled) done(this.fail(`does not speak the agent protocol: ${parsed.error.message.slice(0, 200)}`));
          return;
        }
        const message = parsed.data;
        if (settled) return this.receive(message);
        switch (message.type) {
          case 'challenge': {
            const mismatch = versionMismatch(ours, message.versions, `the agent`);
            if (mismatch) return done(this.fail(`refused: ${mismatch}`, 'run the same rmq-chaos version on both'));
            this.capacity = message.capacity;
            this.send({
              type: 'auth',
              versions: ours,
              proof: proofOf(this.o.token, message.nonce),
              runId: this.o.runId,
            });
            return;
          }
          case 'welcome':
            this.capacity = message.capacity;
            this.pid = message.pid;
            return done();
          case 'refused':
            return done(
              this.fail(
                `refused: ${message.reason}`,
                message.reason === 'wrong token'
                  ? 'give the coordinator the token the agent has ($RMQ_CHAOS_AGENT_TOKEN or --agent-token-file)'
                  : undefined,
              ),
            );
          default:
            return done(this.fail(`sent ${message.type} before its welcome`));
        }
      });
    });
  }

  private receive(message: FromAgent): void {
    switch (message.type) {
      case 'clock':
        this.clockWaiters.get(message.t0)?.({ ...message, t3: preciseNow() });
        return;
      case 'spawned':
        this.workers.get(message.instance)?.started(message.pid);
        return;
      case 'spawn-failed':
        this.workers.get(message.instance)?.lose(`agent ${this.o.name} could not start it: ${message.reason}`);
        return;
      case 'from-worker':
        this.workers.get(message.instance)?.transport.deliver(message.message);
        return;
      case 'receipt-batch':
        this.o.onReceiptBatch?.(message.batch);
        return;
      case 'exited': {
        const exit: ProcessExit = {
          code: message.code,
          signal: message.signal as NodeJS.Signals | null,
          lastLines: message.lastLines,
        };
        this.workers.get(message.instance)?.exit(exit);
        return;
      }
      case 'network-done':
        this.networkWaiters.get(message.id)?.(message);
        return;
      case 'log':
        this.o.log(`[agent ${this.o.name}] ${message.message}`);
        return;
      default:
        return;
    }
  }

  /** Several exchanges, one at a time; the one with the shortest round trip is kept. */
  private async measureClock(): Promise<void> {
    const samples: ClockSample[] = [];
    for (let i = 0; i < CLOCK_EXCHANGES && !this.lost; i++) samples.push(await this.exchange());
    if (samples.length === 0) return;
    this.clock = { ...bestOffset(samples), samples: samples.length };
    this.clockMeasurements++;
  }

  private exchange(): Promise<ClockSample> {
    const t0 = preciseNow();
    return new Promise<ClockSample>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.clockWaiters.delete(t0);
        this.markLost(`no answer to a clock exchange within ${CLOCK_ANSWER_MS / 1000} s`);
        reject(this.fail('lost'));
      }, CLOCK_ANSWER_MS);
      this.clockWaiters.set(t0, (sample) => {
        clearTimeout(timer);
        this.clockWaiters.delete(t0);
        resolve(sample);
      });
      this.send({ type: 'clock', t0 });
    });
  }

  private onClosed(): void {
    if (!this.saidBye) this.markLost('its connection closed');
  }

  private markLost(why: string): void {
    if (this.lost || this.saidBye) return;
    this.lostWhy = why;
    clearInterval(this.clockTimer);
    this.socket.destroy();
    const running = [...this.workers.values()].filter((w) => !w.hasExited).map((w) => w.instance);
    this.o.log(`agent ${this.o.name} lost: ${why}; instances gone with it: ${running.join(', ') || 'none'}`);
    for (const worker of this.workers.values()) worker.lose(`agent ${this.o.name} lost: ${why}`);
    for (const waiter of [...this.networkWaiters.values()])
      waiter({ type: 'network-done', id: -1, error: `lost: ${why}` });
    this.o.onLost?.(why, running);
  }
}

export function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}
