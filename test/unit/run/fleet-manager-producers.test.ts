/**
 * Producers boot in the warmup and send from the load phase: FleetManager.bootProducer starts
 * the worker process and tells it nothing, startProducer hands the same worker its config, and
 * FleetWorker.booted says when the process is up (its hello). Before, the producer's process
 * was spawned only when load started, and on a busy machine its boot (seconds) ate the load
 * phase: a flap-duplicates variant's restart at chaos 3 s came before the first delivery.
 * Fake worker processes here: what matters is who is spawned when and what is sent to it.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProducerConfig, ToWorker } from '../../../src/fleet/protocol.ts';
import { WORKER_PROTOCOL_VERSION } from '../../../src/fleet/protocol.ts';
import type { WorkerTransport } from '../../../src/fleet/transport/worker-transport.ts';
import type { StartedWorker } from '../../../src/fleet/worker-process.ts';
import type { ProcessExit } from '../../../src/runtime/managed-process.ts';
import { RunResources } from '../../../src/runtime/run-resources.ts';
import { RunState } from '../../../src/runtime/run-state.ts';
import { EventLog } from '../../../src/run/event-log.ts';
import { FleetManager } from '../../../src/run/fleet-manager.ts';
import { Measurements } from '../../../src/run/measurements.ts';
import { cachePaths } from '../../../src/setup/cache-dir.ts';

/** A worker process that does nothing by itself: the test says hello for it, or ends it. */
class FakeWorker implements StartedWorker {
  readonly sent: ToWorker[] = [];
  private handler: ((message: unknown) => void) | undefined;
  private exit: ((exit: ProcessExit) => void) | undefined;
  private gone = false;
  readonly command = 'fake-worker';
  readonly transport: WorkerTransport<ToWorker> = {
    isOpen: true,
    send: (message) => void this.sent.push(message),
    onMessage: (handler) => void (this.handler = handler),
    onClose: () => {},
    close: () => {},
  };
  readonly proc: { name: string; pid: number; hasExited: boolean; exited: Promise<ProcessExit>; signal: () => void };

  constructor(readonly id: string) {
    this.proc = {
      name: `producer ${id}`,
      pid: 4242,
      hasExited: false,
      exited: new Promise<ProcessExit>((resolve) => (this.exit = resolve)),
      signal: () => {},
    };
  }

  hello(): void {
    this.handler?.({ type: 'hello', protocolVersion: WORKER_PROTOCOL_VERSION, pid: 4242, implementation: 'node' });
  }

  die(): void {
    if (this.gone) return;
    this.gone = true;
    this.proc.hasExited = true;
    this.exit?.({ code: 1, signal: null, lastLines: ['boom'] });
  }
}

const resources: RunResources[] = [];
afterEach(async () => {
  for (const r of resources.splice(0)) await r.release();
});

function setUp() {
  const runId = `unit-fleet-producers-${process.pid}-${Date.now()}`;
  const workDir = join(tmpdir(), 'rmq-chaos', runId);
  mkdirSync(workDir, { recursive: true });
  const res = new RunResources(RunState.create(cachePaths().runs, { runId, workDir, keep: false }), () => {});
  resources.push(res);
  const events = new EventLog(join(mkdtempSync(join(tmpdir(), 'fleet-producers-')), 'events.ndjson'));
  const spawned: FakeWorker[] = [];
  const fleet = new FleetManager({
    resources: res,
    measurements: new Measurements(events, Date.now()),
    events,
    log: () => {},
    startedAt: Date.now(),
    crashFailsRun: () => true,
    expectationOf: () => new Map(),
    startWorker: (id) => {
      const worker = new FakeWorker(id);
      spawned.push(worker);
      return worker;
    },
  });
  return { fleet, spawned, events };
}

const config: ProducerConfig = {
  runId: 'unit',
  fleet: 'checkout',
  driver: 'remoting',
  namesrvAddr: '127.0.0.1:9876',
  group: 'checkout-producer',
  routeRefreshMs: 30_000,
  producerId: 'checkout#0',
  topic: 'orders',
  executor: { kind: 'constant', ratePerSecond: 200 },
  messageSize: 64,
  tags: [],
  durationMs: 5000,
  seed: 1,
  maxInFlight: 64,
  sendMode: 'async',
};

describe('FleetManager producers', () => {
  it('boots a producer without a config, and starts that same worker sending later', async () => {
    const { fleet, spawned, events } = setUp();
    const worker = fleet.bootProducer(config);
    expect(spawned.map((w) => w.id)).toEqual(['checkout#0']);
    let up = false;
    const booted = worker.booted(5000).then(() => (up = true));
    await Promise.resolve();
    expect(up).toBe(false);
    spawned[0]!.hello();
    await booted;
    // Up, and told nothing yet: its schedule must not start before the load phase.
    expect(spawned[0]!.sent).toEqual([]);
    expect(events.events.filter((e) => e.type === 'worker-start')).toHaveLength(1);

    expect(fleet.startProducer(config)).toBe(worker);
    expect(spawned).toHaveLength(1);
    expect(spawned[0]!.sent).toEqual([{ type: 'start-producer', config }]);
    expect(events.events.map((e) => e.type)).toEqual(['worker-start', 'producer-start']);
  });

  it('boots a producer that was not booted ahead when it is started (its config waits for the hello)', () => {
    const { fleet, spawned } = setUp();
    fleet.startProducer(config);
    expect(spawned).toHaveLength(1);
    expect(spawned[0]!.sent).toEqual([]);
    spawned[0]!.hello();
    expect(spawned[0]!.sent).toEqual([{ type: 'start-producer', config }]);
  });

  it('fails the wait for a producer whose process exits before its hello, or never says it', async () => {
    const { fleet, spawned } = setUp();
    const worker = fleet.bootProducer(config);
    const waiting = worker.booted(5000);
    spawned[0]!.die();
    await expect(waiting).rejects.toThrow(/\[producer checkout#0\] exited \(code 1\) before it was booted:\n {4}boom/);
    const silent = fleet.bootProducer({ ...config, producerId: 'checkout#1' });
    await expect(silent.booted(20)).rejects.toThrow(
      /not booted within 20 ms \(it never said hello, so it was sent nothing\)/,
    );
  });
});
