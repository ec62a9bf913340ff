/**
 * The `network.*` fault actions: params as the scheduler hands them over, toxics named after
 * the fault (two overlapping faults on one link coexist), `both` = two toxics, `end()`
 * removes exactly what `begin` added and never throws, overlapping downs re-enable with the
 * last, and a flap cycles on a seeded schedule. A fake NetworkControl records calls; the
 * last block runs the same actions against the real toxiproxy-server.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toxiproxySkipReason } from '../../support/toxiproxy-binary.ts';
import type { FaultContext } from '../../../src/faults/fault-action.ts';
import { jittered } from '../../../src/faults/actions/network-flap.ts';
import { faultActionNames, getFaultAction } from '../../../src/faults/registry.ts';
import type { NetworkControl, Toxic } from '../../../src/network/network-control.ts';
import { startToxiproxyServer, type ToxiproxyServer } from '../../../src/network/toxiproxy-server.ts';
import { RunResources } from '../../../src/runtime/run-resources.ts';
import { RunState } from '../../../src/runtime/run-state.ts';
import { allocatePortBlocks } from '../../../src/runtime/ports.ts';
import { cachePaths } from '../../../src/setup/cache-dir.ts';
import { seededRandom } from '../../../src/util/random.ts';

class FakeNetwork implements NetworkControl {
  readonly enabled = new Map<string, boolean>();
  readonly toxics = new Map<string, Toxic[]>();
  readonly calls: string[] = [];
  gone = false;
  constructor(names: string[]) {
    for (const n of names) {
      this.enabled.set(n, true);
      this.toxics.set(n, []);
    }
  }
  links(): string[] {
    return [...this.enabled.keys()];
  }
  private check(link: string): void {
    if (this.gone) throw new Error('connect ECONNREFUSED');
    if (!this.enabled.has(link)) throw new Error('proxy not found');
  }
  async setEnabled(link: string, enabled: boolean): Promise<void> {
    this.check(link);
    this.calls.push(`${link} ${enabled ? 'up' : 'down'}`);
    this.enabled.set(link, enabled);
  }
  async addToxic(link: string, toxic: Toxic): Promise<void> {
    this.check(link);
    const list = this.toxics.get(link)!;
    if (list.some((t) => t.name === toxic.name))
      throw Object.assign(new Error('toxic already exists'), { status: 409 });
    list.push(toxic);
  }
  async removeToxic(link: string, name: string): Promise<void> {
    this.check(link);
    this.toxics.set(
      link,
      this.toxics.get(link)!.filter((t) => t.name !== name),
    );
  }
  async reset(): Promise<void> {}
}

const LINK = 'consumers->broker-a';
function context(network?: NetworkControl) {
  const lines: string[] = [];
  const ctx: FaultContext = { log: (line) => lines.push(line), ...(network ? { network } : {}) };
  return { ctx, lines };
}

describe('fault registry', () => {
  it('registers every action by its plan name', () => {
    expect(faultActionNames()).toEqual([
      'acl.revoke',
      'disk.fill',
      'disk.slow',
      'drift',
      'kill',
      'network.bandwidth',
      'network.down',
      'network.flap',
      'network.latency',
      'network.limit_data',
      'network.reset_peer',
      'network.slicer',
      'network.timeout',
      'pause',
      'restart',
      'scale',
    ]);
    expect(() => getFaultAction('network.nope')).toThrow(/no fault action named "network.nope"/);
  });
});

describe('toxic actions (fake network)', () => {
  it("maps each action's params onto its Toxiproxy toxic, named after the fault", async () => {
    const cases: [string, Record<string, unknown>, string, Record<string, number>][] = [
      [
        'network.latency',
        { latencyMs: 200, jitterMs: 50, stream: 'downstream' },
        'latency',
        { latency: 200, jitter: 50 },
      ],
      ['network.bandwidth', { rateKBps: 64, stream: 'upstream' }, 'bandwidth', { rate: 64 }],
      ['network.timeout', { timeoutMs: 0, stream: 'downstream' }, 'timeout', { timeout: 0 }],
      ['network.reset_peer', { timeoutMs: 100, stream: 'downstream' }, 'reset_peer', { timeout: 100 }],
      [
        'network.slicer',
        { averageSizeBytes: 64, sizeVariationBytes: 16, delayUs: 500, stream: 'downstream' },
        'slicer',
        { average_size: 64, size_variation: 16, delay: 500 },
      ],
      ['network.limit_data', { bytes: 4096, stream: 'downstream' }, 'limit_data', { bytes: 4096 }],
    ];
    for (const [action, params, type, attributes] of cases) {
      const network = new FakeNetwork([LINK]);
      const handle = await getFaultAction(action).begin(
        LINK,
        { ...params, faultName: 'f1-0', seed: 42 },
        context(network).ctx,
      ); // as the scheduler passes them
      const stream = params['stream'] as string;
      expect(network.toxics.get(LINK)).toEqual([{ name: `f1-0.${stream}`, type, stream, toxicity: 1, attributes }]);
      expect(handle.observed.detail).toContain(LINK);
      await handle.end();
      expect(network.toxics.get(LINK)).toEqual([]);
      expect(handle.observed.endedAt).toBeGreaterThanOrEqual(handle.observed.begunAt);
    }
  });

  it('stream both adds two toxics; overlapping faults coexist; each end removes only its own', async () => {
    const network = new FakeNetwork([LINK]);
    const { ctx } = context(network);
    const first = await getFaultAction('network.latency').begin(
      LINK,
      { latencyMs: 100, jitterMs: 0, stream: 'both', faultName: 'slow#0' },
      ctx,
    );
    const second = await getFaultAction('network.latency').begin(
      LINK,
      { latencyMs: 300, stream: 'downstream', faultName: 'slower#0' },
      ctx,
    );
    const unnamed = await getFaultAction('network.latency').begin(LINK, { latencyMs: 5 }, ctx);
    expect(network.toxics.get(LINK)!.map((t) => t.name)).toEqual([
      'slow#0.upstream',
      'slow#0.downstream',
      'slower#0.downstream',
      expect.stringMatching(/^network\.latency#\d+\.downstream$/),
    ]);
    await first.end();
    expect(network.toxics.get(LINK)!.map((t) => t.name)).toEqual([
      'slower#0.downstream',
      expect.stringMatching(/^network\.latency#\d+\.downstream$/),
    ]);
    await second.end();
    await unnamed.end();
    expect(network.toxics.get(LINK)).toEqual([]);
  });

  it('a name already used on the link gets a suffix instead of failing', async () => {
    const network = new FakeNetwork([LINK]);
    const { ctx } = context(network);
    const a = await getFaultAction('network.timeout').begin(LINK, { timeoutMs: 0, faultName: 'same' }, ctx);
    const b = await getFaultAction('network.timeout').begin(LINK, { timeoutMs: 0, faultName: 'same' }, ctx);
    expect(network.toxics.get(LINK)!.map((t) => t.name)).toEqual(['same.downstream', 'same.downstream~2']);
    await b.end();
    expect(network.toxics.get(LINK)!.map((t) => t.name)).toEqual(['same.downstream']);
    await a.end();
  });

  it('end() is idempotent and never throws when the link or the server is gone', async () => {
    const network = new FakeNetwork([LINK]);
    const { ctx, lines } = context(network);
    const handle = await getFaultAction('network.bandwidth').begin(LINK, { rateKBps: 10, stream: 'both' }, ctx);
    network.gone = true;
    await expect(handle.end()).resolves.toBeUndefined();
    await expect(handle.end()).resolves.toBeUndefined();
    expect(lines.some((l) => /failed \(ignored\).*ECONNREFUSED/.test(l))).toBe(true);
    expect(handle.observed.endedAt).toBeDefined();
  });

  it('rejects bad params, unknown links and a cluster without the network, naming the problem', async () => {
    const { ctx } = context(new FakeNetwork([LINK]));
    await expect(getFaultAction('network.latency').begin(LINK, { latencyMs: -1 }, ctx)).rejects.toThrow(
      /network.latency: invalid params: latencyMs/,
    );
    await expect(getFaultAction('network.latency').begin(LINK, { latency: 100 }, ctx)).rejects.toThrow(
      /invalid params.*latency/,
    );
    await expect(
      getFaultAction('network.latency').begin(LINK, { latencyMs: 1, stream: 'sideways' }, ctx),
    ).rejects.toThrow(/stream/);
    await expect(getFaultAction('network.flap').begin(LINK, { periodMs: 100, downForMs: 100 }, ctx)).rejects.toThrow(
      /downForMs must be below periodMs/,
    );
    await expect(getFaultAction('network.down').begin('producers->broker-z', {}, ctx)).rejects.toThrow(
      /no link named "producers->broker-z" \(links: consumers->broker-a\)/,
    );
    await expect(getFaultAction('network.down').begin(LINK, {}, context().ctx)).rejects.toThrow(/without Toxiproxy/);
  });
});

describe('network.down and network.flap (fake network)', () => {
  it('overlapping downs: the link comes back only when the last one ends', async () => {
    const network = new FakeNetwork([LINK]);
    const { ctx } = context(network);
    const down = getFaultAction('network.down');
    const a = await down.begin(LINK, {}, ctx);
    const b = await down.begin(LINK, { faultName: 'second' }, ctx);
    expect(network.enabled.get(LINK)).toBe(false);
    await a.end();
    expect(network.enabled.get(LINK)).toBe(false);
    await b.end();
    await b.end();
    expect(network.enabled.get(LINK)).toBe(true);
    expect(network.calls).toEqual([`${LINK} down`, `${LINK} up`]);
  });

  it('flap goes down at begin, cycles down/up until ended, and ends up', async () => {
    const network = new FakeNetwork([LINK]);
    const { ctx } = context(network);
    const handle = await getFaultAction('network.flap').begin(LINK, { periodMs: 60, downForMs: 20, jitterMs: 0 }, ctx);
    expect(network.enabled.get(LINK)).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    await handle.end();
    expect(network.enabled.get(LINK)).toBe(true);
    const downs = network.calls.filter((c) => c.endsWith('down')).length;
    const ups = network.calls.filter((c) => c.endsWith('up')).length;
    expect(downs).toBeGreaterThanOrEqual(4); // ~400/60 = 6.7 periods, timers are late on a busy box
    expect(downs).toBeLessThanOrEqual(8);
    expect(ups).toBe(downs);
    expect(network.calls.every((c, i) => c.endsWith(i % 2 === 0 ? 'down' : 'up'))).toBe(true);
    expect(handle.observed.detail).toMatch(/\(\d+ down phases\)$/);
  });

  it('a flap inside a down keeps the link down until the down ends too', async () => {
    const network = new FakeNetwork([LINK]);
    const { ctx } = context(network);
    const down = await getFaultAction('network.down').begin(LINK, {}, ctx);
    const flap = await getFaultAction('network.flap').begin(LINK, { periodMs: 30, downForMs: 10 }, ctx);
    await new Promise((r) => setTimeout(r, 100));
    expect(network.enabled.get(LINK)).toBe(false);
    await flap.end();
    expect(network.enabled.get(LINK)).toBe(false);
    await down.end();
    expect(network.enabled.get(LINK)).toBe(true);
  });

  it('jitter comes from the seed: same seed, same phases; within ±jitter; never below 1 ms', () => {
    const phases = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 20 }, () => jittered(500, 100, random));
    };
    expect(phases(7)).toEqual(phases(7));
    expect(phases(7)).not.toEqual(phases(8));
    expect(phases(7).every((ms) => ms >= 400 && ms <= 600)).toBe(true);
    expect(jittered(5, 100, () => 0)).toBe(1);
  });
});

const skipReason = toxiproxySkipReason();

// The reason as a skipped test's note: vitest prints it on the test's line.
if (skipReason !== undefined) it('network actions against the real toxiproxy-server', (ctx) => ctx.skip(skipReason));

describe.skipIf(skipReason !== undefined)('network actions against the real toxiproxy-server', () => {
  let resources: RunResources;
  let server: ToxiproxyServer;
  beforeAll(async () => {
    const runId = `unit-faults-${process.pid}-${Date.now()}`;
    const workDir = join(tmpdir(), 'rmq-chaos', runId);
    mkdirSync(workDir, { recursive: true });
    resources = new RunResources(RunState.create(cachePaths().runs, { runId, workDir, keep: false }), () => {});
    server = await startToxiproxyServer(resources);
    const [port] = (await allocatePortBlocks(cachePaths().runs, resources.state, [1]))[0]!;
    await server.client.createProxies([{ name: LINK, listen: `127.0.0.3:${port}`, upstream: `127.0.0.1:${port}` }]);
  });
  afterAll(async () => {
    await resources?.release();
  });

  it('latency on both streams adds two toxics and end removes them; down disables and re-enables', async () => {
    const { ctx } = context(server.client);
    const latency = await getFaultAction('network.latency').begin(
      LINK,
      { latencyMs: 100, jitterMs: 10, stream: 'both', faultName: 'lat' },
      ctx,
    );
    const slicer = await getFaultAction('network.slicer').begin(
      LINK,
      { averageSizeBytes: 100, sizeVariationBytes: 10, delayUs: 10, stream: 'upstream', faultName: 'slice' },
      ctx,
    );
    expect((await server.client.proxy(LINK)).toxics.map((t) => `${t.name}:${t.type}:${t.stream}`).sort()).toEqual([
      'lat.downstream:latency:downstream',
      'lat.upstream:latency:upstream',
      'slice.upstream:slicer:upstream',
    ]);
    await latency.end();
    expect((await server.client.proxy(LINK)).toxics.map((t) => t.name)).toEqual(['slice.upstream']);
    await slicer.end();
    const down = await getFaultAction('network.down').begin(LINK, {}, ctx);
    expect((await server.client.proxy(LINK)).enabled).toBe(false);
    await down.end();
    expect((await server.client.proxy(LINK)).enabled).toBe(true);
  });

  it('end() after the server died resolves (logged, not thrown)', async () => {
    const { ctx, lines } = context(server.client);
    const handle = await getFaultAction('network.reset_peer').begin(LINK, { timeoutMs: 0, stream: 'downstream' }, ctx);
    await server.process.kill();
    await expect(handle.end()).resolves.toBeUndefined();
    expect(lines.at(-1)).toMatch(/failed \(ignored\): .*Toxiproxy at .* did not answer DELETE/);
  });
});
