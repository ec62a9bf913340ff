/**
 * The Toxiproxy client and server against the real toxiproxy-server binary that `setup`
 * built (it starts in milliseconds): the server is a run resource, links really forward to
 * a local TCP echo server, disabling refuses connections, toxics change what passes, and
 * every error says which request failed and why.
 */
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toxiproxySkipReason } from '../../support/toxiproxy-binary.ts';
import { ToxiproxyClient, ToxiproxyError } from '../../../src/network/toxiproxy-client.ts';
import { startToxiproxyServer, type ToxiproxyServer } from '../../../src/network/toxiproxy-server.ts';
import { RunResources } from '../../../src/runtime/run-resources.ts';
import { RunState } from '../../../src/runtime/run-state.ts';
import { allocatePortBlocks } from '../../../src/runtime/ports.ts';
import { cachePaths } from '../../../src/setup/cache-dir.ts';
import { isProcessAlive } from '../../../src/util/process-info.ts';

const skipReason = toxiproxySkipReason();

let resources: RunResources;
let server: ToxiproxyServer;
let echo: net.Server;
let echoAddr: string;
let ports: number[];

beforeAll(async () => {
  if (skipReason !== undefined) return;
  const runId = `unit-toxiproxy-${process.pid}-${Date.now()}`;
  const workDir = join(tmpdir(), 'rmq-chaos', runId);
  mkdirSync(workDir, { recursive: true });
  resources = new RunResources(RunState.create(cachePaths().runs, { runId, workDir, keep: false }), () => {});
  server = await startToxiproxyServer(resources);
  ports = (await allocatePortBlocks(cachePaths().runs, resources.state, [3]))[0]!;
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoAddr = `127.0.0.1:${(echo.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  echo?.close();
  await resources?.release();
});

/** One round trip through `addr`: connect, write, read the echo. Rejects on refusal or after `timeoutMs`. */
function roundTrip(addr: string, timeoutMs = 3000): Promise<number> {
  const [host, port] = addr.split(':') as [string, string];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('timeout'));
    }, timeoutMs);
    socket.once('connect', () => socket.write('ping'));
    socket.once('data', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(performance.now() - started);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

// The reason as a skipped test's note: vitest prints it on the test's line.
if (skipReason !== undefined) it('Toxiproxy server and client (real binary)', (ctx) => ctx.skip(skipReason));

describe.skipIf(skipReason !== undefined)('Toxiproxy server and client (real binary)', () => {
  it('runs as a recorded run resource and answers its API on 127.0.0.1', async () => {
    expect(server.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await server.client.version()).toBeTypeOf('string');
    expect(resources.state.snapshot.processes.map((p) => p.name)).toContain('toxiproxy');
  });

  it('creates links that forward, and lists them by name', async () => {
    await server.client.createProxies([
      { name: 'clients->echo', listen: `127.0.0.2:${ports[0]}`, upstream: echoAddr },
      { name: 'other->echo', listen: `127.0.0.3:${ports[0]}`, upstream: echoAddr },
    ]);
    expect(server.client.links()).toEqual(['clients->echo', 'other->echo']);
    expect(await roundTrip(`127.0.0.2:${ports[0]}`)).toBeLessThan(1000);
    const fresh = await ToxiproxyClient.connect(server.apiUrl);
    expect(fresh.links()).toEqual(['clients->echo', 'other->echo']);
    expect((await fresh.proxy('clients->echo')).upstream).toBe(echoAddr);
  });

  it(
    'a disabled link refuses connections; ' + 'the other link on the same port still works; enabling restores it',
    async () => {
      await server.client.setEnabled('clients->echo', false);
      await expect(roundTrip(`127.0.0.2:${ports[0]}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(await roundTrip(`127.0.0.3:${ports[0]}`)).toBeLessThan(1000);
      await server.client.setEnabled('clients->echo', true);
      expect(await roundTrip(`127.0.0.2:${ports[0]}`)).toBeLessThan(1000);
    },
  );

  it('a latency toxic delays the round trip by about its latency; removing it restores speed', async () => {
    const addr = `127.0.0.2:${ports[0]}`;
    await server.client.addToxic('clients->echo', {
      name: 'lat.downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 150, jitter: 0 },
    });
    const slow = await roundTrip(addr);
    expect(slow).toBeGreaterThanOrEqual(140);
    expect(slow).toBeLessThan(1000);
    expect((await server.client.proxy('clients->echo')).toxics.map((t) => t.name)).toEqual(['lat.downstream']);
    await server.client.removeToxic('clients->echo', 'lat.downstream');
    expect(await roundTrip(addr)).toBeLessThan(100);
  });

  it(
    'toxic names are unique per link across streams (409), removal ' +
      'is idempotent, an unknown link is a distinct error',
    async () => {
      const toxic = {
        name: 't',
        type: 'latency',
        stream: 'upstream' as const,
        toxicity: 1,
        attributes: { latency: 1 },
      };
      await server.client.addToxic('clients->echo', toxic);
      const conflict = await server.client
        .addToxic('clients->echo', { ...toxic, stream: 'downstream' })
        .catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(ToxiproxyError);
      expect((conflict as ToxiproxyError).status).toBe(409);
      await server.client.removeToxic('clients->echo', 't');
      await expect(server.client.removeToxic('clients->echo', 't')).resolves.toBeUndefined();
      const unknown = await server.client.removeToxic('nope', 't').catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(ToxiproxyError);
      expect((unknown as ToxiproxyError).isUnknownLink).toBe(true);
      await expect(server.client.setEnabled('nope', false)).rejects.toThrow(/proxy not found/);
    },
  );

  it('reset enables every link and removes every toxic', async () => {
    await server.client.setEnabled('other->echo', false);
    await server.client.addToxic('clients->echo', {
      name: 'x',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
    await server.client.reset();
    const all = await server.client.proxies();
    expect(all.every((p) => p.enabled && p.toxics.length === 0)).toBe(true);
  });

  it('refuses anything outside 127.0.0.0/8 before sending a request', async () => {
    await expect(
      server.client.createProxies([{ name: 'out', listen: `0.0.0.0:${ports[1]}`, upstream: echoAddr }]),
    ).rejects.toThrow(/not a 127\.0\.0\.0\/8 address/);
    await expect(
      server.client.createProxies([{ name: 'out', listen: `127.0.0.2:${ports[1]}`, upstream: '10.0.0.1:80' }]),
    ).rejects.toThrow(/upstream 10\.0\.0\.1:80/);
    await expect(
      server.client.createProxies([{ name: 'out', listen: `localhost:${ports[1]}`, upstream: echoAddr }]),
    ).rejects.toThrow(/not a 127/);
    expect(() => new ToxiproxyClient('http://example.com:8474')).toThrow(/127\.0\.0\.0\/8/);
    expect(server.client.links()).not.toContain('out');
  });

  it('a server that is gone fails fast with toxiproxy-unreachable', async () => {
    const client = new ToxiproxyClient(`http://127.0.0.1:${ports[2]}`, 1000);
    const started = performance.now();
    const error = await client.reset().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToxiproxyError);
    expect((error as ToxiproxyError).code).toBe('toxiproxy-unreachable');
    expect((error as ToxiproxyError).message).toMatch(/did not answer POST \/reset/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops with the run resources (nothing left running)', async () => {
    const pid = server.process.pid;
    const runResources = new RunResources(
      RunState.create(cachePaths().runs, {
        runId: `unit-toxiproxy-stop-${process.pid}-${Date.now()}`,
        workDir: join(tmpdir(), 'rmq-chaos', `unit-stop-${Date.now()}`),
        keep: false,
      }),
      () => {},
    );
    mkdirSync(runResources.workDir, { recursive: true });
    const second = await startToxiproxyServer(runResources);
    const secondPid = second.process.pid;
    expect(isProcessAlive(secondPid)).toBe(true);
    await runResources.release();
    expect(isProcessAlive(secondPid)).toBe(false);
    expect(isProcessAlive(pid)).toBe(true);
  });
});
