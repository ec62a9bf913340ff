/**
 * `rmq-chaos agent` as a real child process on 127.0.0.1, and the coordinator's connection to
 * it: the token and versions are checked before anything runs, workers started through the
 * agent talk the worker protocol as local ones do (against a loopback RocketMQ stand-in), the
 * clock is measured, and a crashed agent is a lost agent whose workers are gone too.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentConnection, type AgentConnectionOptions } from '../../../src/agents/agent-connection.ts';
import { AgentPool } from '../../../src/agents/agent-pool.ts';
import { AgentServer } from '../../../src/agents/agent-server.ts';
import { TOKEN_ENV } from '../../../src/agents/agent-protocol.ts';
import type { RemoteWorker } from '../../../src/agents/remote-worker.ts';
import { FleetWorker } from '../../../src/fleet/fleet-worker.ts';
import type { FromWorker, ProducerConfig } from '../../../src/fleet/protocol.ts';
import type { ManagedProcess } from '../../../src/runtime/managed-process.ts';
import { RunResources } from '../../../src/runtime/run-resources.ts';
import { RunState } from '../../../src/runtime/run-state.ts';
import { findFreeBlock } from '../../../src/util/free-ports.ts';
import { PROJECT_ROOT, tsxNodeArgs } from '../../../src/util/node-args.ts';
import { packageVersion } from '../../../src/util/package-version.ts';
import { isProcessAlive } from '../../../src/util/process-info.ts';
import { waitFor } from '../../support/wait-for.ts';
import { LoopbackRocketMQ } from '../fleet/loopback-rocketmq.ts';

const TOKEN = 'a-shared-token-for-the-agent-tests';
let scratch: string;
let resources: RunResources;
let broker: LoopbackRocketMQ;

beforeAll(async () => {
  broker = await new LoopbackRocketMQ().start();
  scratch = mkdtempSync(join(tmpdir(), 'rmq-chaos-agent-'));
  mkdirSync(join(scratch, 'work'));
  resources = new RunResources(
    RunState.create(join(scratch, 'runs'), { runId: 'agents', workDir: join(scratch, 'work'), keep: false }),
    () => {},
  );
});

afterAll(async () => {
  await resources?.release(2000);
  await broker?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** `rmq-chaos agent` as users start it, a process of its own (for the crash test: it kills itself). */
async function startAgent(name: string): Promise<{ proc: ManagedProcess; address: string }> {
  const [port] = await findFreeBlock(1);
  const address = `127.0.0.1:${port}`;
  const proc = resources.spawn({
    name: `agent ${name}`,
    command: process.execPath,
    args: [...tsxNodeArgs(), 'src/cli/main.ts', 'agent', '--listen', address, '--name', name],
    cwd: PROJECT_ROOT,
    env: { ...process.env, [TOKEN_ENV]: TOKEN },
    logFile: join(scratch, `agent-${name}.log`),
  });
  await proc.waitForLine(/listening on/, 20_000);
  return { proc, address };
}

/**
 * An agent in this process (the same AgentServer the command runs), for tests that do not need
 * it to die: a process start is most of such a test's cost. The crash test starts a real one.
 */
async function agentHere(
  name: string,
  over: { once?: boolean; clockSkewMs?: number; port?: number } = {},
): Promise<{ server: AgentServer; address: string }> {
  const port = over.port ?? (await findFreeBlock(1))[0]!;
  const server = new AgentServer({
    name,
    host: '127.0.0.1',
    port,
    capacity: 16,
    token: TOKEN,
    rmqChaosVersion: packageVersion(),
    once: over.once ?? false,
    log: () => {},
    ...(over.clockSkewMs === undefined ? {} : { clockSkewMs: over.clockSkewMs }),
  });
  servers.push(server);
  await server.listen();
  return { server, address: `127.0.0.1:${port}` };
}

const servers: AgentServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const options = (
  name: string,
  address: string,
  over: Partial<AgentConnectionOptions> = {},
): AgentConnectionOptions => ({
  name,
  address,
  token: TOKEN,
  runId: 'agent-test',
  rmqChaosVersion: packageVersion(),
  log: () => {},
  ...over,
});

// Each test starts agents of its own: they run side by side.
describe.concurrent('rmq-chaos agent', () => {
  it('refuses a wrong token and another version, naming both versions; an unreachable agent is named', async () => {
    const { address } = await agentHere('gatekeeper');
    await expect(
      AgentConnection.open(options('gatekeeper', address, { token: 'not-the-token-at-all' })),
    ).rejects.toThrow(/agent gatekeeper \(127\.0\.0\.1:\d+\): refused: wrong token/);
    await expect(AgentConnection.open(options('gatekeeper', address, { rmqChaosVersion: '9.9.9' }))).rejects.toThrow(
      new RegExp(`the agent runs rmq-chaos ${packageVersion()} .*this side runs rmq-chaos 9\\.9\\.9`),
    );
    const [closed] = await findFreeBlock(1);
    await expect(AgentConnection.open(options('nobody', `127.0.0.1:${closed}`))).rejects.toThrow(
      /agent nobody \(127\.0\.0\.1:\d+\): unreachable \(ECONNREFUSED\)/,
    );
  });

  it('runs a producer for the coordinator: hello, acks and its exit come back through the agent', async () => {
    const { server, address } = await agentHere('worker-host', { once: true });
    const agent = await AgentConnection.open(options('worker-host', address));
    expect(agent.clock.errorMs).toBeLessThan(50);
    expect(Math.abs(agent.clock.offsetMs)).toBeLessThanOrEqual(agent.clock.errorMs + 1);
    const received: FromWorker[] = [];
    const crashes: unknown[] = [];
    const producer = new FleetWorker(
      'orders#0',
      'producer',
      agent.spawn('orders#0', 'producer', { driver: 'node' }),
      (_, message) => received.push(message),
      (_, exit) => crashes.push(exit),
    );
    const config: ProducerConfig = {
      runId: 'agent-test',
      fleet: 'orders',
      driver: 'remoting',
      namesrvAddr: broker.addr,
      group: 'orders-producer',
      routeRefreshMs: 30_000,
      producerId: 'orders#0',
      topic: 'T',
      executor: { kind: 'constant', ratePerSecond: 200 },
      messageSize: 64,
      tags: [],
      maxMessages: 20,
      durationMs: 5000,
      seed: 1,
      maxInFlight: 64,
      sendMode: 'async',
    };
    producer.send({ type: 'start-producer', config });
    const exit = await producer.proc.exited;
    expect(exit).toEqual({ code: 0, signal: null, lastLines: [] });
    expect(crashes).toEqual([]);
    expect(received[0]).toMatchObject({ type: 'hello', implementation: 'node' });
    const acked = received.flatMap((m) => (m.type === 'acks' ? m.seqs : []));
    const done = received.find((m) => m.type === 'producer-done');
    expect(done).toMatchObject({ attempted: 20 });
    expect(acked.length).toBeGreaterThan(0);
    expect(producer.proc.pid).toBeGreaterThan(0);
    await agent.close();
    // --once: the agent leaves after its one coordinator.
    await server.closed();
  });

  it('a crashed agent is lost: its workers exit as lost, and their processes are gone with it', async () => {
    const { proc: agentProc, address } = await startAgent('doomed');
    const lost: { why: string; instances: string[] }[] = [];
    // Through the pool, as a run's agent fault goes: crash, then wait until it is lost.
    const pool = await AgentPool.connect({
      agents: [{ name: 'doomed', address, capacity: 16, resources: {} }],
      token: TOKEN,
      runId: 'agent-test',
      rmqChaosVersion: packageVersion(),
      log: () => {},
      onLost: ({ why, instances }) => lost.push({ why, instances }),
    });
    const started = pool.spawn('doomed', 'idle#0', 'producer', { driver: 'node' });
    await waitFor(() => (started.proc.pid > 0 ? true : undefined), 20_000, 'the worker started on the agent');
    const workerPid = started.proc.pid;
    await expect(pool.waitLost('doomed', 50)).rejects.toThrow(/agent doomed still answers 50 ms after its kill/);
    pool.crash('doomed');
    await pool.waitLost('doomed', 15_000);
    expect(pool.isLost('doomed')).toBe(true);
    const exit = await started.proc.exited;
    expect(exit).toMatchObject({ code: null, signal: null });
    expect(exit.lastLines[0]).toMatch(/agent doomed lost: its connection closed/);
    expect((started.proc as RemoteWorker).lostWithAgent).toBe(true);
    expect(lost).toEqual([{ why: 'its connection closed', instances: ['idle#0'] }]);
    expect((await agentProc.exited).signal).toBe('SIGKILL');
    await waitFor(
      () => (isProcessAlive(workerPid) ? undefined : true),
      10_000,
      'the worker process gone with its agent',
    );
  });

  it('keeps trying an agent that does not answer yet, within --agent-wait; a refusal is not retried', async () => {
    const [port] = await findFreeBlock(1);
    const agent = { name: 'late', address: `127.0.0.1:${port}`, capacity: 4, resources: {} };
    const pool = AgentPool.connect({
      agents: [agent],
      token: TOKEN,
      runId: 'late',
      rmqChaosVersion: packageVersion(),
      log: () => {},
      waitMs: 30_000,
    });
    await new Promise((r) => setTimeout(r, 1500));
    await agentHere('late', { once: true, port });
    const connected = await pool;
    expect(connected.names()).toEqual(['late']);
    await connected.close();
    const { address } = await agentHere('strict');
    const started = Date.now();
    await expect(
      AgentPool.connect({
        agents: [{ ...agent, name: 'strict', address }],
        token: 'the-wrong-token-for-this-agent',
        runId: 'strict',
        rmqChaosVersion: packageVersion(),
        log: () => {},
        waitMs: 30_000,
      }),
    ).rejects.toThrow(/refused: wrong token/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('measures a skewed clock: offset within its error bound of the skew', async () => {
    const { address } = await agentHere('ahead', { once: true, clockSkewMs: 5000 });
    const agent = await AgentConnection.open(options('ahead', address));
    expect(Math.abs(agent.clock.offsetMs - 5000)).toBeLessThanOrEqual(agent.clock.errorMs + 1);
    expect(agent.clock.samples).toBe(5);
    await agent.close();
  });
});
