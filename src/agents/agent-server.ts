/**
 * `rmq-chaos agent`: serves one coordinator at a time over TCP. After the challenge and the
 * coordinator's proof of the token, it starts the fleet workers the coordinator asks for as its
 * own children and relays their messages both ways without reading them (the coordinator
 * validates worker messages, as it does for local workers). Workers live in a session that owns
 * them (a RunResources with its watchdog): when the coordinator says bye, or its connection
 * drops, or this process dies, they are stopped.
 */
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromWorker, type ToWorker } from '../fleet/protocol.ts';
import { StdioTransport } from '../fleet/transport/stdio-transport.ts';
import { nodeWorkerLaunch, startLocalWorker, type WorkerLaunch } from '../fleet/worker-launch.ts';
import type { WorkerProgram } from '../fleet/worker-program.ts';
import { WorkerPrograms } from '../fleet/worker-programs.ts';
import type { StartedWorker } from '../fleet/worker-process.ts';
import { workerLogName } from '../fleet/fleet-worker.ts';
import { claimRunId } from '../runtime/run-id.ts';
import { RunResources } from '../runtime/run-resources.ts';
import { RunState } from '../runtime/run-state.ts';
import { ToxiproxyClient } from '../network/toxiproxy-client.ts';
import { startToxiproxyServer } from '../network/toxiproxy-server.ts';
import { cachePaths } from '../setup/cache-dir.ts';
import { sleep } from '../util/sleep.ts';
import { rewriteStart } from './agent-links.ts';
import {
  type AgentLink,
  type FromAgent,
  type NetworkRequest,
  ourVersions,
  type ToAgent,
  toAgent,
  type Versions,
  versionMismatch,
} from './agent-protocol.ts';
import { preciseNow } from './clock-offset.ts';
import { toCoordinatorClock } from './clock-correction.ts';
import { ReceiptBatcher } from './receipt-batcher.ts';
import { newNonce, proofMatches } from './token.ts';

/** How long a given Toxiproxy (a sidecar, maybe starting beside this agent) gets to answer. */
const TOXIPROXY_WAIT_MS = 15_000;

/** Resolves once the Toxiproxy API answers; throws its last error past `timeoutMs`. */
async function untilAnswers(client: ToxiproxyClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.version();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

/** A coordinator that connects but never proves itself is dropped after this long. */
const AUTH_TIMEOUT_MS = 10_000;
/**
 * How long receipts wait for their batch. Short: a worker reports a delivery before its handler
 * returns, so no offset commit outruns it; receipts held here and lost with this host after a
 * commit would count as lost. 20 ms still makes batches of 2 000 at 100 000 deliveries/s.
 */
const BATCH_INTERVAL_MS = 20;

export interface AgentServerOptions {
  name: string;
  host: string;
  port: number;
  capacity: number;
  token: string;
  rmqChaosVersion: string;
  /** Serve one coordinator session, then close (an Indexed Job's pod then completes). */
  once: boolean;
  log: (line: string) => void;
  /**
   * Test aid: act as a host whose clock is this many ms ahead (clock replies and the times in
   * relayed worker reports are shifted), so clock correction can be tested on one machine.
   */
  clockSkewMs?: number;
  /**
   * The Toxiproxy API the client links are made on (a pod's sidecar); without it the agent
   * starts its own from the setup cache when a run first asks for links.
   */
  toxiproxyUrl?: string;
}

export class AgentServer {
  private readonly server: Server;
  private session: AgentSession | undefined;
  private readonly done: Promise<void>;
  private finish: (() => void) | undefined;

  constructor(private readonly o: AgentServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  async listen(): Promise<{ host: string; port: number }> {
    this.server.listen(this.o.port, this.o.host);
    await once(this.server, 'listening');
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : this.o.port;
    this.o.log(`agent ${this.o.name} listening on ${this.o.host}:${port} (capacity ${this.o.capacity})`);
    return { host: this.o.host, port };
  }

  /** Resolves when the server has closed (after one session with `once`, or `close()`). */
  closed(): Promise<void> {
    return this.done;
  }

  async close(): Promise<void> {
    await this.session?.end('agent shutting down');
    this.server.close();
    this.finish?.();
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 5_000);
    const transport = new StdioTransport<FromAgent>(socket, socket);
    const versions = ourVersions(this.o.rmqChaosVersion);
    const nonce = newNonce();
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    transport.send({ type: 'challenge', versions, nonce, name: this.o.name, capacity: this.o.capacity });
    const timer = setTimeout(() => refuse('no proof of the token within 10 s'), AUTH_TIMEOUT_MS);
    let authed = false;
    const refuse = (reason: string) => {
      clearTimeout(timer);
      this.o.log(`refused ${peer}: ${reason}`);
      transport.send({ type: 'refused', reason });
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref();
    };
    transport.onMessage((raw) => {
      if (authed) return;
      authed = true;
      clearTimeout(timer);
      const parsed = toAgent.safeParse(raw);
      if (!parsed.success || parsed.data.type !== 'auth') return refuse('the first message must be auth');
      const auth = parsed.data;
      const mismatch = versionMismatch(versions, auth.versions as Versions, 'the coordinator');
      if (mismatch) return refuse(mismatch);
      if (!proofMatches(this.o.token, nonce, auth.proof)) return refuse('wrong token');
      if (this.session) return refuse(`busy: serving run ${this.session.runId}`);
      this.o.log(`coordinator ${peer} connected for run ${auth.runId}`);
      this.session = new AgentSession(auth.runId, transport, this.o);
      transport.send({ type: 'welcome', name: this.o.name, capacity: this.o.capacity, pid: process.pid });
      void this.session.ended.then(() => {
        this.o.log(`session of run ${auth.runId} ended`);
        this.session = undefined;
        if (this.o.once) void this.close();
      });
    });
    transport.onClose(() => clearTimeout(timer));
  }
}

/** One coordinator's workers on this host, released however the session ends. */
class AgentSession {
  readonly ended: Promise<void>;
  private readonly resources: RunResources;
  private readonly workers = new Map<string, StartedWorker>();
  private programs: Map<string, Promise<WorkerPrograms>> = new Map();
  private ending: Promise<void> | undefined;
  /** Worker messages relayed and the CPU at the session start: the agent's own cost, logged at the end. */
  private relayed = 0;
  private readonly cpuAtStart = process.cpuUsage();
  private readonly batcher = new ReceiptBatcher();
  private readonly batchTimer: NodeJS.Timeout;
  private resolveEnded: (() => void) | undefined;
  /** The client links on this host, once the coordinator asked for them (agent-links.ts). */
  private links: { client: ToxiproxyClient; made: AgentLink[]; listeners: Record<string, string> } | undefined;

  constructor(
    readonly runId: string,
    private readonly channel: StdioTransport<FromAgent>,
    private readonly o: AgentServerOptions,
  ) {
    const workRoot = join(tmpdir(), 'rmq-chaos');
    const id = claimRunId(`agent-${o.name}-${runId}`.replace(/[^A-Za-z0-9_.-]/g, '_'), [cachePaths().runs, workRoot]);
    const workDir = join(workRoot, id);
    mkdirSync(workDir, { recursive: true });
    this.resources = new RunResources(RunState.create(cachePaths().runs, { runId: id, workDir, keep: false }), o.log);
    this.resources.startWatchdog();
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
    this.batchTimer = setInterval(() => this.flushAll(), BATCH_INTERVAL_MS);
    channel.onMessage((raw) => this.receive(raw));
    channel.onClose(() => void this.end('the coordinator disconnected'));
  }

  /** Stops every worker and releases the session's resources; safe to call twice. */
  end(why: string): Promise<void> {
    this.ending ??= (async () => {
      clearInterval(this.batchTimer);
      this.flushAll();
      const cpu = process.cpuUsage(this.cpuAtStart);
      this.o.log(
        `ending session of run ${this.runId}: ${why}; relayed ${this.relayed} worker messages, agent CPU ` +
          `${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`,
      );
      await this.resources.release(5_000);
      this.channel.close();
      this.resolveEnded?.();
    })();
    return this.ending;
  }

  private send(message: FromAgent): void {
    this.channel.send(message);
  }

  private receive(raw: unknown): void {
    const parsed = toAgent.safeParse(raw);
    if (!parsed.success) {
      this.send({ type: 'log', message: `agent ${this.o.name}: invalid message: ${parsed.error.message}` });
      return;
    }
    const message: ToAgent = parsed.data;
    const skew = this.o.clockSkewMs ?? 0;
    switch (message.type) {
      case 'clock': {
        const t1 = preciseNow() + skew;
        this.send({ type: 'clock', t0: message.t0, t1, t2: preciseNow() + skew });
        return;
      }
      case 'spawn':
        void this.spawn(message.instance, message.kind, message.program);
        return;
      case 'to-worker': {
        const toWorker = message.message as ToWorker;
        const links = this.links;
        this.workers
          .get(message.instance)
          ?.transport.send(links ? rewriteStart(toWorker, links.made, links.listeners) : toWorker);
        return;
      }
      case 'network':
        void this.network(message.id, message.request);
        return;
      case 'signal':
        this.workers.get(message.instance)?.proc.signal(message.signal);
        return;
      case 'crash':
        // A host that vanishes: its workers go at once, and so does this process (no bye, no release).
        this.resources.killAllNow();
        process.kill(process.pid, 'SIGKILL');
        return;
      case 'bye':
        void this.end('the coordinator said bye');
        return;
      case 'auth':
        return;
    }
  }

  /** One network request, answered with its id; a failure is the answer's error, for the coordinator to raise. */
  private async network(id: number, request: NetworkRequest): Promise<void> {
    try {
      const listeners = await this.applyNetwork(request);
      this.send({ type: 'network-done', id, ...(listeners ? { listeners } : {}) });
    } catch (error) {
      this.send({ type: 'network-done', id, error: (error as Error).message });
    }
  }

  private async applyNetwork(request: NetworkRequest): Promise<Record<string, string> | undefined> {
    if (request.op === 'links') {
      const client = await this.linkClient();
      // Port 0: Toxiproxy picks a free port on this host's loopback, and keeps it across a disable.
      const listeners = await client.createProxies(
        request.links.map((l) => ({ name: l.name, listen: '127.0.0.1:0', upstream: l.upstream })),
      );
      this.links = { client, made: request.links, listeners };
      const made = request.links.map((l) => `${l.name} ${listeners[l.name]}->${l.upstream}`);
      this.o.log(`links for run ${this.runId}: ${made.join(', ')}`);
      return listeners;
    }
    const client = this.links?.client;
    if (!client) throw new Error(`agent ${this.o.name} has no links: the coordinator never asked for them`);
    switch (request.op) {
      case 'enable':
        await client.setEnabled(request.link, request.enabled);
        return undefined;
      case 'add-toxic':
        await client.addToxic(request.link, request.toxic);
        return undefined;
      case 'remove-toxic':
        await client.removeToxic(request.link, request.name);
        return undefined;
      case 'reset':
        await client.reset();
        return undefined;
    }
  }

  /**
   * A client on the Toxiproxy the links go on: the one given (its proxies of this session are
   * deleted when the session ends), or one started here and owned by the session.
   */
  private async linkClient(): Promise<ToxiproxyClient> {
    if (this.links) return this.links.client;
    const url = this.o.toxiproxyUrl;
    if (url !== undefined) {
      const client = new ToxiproxyClient(url, undefined, { remoteUpstreams: true });
      await untilAnswers(client, TOXIPROXY_WAIT_MS);
      this.resources.defer('links', async () => {
        await Promise.all((this.links?.made ?? []).map((l) => client.deleteProxy(l.name)));
      });
      return client;
    }
    const server = await startToxiproxyServer(this.resources, { log: this.o.log });
    return new ToxiproxyClient(server.apiUrl, undefined, { remoteUpstreams: true });
  }

  private async spawn(instance: string, kind: 'producer' | 'consumer', program: WorkerProgram): Promise<void> {
    if (this.workers.size >= this.o.capacity) {
      this.send({
        type: 'spawn-failed',
        instance,
        reason: `agent ${this.o.name} runs ${this.workers.size} instances, its capacity`,
      });
      return;
    }
    try {
      const launch = await this.launchOf(instance, program);
      const started = startLocalWorker(
        this.resources,
        launch,
        `${kind} ${instance}`,
        join(this.resources.workDir, workerLogName(kind, instance)),
      );
      this.workers.set(instance, started);
      started.transport.onMessage((message) => {
        this.relayed++;
        this.relay(instance, message);
      });
      void started.proc.exited.then((exit) => {
        this.flush(instance);
        this.workers.delete(instance);
        this.send({ type: 'exited', instance, code: exit.code, signal: exit.signal, lastLines: exit.lastLines });
      });
      this.send({ type: 'spawned', instance, pid: started.proc.pid });
    } catch (error) {
      this.send({ type: 'spawn-failed', instance, reason: (error as Error).message });
    }
  }

  /**
   * A worker's receipts go into its batch; any other message first sends the batch, so nothing
   * of an instance overtakes its receipts. A receipts message that is not valid goes on as it
   * is, for the coordinator to refuse by name.
   */
  private relay(instance: string, raw: unknown): void {
    const skew = this.o.clockSkewMs ?? 0;
    // Receipts are read to be batched; with the skew aid every report is, to move its stamps.
    const receipts = (raw as { type?: unknown } | null)?.type === 'receipts';
    const parsed = skew !== 0 || receipts ? fromWorker.safeParse(raw) : undefined;
    let message: unknown = raw;
    if (parsed?.success) {
      // A host `skew` ahead stamps everything `skew` later: the coordinator's correction, backwards.
      const data = skew === 0 ? parsed.data : toCoordinatorClock(parsed.data, { own: -skew, producer: () => 0 });
      if (data.type === 'receipts' && data.instanceId === instance) {
        const full = this.batcher.add(data);
        if (full) this.send({ type: 'receipt-batch', batch: full });
        return;
      }
      message = data;
    }
    this.flush(instance);
    this.send({ type: 'from-worker', instance, message });
  }

  private flush(instance: string): void {
    const batch = this.batcher.flush(instance);
    if (batch) this.send({ type: 'receipt-batch', batch });
  }

  private flushAll(): void {
    for (const batch of this.batcher.flushAll()) this.send({ type: 'receipt-batch', batch });
  }

  /** The Node worker, or the Java one built (or found in this host's cache) for its client version. */
  private async launchOf(instance: string, program: WorkerProgram): Promise<WorkerLaunch> {
    if (program.driver === 'node') return nodeWorkerLaunch();
    const key = `${program.protocol}-${program.clientVersion}`;
    let programs = this.programs.get(key);
    if (!programs) {
      programs = WorkerPrograms.prepare(new Map([[instance, program]]), this.resources.workDir, (line) =>
        this.o.log(`setup: ${line}`),
      );
      this.programs.set(key, programs);
    }
    // The program the coordinator named, not one looked up by instance: the build was prepared
    // for the first instance that asked, and another fleet's instance would not be found there.
    return (await programs).launch(program, instance);
  }
}
