/**
 * Real worker processes (worker-main.ts, the remoting driver) against a loopback RocketMQ
 * stand-in: every message that crosses the transport, both ways, is recorded and validated
 * against the committed JSON Schema with ajv, the way a worker in another language would be.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetWorker } from '../../../src/fleet/fleet-worker.ts';
import type { ConsumerConfig, FromWorker, ProducerConfig } from '../../../src/fleet/protocol.ts';
import { WORKER_PROTOCOL_VERSION } from '../../../src/fleet/protocol.ts';
import { nodeWorkerLaunch } from '../../../src/fleet/worker-launch.ts';
import type { ProcessExit } from '../../../src/runtime/managed-process.ts';
import { RunResources } from '../../../src/runtime/run-resources.ts';
import { RunState } from '../../../src/runtime/run-state.ts';
import { tsxNodeArgs } from '../../../src/util/node-args.ts';
import { waitFor } from '../../support/wait-for.ts';
import { committedProtocolSchema } from './committed-protocol-schema.ts';
import { LoopbackRocketMQ, NO_PERMISSION_GROUP } from './loopback-rocketmq.ts';
import { recordingLaunch, type WireMessage } from './recording-transport.ts';

const until = (condition: () => boolean, timeoutMs: number, what: string) =>
  waitFor(() => condition() || undefined, timeoutMs, what);

const OTHER_VERSION_WORKER = fileURLToPath(new URL('../../fixtures/other-version-worker.ts', import.meta.url));
const MESSAGES = 20;

let broker: LoopbackRocketMQ;
let resources: RunResources;
let scratch: string;

beforeAll(async () => {
  broker = await new LoopbackRocketMQ().start();
  scratch = mkdtempSync(join(tmpdir(), 'rmq-chaos-exchange-'));
  mkdirSync(join(scratch, 'work'));
  resources = new RunResources(
    RunState.create(join(scratch, 'runs'), { runId: 'exchange', workDir: join(scratch, 'work'), keep: false }),
    () => {},
  );
});

afterAll(async () => {
  await resources?.release(2000);
  await broker?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

interface Watched {
  worker: FleetWorker;
  received: FromWorker[];
  crashes: ProcessExit[];
}

function watch(id: string, kind: 'producer' | 'consumer', wire: WireMessage[], launch = recordingLaunch(id, wire)) {
  const watched: Watched = { worker: undefined as unknown as FleetWorker, received: [], crashes: [] };
  watched.worker = FleetWorker.local(
    id,
    kind,
    resources,
    (_, message) => watched.received.push(message),
    (_, exit) => watched.crashes.push(exit),
    launch,
  );
  return watched;
}

const connection = (group: string) => ({
  runId: 'exchange',
  driver: 'remoting' as const,
  namesrvAddr: broker.addr,
  routeRefreshMs: 30_000,
  group,
});

describe('the worker protocol on the wire', () => {
  it('a real producer and consumer exchange every message kind, each valid against the committed schema', async () => {
    const wire: WireMessage[] = [];
    const consumerConfig: ConsumerConfig = {
      ...connection('billing'),
      fleet: 'billing',
      instanceId: 'billing#0',
      model: 'clustering',
      mode: 'push',
      consume: 'concurrently',
      subscription: { T: '*' },
      consumeTime: { kind: 'fixed', ms: 0 },
      // The first delivery is answered retry: a receipt with outcome retry is on the wire too.
      failure: { ratio: 0, first: 1 },
      seed: 1,
    };
    const producerConfig: ProducerConfig = {
      ...connection('orders-producer'),
      fleet: 'orders',
      producerId: 'orders#0',
      topic: 'T',
      executor: { kind: 'constant', ratePerSecond: 100 },
      messageSize: 64,
      tags: [
        { tag: 'TagA', weight: 1 },
        { tag: 'TagB', weight: 1 },
      ],
      maxMessages: MESSAGES,
      durationMs: 5000,
      seed: 1,
      // Sends due while the first ones wait for a route are dropped beyond this; on a loaded
      // machine that can be a few, so receipts are awaited for what was acked, not for MESSAGES.
      maxInFlight: 64,
      sendMode: 'async',
    };
    // Nothing listens here: the sends fail, so acks carry error counts.
    const unreachable: ProducerConfig = {
      ...producerConfig,
      namesrvAddr: '127.0.0.1:1',
      producerId: 'orders#1',
      maxMessages: 2,
    };

    // Transactional: halves, END_TRANSACTION, and check-backs for the unknown ones (the loopback
    // checks back at once), answered and reported; it stays to answer more until it is stopped.
    const transactional: ProducerConfig = {
      ...producerConfig,
      ...connection('tx-producer'),
      producerId: 'orders#3',
      maxMessages: 10,
      transaction: { commit: 0.4, rollback: 0.2, unknown: 0.4, endDelayMs: 0, checkDelayMs: 0 },
    };

    // No name server at all: the producer cannot start, says why in a log line, and leaves.
    const broken: ProducerConfig = { ...producerConfig, namesrvAddr: ';', producerId: 'orders#2' };

    // A consumer whose pulls are refused reports them by the broker's answer (checked at the end).
    const refused = watch('refused#0', 'consumer', wire);
    refused.worker.send({
      type: 'start-consumer',
      config: { ...consumerConfig, ...connection(NO_PERMISSION_GROUP), fleet: 'refused', instanceId: 'refused#0' },
    });
    const consumer = watch('billing#0', 'consumer', wire);
    consumer.worker.send({ type: 'start-consumer', config: consumerConfig });
    await consumer.worker.ready(20_000);
    await until(
      () => consumer.received.some((m) => m.type === 'assignment' && m.queues.length === 2),
      20_000,
      'both queues assigned',
    );

    const producer = watch('orders#0', 'producer', wire);
    const failing = watch('orders#1', 'producer', wire);
    producer.worker.send({ type: 'start-producer', config: producerConfig });
    // The rate: max search's live rate: the producer keeps its sequence and sends on at the new rate.
    producer.worker.send({ type: 'set-rate', ratePerSecond: 200 });
    failing.worker.send({ type: 'start-producer', config: unreachable });
    const brokenProducer = watch('orders#2', 'producer', wire);
    brokenProducer.worker.send({ type: 'start-producer', config: broken });
    expect((await producer.worker.proc.exited).code).toBe(0);
    await failing.worker.proc.exited;
    expect((await brokenProducer.worker.proc.exited).code).toBe(1);
    const txProducer = watch('orders#3', 'producer', wire);
    txProducer.worker.send({ type: 'start-producer', config: transactional });
    await txProducer.worker.sendingDone;
    await until(() => txProducer.received.some((m) => m.type === 'check-backs'), 10_000, 'a check-back reported');
    expect((await txProducer.worker.stop()).code).toBe(0);

    const seqsReceived = () =>
      new Set(consumer.received.flatMap((m) => (m.type === 'receipts' ? m.items.map((item) => item[1]) : [])));
    const acked = producer.received.flatMap((m) => (m.type === 'acks' ? m.seqs : []));
    expect(acked.length, 'messages acked').toBeGreaterThan(0);
    await until(() => acked.every((seq) => seqsReceived().has(seq)), 20_000, 'receipts of every acked message').catch(
      (error: unknown) => {
        throw new Error(
          `${(error as Error).message}; acked ${acked.length}, received seqs ` +
            `${[...seqsReceived()].sort((a, b) => a - b)}; broker saw request codes ${broker.codes.join(',')}`,
        );
      },
    );
    expect((await consumer.worker.stop()).code).toBe(0);
    await refused.worker.ready(20_000);
    await until(() => refused.received.some((m) => m.type === 'consumer-errors'), 20_000, 'refused pulls reported');
    expect(refused.received.find((m) => m.type === 'consumer-errors')).toMatchObject({
      instanceId: 'refused#0',
      errors: { 'broker:NO_PERMISSION(16)': expect.any(Number) },
    });
    expect((await refused.worker.stop()).code).toBe(0);

    // Every message, both ways, against the committed file.
    const schema = committedProtocolSchema();
    const invalid = wire.flatMap(({ worker, direction, message }) =>
      schema.errors(direction, message).map((error) => `${worker} ${direction} ${JSON.stringify(message)}: ${error}`),
    );
    expect(invalid).toEqual([]);

    // Every message kind the contract defines was exercised, so a new kind needs a case here.
    const kinds = (direction: string) =>
      ((schema.schema.$defs as Record<string, { oneOf: Array<{ $ref: string }> }>)[direction]?.oneOf ?? []).map((o) =>
        o.$ref.replace('#/$defs/', ''),
      );
    const seen = new Set(wire.map((w) => `${w.direction}:${(w.message as { type: string }).type}`));
    const typeOf = (def: string) =>
      (schema.schema.$defs as Record<string, { properties: { type: { const: string } } }>)[def]!.properties.type.const;
    for (const direction of ['CoordinatorToWorker', 'WorkerToCoordinator'])
      for (const def of kinds(direction)) expect(seen, `${direction} ${def}`).toContain(`${direction}:${typeOf(def)}`);

    // Each worker's first message is its hello in this version; nothing was sent to it before.
    for (const id of ['billing#0', 'orders#0', 'orders#1', 'orders#2']) {
      const first = wire.find((w) => w.worker === id);
      expect(first).toMatchObject({
        direction: 'WorkerToCoordinator',
        message: { type: 'hello', protocolVersion: WORKER_PROTOCOL_VERSION, implementation: 'node' },
      });
    }
    expect(failing.received.some((m) => m.type === 'acks' && Object.keys(m.errors).length > 0)).toBe(true);
    expect(brokenProducer.received).toContainEqual(
      expect.objectContaining({ type: 'log', level: 'error', message: expect.stringMatching(/^producer failed: /) }),
    );
  }, 60_000);

  it('refuses a worker that speaks another version before sending it anything, naming both versions', async () => {
    const wire: WireMessage[] = [];
    const base = nodeWorkerLaunch();
    const launch = recordingLaunch('other', wire, { ...base, args: [...tsxNodeArgs(), OTHER_VERSION_WORKER] });
    const other = watch('billing#9', 'consumer', wire, launch);
    other.worker.send({
      type: 'start-consumer',
      config: {
        ...connection('billing'),
        fleet: 'billing',
        instanceId: 'billing#9',
        model: 'clustering',
        mode: 'push',
        consume: 'concurrently',
        subscription: { T: '*' },
        consumeTime: { kind: 'fixed', ms: 0 },
        failure: { ratio: 0, first: 0 },
        seed: 1,
      },
    });
    const refused = await other.worker.ready(20_000).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({
      code: 'worker-protocol-version',
      workerVersion: 99,
      coordinatorVersion: WORKER_PROTOCOL_VERSION,
    });
    expect((refused as Error).message).toContain(
      `speaks worker protocol version 99, this coordinator speaks version ${WORKER_PROTOCOL_VERSION}`,
    );
    expect((refused as Error).message).toContain(OTHER_VERSION_WORKER);
    await other.worker.proc.exited;
    // It was told nothing (no config), and its end is reported as a crash carrying the refusal.
    expect(wire.filter((w) => w.direction === 'CoordinatorToWorker')).toEqual([]);
    expect(other.received).toEqual([]);
    await until(() => other.crashes.length === 1, 5000, 'the refused worker reported as a crash');
    expect(other.worker.refusal).toBe(refused);
  }, 30_000);
});
