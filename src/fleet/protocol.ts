import { z } from 'zod';
import { SubscriptionMapSchema } from '../protocol/index.ts';

/**
 * Every message between the coordinator and a fleet worker, as discriminated unions
 * validated on receipt (a worker on another version, or a bug, fails loudly instead of
 * corrupting the ledger). Workers are Node child processes talking over the IPC channel.
 */
const driverName = z.enum(['remoting', 'grpc']);

/** What every client process needs to reach the cluster, producer or consumer alike. */
const clientConnection = {
  runId: z.string(),
  fleet: z.string(),
  driver: driverName,
  namesrvAddr: z.string(),
  /** The proxy's gRPC address, for grpc fleets. */
  endpoint: z.string().optional(),
  /** Listed broker address → the one this role dials (with the network on, through its Toxiproxy link). */
  brokerAddressMap: z.record(z.string(), z.string()).optional(),
  group: z.string(),
};

export const producerConfig = z.object({
  ...clientConnection,
  producerId: z.string(),
  topic: z.string(),
  executor: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('constant'), ratePerSecond: z.number().positive() }),
    z.object({
      kind: z.literal('ramping'),
      startRatePerSecond: z.number().nonnegative(),
      stages: z.array(z.object({ durationMs: z.number().nonnegative(), targetPerSecond: z.number().nonnegative() })),
    }),
  ]),
  messageSize: z.number().int().positive(),
  tags: z.array(z.object({ tag: z.string(), weight: z.number().positive() })),
  maxMessages: z.number().int().nonnegative().optional(),
  durationMs: z.number().int().positive(),
  seed: z.number().int(),
  maxInFlight: z.number().int().positive(),
  /** Same sharding key → same queue (ordered messages); keys cycle 0..shardingKeys-1. */
  shardingKeys: z.number().int().positive().optional(),
  /** That fraction of messages is delivered `delayMs` after sending. */
  delay: z.object({ ratio: z.number().min(0).max(1), delayMs: z.number().int().positive() }).optional(),
});
export type ProducerConfig = z.infer<typeof producerConfig>;

export const consumerConfig = z.object({
  ...clientConnection,
  instanceId: z.string(),
  model: z.enum(['clustering', 'broadcasting']),
  subscription: SubscriptionMapSchema,
  consumeTime: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed'), ms: z.number().nonnegative() }),
    z.object({ kind: z.literal('uniform'), minMs: z.number().nonnegative(), maxMs: z.number().nonnegative() }),
    z.object({ kind: z.literal('exponential'), meanMs: z.number().nonnegative() }),
  ]),
  /** Ask for redelivery (RECONSUME_LATER) of the first `first` messages, then of a `ratio` of them. */
  failure: z.object({ ratio: z.number().min(0).max(1), first: z.number().int().nonnegative() }),
  seed: z.number().int(),
});
export type ConsumerConfig = z.infer<typeof consumerConfig>;

export const toWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start-producer'), config: producerConfig }),
  z.object({ type: z.literal('start-consumer'), config: consumerConfig }),
  /** Close clients cleanly (offsets committed, unregistered) and exit. */
  z.object({ type: z.literal('stop') }),
]);
export type ToWorker = z.infer<typeof toWorker>;

/**
 * [producerId, seq, bornTimestampMs, receivedAtMs, queue "topic@broker/queueId", reconsumeTimes, outcome, tag ('' for none)].
 * Every delivery is a receipt, including the ones the handler answered `retry`: a redelivery
 * after a failed attempt is a duplicate delivery, which is what duplicate rate measures.
 */
export const receiptTuple = z.tuple([
  z.string(),
  z.number().int().nonnegative(),
  z.number(),
  z.number(),
  z.string(),
  z.number().int(),
  z.enum(['success', 'retry']),
  z.string(),
]);
export type ReceiptTuple = z.infer<typeof receiptTuple>;

export const fromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({
    type: z.literal('acks'),
    producerId: z.string(),
    seqs: z.array(z.number().int().nonnegative()),
    /** The tag of each acked seq ('' for none), so groups that subscribe to some tags expect only those. */
    tags: z.array(z.string()),
    attempted: z.number().int().nonnegative(),
    /** Send failures since the last report, by error code. */
    errors: z.record(z.string(), z.number().int()),
    dropped: z.number().int().nonnegative(),
    /** Send latency (due time → ack) of this report's acks, HdrHistogram compressed base64. */
    sendLatency: z.string(),
  }),
  z.object({
    type: z.literal('receipts'),
    instanceId: z.string(),
    items: z.array(receiptTuple),
    foreign: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal('assignment'), instanceId: z.string(), queues: z.array(z.string()), atMs: z.number() }),
  z.object({ type: z.literal('producer-done'), producerId: z.string(), attempted: z.number().int() }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  z.object({ type: z.literal('stopped') }),
]);
export type FromWorker = z.infer<typeof fromWorker>;

/** Keys of the user properties that carry message identity. */
export const IDENTITY = {
  run: 'rmqchaos_run',
  producer: 'rmqchaos_producer',
  seq: 'rmqchaos_seq',
} as const;
