import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  WORKER_PROTOCOL_SCHEMA_ID,
  WORKER_PROTOCOL_SCHEMA_PATH,
  renderWorkerProtocolJsonSchema,
} from '../../../src/fleet/export-protocol-schema.ts';
import { WORKER_PROTOCOL_VERSION } from '../../../src/fleet/protocol.ts';
import { committedProtocolSchema } from './committed-protocol-schema.ts';

const producerConfig = {
  runId: 'r1',
  fleet: 'orders',
  driver: 'remoting',
  namesrvAddr: '127.0.0.1:9876',
  group: 'orders-producer',
  routeRefreshMs: 30_000,
  producerId: 'orders#0',
  topic: 'T',
  executor: { kind: 'constant', ratePerSecond: 100 },
  messageSize: 256,
  tags: [{ tag: 'TagA', weight: 1 }],
  durationMs: 1000,
  seed: 7,
  maxInFlight: 16,
  sendMode: 'async',
};
const receipt = ['orders#0', 3, 1700000000000, 1700000000005, 'T@broker-a/1', 0, 'success', 'TagA'];

describe('plans/worker-protocol.schema.json', () => {
  it('is what `npm run schema` generates from the zod schemas (run it after changing protocol.ts)', () => {
    expect(readFileSync(WORKER_PROTOCOL_SCHEMA_PATH, 'utf8')).toBe(renderWorkerProtocolJsonSchema());
  });

  it('names itself, its version and both directions', () => {
    const { schema } = committedProtocolSchema();
    expect(schema).toMatchObject({
      $id: WORKER_PROTOCOL_SCHEMA_ID,
      title: `rmq-chaos worker protocol (version ${WORKER_PROTOCOL_VERSION})`,
      $defs: {
        ProtocolVersion: { const: WORKER_PROTOCOL_VERSION },
        Hello: { properties: { protocolVersion: { $ref: '#/$defs/ProtocolVersion' } } },
      },
    });
    const defs = schema.$defs as Record<string, { oneOf?: Array<{ $ref: string }> }>;
    const members = (name: string) => defs[name]?.oneOf?.map((o) => o.$ref.replace('#/$defs/', ''));
    expect(members('CoordinatorToWorker')).toEqual(['StartProducer', 'StartConsumer', 'SetRate', 'Stop']);
    expect(members('WorkerToCoordinator')).toEqual([
      'Hello',
      'Ready',
      'Acks',
      'CheckBacks',
      'Receipts',
      'ConsumerErrors',
      'Assignment',
      'ProducerDone',
      'Log',
      'Stopped',
    ]);
  });

  it('accepts well-formed messages in their direction only', () => {
    const v = committedProtocolSchema();
    expect(v.errors('CoordinatorToWorker', { type: 'start-producer', config: producerConfig })).toEqual([]);
    expect(
      v.errors('WorkerToCoordinator', { type: 'receipts', instanceId: 'b#0', items: [receipt], foreign: 0 }),
    ).toEqual([]);
    expect(v.errors('WorkerToCoordinator', { type: 'stop' })).not.toEqual([]);
    expect(v.errors('CoordinatorToWorker', { type: 'stopped' })).not.toEqual([]);
  });

  it.each([
    [
      'a hello in another version',
      'WorkerToCoordinator',
      { type: 'hello', protocolVersion: WORKER_PROTOCOL_VERSION + 1, pid: 1, implementation: 'node' },
    ],
    ['a hello without its version', 'WorkerToCoordinator', { type: 'hello', pid: 1, implementation: 'node' }],
    ['an unknown type', 'WorkerToCoordinator', { type: 'receipt', instanceId: 'b#0', items: [], foreign: 0 }],
    ['a field the contract does not have', 'WorkerToCoordinator', { type: 'ready', pid: 42 }],
    [
      'a receipt one element short',
      'WorkerToCoordinator',
      { type: 'receipts', instanceId: 'b#0', items: [receipt.slice(0, 7)], foreign: 0 },
    ],
    [
      'a receipt outcome that does not exist',
      'WorkerToCoordinator',
      { type: 'receipts', instanceId: 'b#0', items: [[...receipt.slice(0, 6), 'ok', 'TagA']], foreign: 0 },
    ],
    [
      'a negative seq',
      'WorkerToCoordinator',
      {
        type: 'acks',
        producerId: 'p',
        seqs: [-1],
        tags: [''],
        queues: [''],
        offsets: [0],
        sentAtMs: [0],
        attempted: 1,
        errors: {},
        dropped: 0,
        sendLatency: '',
      },
    ],
    [
      'a config missing a field',
      'CoordinatorToWorker',
      { type: 'start-producer', config: { ...producerConfig, topic: undefined } },
    ],
    [
      'a driver that does not exist',
      'CoordinatorToWorker',
      { type: 'start-producer', config: { ...producerConfig, driver: 'jms' } },
    ],
  ] as const)('rejects %s', (_, direction, message) => {
    // JSON round trip: what a transport would carry (undefined fields vanish).
    expect(committedProtocolSchema().errors(direction, JSON.parse(JSON.stringify(message)))).not.toEqual([]);
  });
});
