import { z } from 'zod';
import { SubscriptionMapSchema } from '../protocol/index.ts';

/**
 * Every message between the coordinator and a fleet worker, as discriminated unions validated
 * on receipt (a bug or a foreign worker fails loudly instead of corrupting the ledger). This is
 * the contract other worker implementations (a JVM worker, an agent on another host) speak:
 * `npm run schema` exports it as `plans/worker-protocol.schema.json`, and the README's "Worker
 * protocol" section says when each message is sent. Messages are plain JSON objects, whatever
 * carries them (see `transport/worker-transport.ts`).
 *
 * Change a message, add one or remove one: bump WORKER_PROTOCOL_VERSION, so a worker built
 * against the old contract is refused at its `hello` instead of misreading a config.
 */
export const WORKER_PROTOCOL_VERSION = 7;

export const protocolVersion = z.literal(WORKER_PROTOCOL_VERSION).meta({
  id: 'ProtocolVersion',
  description:
    'The worker protocol version this contract describes. A worker says the version it speaks in its first ' +
    'message (hello); the coordinator refuses any other.',
});

const driverName = z.enum(['remoting', 'grpc']).describe('Client protocol: remoting (classic) or grpc (proxy).');

/** What every client process needs to reach the cluster, producer or consumer alike. */
const clientConnection = {
  runId: z.string().describe('The run this client belongs to; it goes into every message it sends.'),
  fleet: z.string().describe("The plan's fleet name."),
  driver: driverName,
  namesrvAddr: z.string().describe('Name server address(es), host:port separated by ";".'),
  endpoint: z.string().optional().describe("The proxy's gRPC address (host:port), for grpc fleets."),
  brokerAddressMap: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      'Listed broker address → the address this role dials ' +
        '(with the network on, ' +
        'through its Toxiproxy link).',
    ),
  group: z.string().describe('Producer or consumer group.'),
  credentials: z
    .object({
      accessKey: z.string().describe('The ACL user name.'),
      secretKey: z.string().describe("The user's secret: sign with it, never log or echo it."),
    })
    .optional()
    .describe(
      "An ACL user's keys (the plan's cluster.acl and the fleet's credentials): sign every request with them " +
        "(remoting: Java's AclClientRPCHook). Absent: requests go unsigned.",
    ),
  routeRefreshMs: z
    .number()
    .int()
    .positive()
    .describe(
      "How often the client asks the name servers for its topics' routes (Java pollNameServerInterval, 30 s by " +
        'default): after a master switch, a remoting client sends to the old master until then. gRPC clients ' +
        'ignore it (the proxy keeps routes).',
    ),
};

export const producerConfig = z
  .object({
    ...clientConnection,
    producerId: z.string().describe('Stable id of this producer instance ("orders#0"); goes into every message.'),
    topic: z.string().describe('Topic to send to.'),
    executor: z
      .discriminatedUnion('kind', [
        z.object({
          kind: z.literal('constant'),
          ratePerSecond: z.number().positive().describe('Messages per second.'),
        }),
        z.object({
          kind: z.literal('ramping'),
          startRatePerSecond: z.number().nonnegative().describe('Rate at the start, messages per second.'),
          stages: z
            .array(
              z.object({
                durationMs: z.number().nonnegative().describe('Length of this stage.'),
                targetPerSecond: z.number().nonnegative().describe('Rate at the end of this stage (linear ramp).'),
              }),
            )
            .describe('Consecutive linear ramps.'),
        }),
      ])
      .describe('Arrival rate: messages leave when the schedule says, whatever earlier sends did.'),
    messageSize: z.number().int().positive().describe('Body size in bytes.'),
    batch: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Messages per send request; absent or 1: one at a time. Needs a driver with sendBatch.'),
    oversize: z
      .object({
        every: z.number().int().min(2).describe('One message in this many is oversize.'),
        sizeBytes: z.number().int().positive().describe('Its body size in bytes.'),
      })
      .optional()
      .describe('Messages with seq % every === every - 1 get a sizeBytes body, to show the message size limit.'),
    tags: z
      .array(
        z.object({
          tag: z.string().describe('Tag value.'),
          weight: z.number().positive().describe('Relative weight.'),
        }),
      )
      .describe('Tags picked at random by weight; empty: no tag.'),
    properties: z
      .record(
        z.string(),
        z.union([
          z.object({ int: z.tuple([z.number().int(), z.number().int()]).describe('Lowest and highest, included.') }),
          z.object({ oneOf: z.array(z.string()).min(1).describe('The values, drawn uniformly.') }),
        ]),
      )
      .optional()
      .describe(
        'User properties drawn per message from (seed, producerId, seq) (src/fleet/message-properties.ts), for ' +
          'SQL92 subscriptions; absent: none.',
      ),
    maxMessages: z.number().int().nonnegative().optional().describe('Stop after this many messages.'),
    durationMs: z.number().int().positive().describe('Sending time; the producer leaves by itself after it.'),
    seed: z.number().int().describe('Seed of every random choice, so a run can be repeated.'),
    maxInFlight: z
      .number()
      .int()
      .positive()
      .describe('Sends pending at once; a due message beyond it is counted as dropped, not sent late.'),
    shardingKeys: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Same sharding key → same queue (ordered messages); keys cycle 0..shardingKeys-1.'),
    sendMode: z
      .enum(['async', 'sync', 'oneway'])
      .describe(
        'How the client sends: async (callback), sync (the sending thread waits for the result) or oneway ' +
          '(no result: an ack then only means the request left, and names no queue: "topic@?/-1", offset -1).',
      ),
    delay: z
      .object({
        ratio: z.number().min(0).max(1).describe('Fraction of messages sent as delay messages.'),
        delayMs: z
          .number()
          .int()
          .positive()
          .describe("Delivery delay; with `level`, that level's delay in the broker's messageDelayLevel."),
        level: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe('Send with this delay level (message property DELAY); absent: a 5.x timer (TIMER_DELAY_MS).'),
      })
      .optional()
      .describe('That fraction of messages is delivered `delayMs` after sending.'),
    transaction: z
      .object({
        commit: z.number().min(0).max(1).describe('Share of local transactions that commit.'),
        rollback: z.number().min(0).max(1).describe('Share that roll back.'),
        unknown: z.number().min(0).max(1).describe('Share left unknown (END_TRANSACTION "not known"): check-back.'),
        endDelayMs: z
          .number()
          .int()
          .nonnegative()
          .describe("How long each local transaction runs: the half's ack → its END_TRANSACTION."),
        checkDelayMs: z.number().int().nonnegative().describe('How long the check-back listener takes to answer.'),
      })
      .optional()
      .describe(
        'Send every message as a transaction: a half, then END_TRANSACTION with the outcome a pure function of ' +
          '(seed, producerId, seq) picks (src/fleet/transaction-choice.ts); check-backs are answered the same ' +
          'way for any instance of the group, and reported. The producer stays open to answer them until stop.',
      ),
  })
  .meta({ id: 'ProducerConfig', description: 'Everything a producer worker needs to send its share of the load.' });
export type ProducerConfig = z.infer<typeof producerConfig>;

export const consumerConfig = z
  .object({
    ...clientConnection,
    instanceId: z.string().describe('Stable id of this consumer instance ("billing#2"); names it in every message.'),
    model: z.enum(['clustering', 'broadcasting']).describe('Consumption model.'),
    mode: z
      .enum(['push', 'pull', 'simple'])
      .describe(
        'push: the client pulls under a listener (DefaultMQPushConsumer, gRPC PushConsumer); pull: a lite pull ' +
          'consumer the worker polls (DefaultLitePullConsumer); simple: the gRPC SimpleConsumer (receive and ack).',
      ),
    consume: z
      .enum(['concurrently', 'orderly'])
      .describe(
        'concurrently: messages of a queue are handled in parallel, a failure is retried later ' +
          '(RECONSUME_LATER); orderly: one at a time per queue under a broker lock (lockBatchMQ), a failure ' +
          'suspends the queue and retries the same message (SUSPEND_CURRENT_QUEUE_A_MOMENT).',
      ),
    assign: z
      .object({
        index: z.number().int().nonnegative().describe('This instance: 0..count-1.'),
        count: z.number().int().positive().describe('Instances sharing the queues.'),
      })
      .optional()
      .describe(
        "Pull mode only: assign queues by hand instead of subscribing (the group's rebalance is off). The " +
          "instance takes the subscribed topics' queues, sorted by topic, broker and queue id, at positions p " +
          'with p % count == index. Absent: subscribe (rebalanced).',
      ),
    subscription: SubscriptionMapSchema.describe(
      'Topic → subscription: a tag expression ("*", "TagA || TagB") or {sql: "a > 5"} ' +
        '(SQL92; not on the Node gRPC worker).',
    ),
    consumeTime: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('fixed'), ms: z.number().nonnegative().describe('Handler time per message.') }),
        z.object({
          kind: z.literal('uniform'),
          minMs: z.number().nonnegative().describe('Shortest handler time.'),
          maxMs: z.number().nonnegative().describe('Longest handler time.'),
        }),
        z.object({
          kind: z.literal('exponential'),
          meanMs: z.number().nonnegative().describe('Mean handler time.'),
        }),
      ])
      .describe('How long the handler takes per message.'),
    failure: z
      .object({
        ratio: z.number().min(0).max(1).describe('Fraction of later messages answered with retry.'),
        first: z.number().int().nonnegative().describe('The first this many messages are answered with retry.'),
      })
      .describe('Ask for redelivery (RECONSUME_LATER) of the first `first` messages, then of a `ratio` of them.'),
    faultyConsumer: z
      .object({
        discard: z.number().min(0).max(1).describe('Share of messages acknowledged but never reported.'),
        duplicate: z.number().min(0).max(1).describe('Share of messages whose every delivery is reported twice.'),
      })
      .optional()
      .describe(
        'Test aid for checking the checkers: per message, a pure function of (seed, producerId, seq) ' +
          '(src/fleet/faulty-consumer.ts) picks discard (success to the broker, no receipt), duplicate (the ' +
          'receipt twice) or neither. Absent: neither.',
      ),
    deadLetter: z
      .object({
        poison: z.number().min(0).max(1).describe('Share of messages answered with retry on every delivery.'),
        maxReconsumeTimes: z
          .number()
          .int()
          .min(0)
          .max(16)
          .describe('Sent with each CONSUMER_SEND_MSG_BACK: redeliveries before the broker dead-letters.'),
      })
      .optional()
      .describe(
        'Poison messages: per message, a pure function of (seed, producerId, seq) (src/fleet/poison-messages.ts) ' +
          'says whether every delivery fails, so the broker moves it to %DLQ%<group> after maxReconsumeTimes ' +
          'redeliveries. Absent: none, and maxReconsumeTimes is 16.',
      ),
    seed: z.number().int().describe('Seed of every random choice, so a run can be repeated.'),
  })
  .meta({ id: 'ConsumerConfig', description: 'Everything a consumer worker needs to join its group.' });
export type ConsumerConfig = z.infer<typeof consumerConfig>;

export const toWorker = z
  .discriminatedUnion('type', [
    z
      .object({ type: z.literal('start-producer'), config: producerConfig })
      .meta({ id: 'StartProducer', description: 'After hello: start sending. Sent once.' }),
    z
      .object({ type: z.literal('start-consumer'), config: consumerConfig })
      .meta({ id: 'StartConsumer', description: 'After hello: start the consumer. Sent once.' }),
    z
      .object({
        type: z.literal('set-rate'),
        ratePerSecond: z
          .number()
          .nonnegative()
          .describe("This producer's new arrival rate, messages per second, from now to the end of its sending time."),
      })
      .meta({
        id: 'SetRate',
        description:
          'A producer sends at a new constant rate from now on (the `rate: max` search; 0 pauses it). What was ' +
          'due before stays due. Only for producers whose fleet asked for a live rate.',
      }),
    z.object({ type: z.literal('stop') }).meta({
      id: 'Stop',
      description: 'Close the client cleanly (offsets committed, unregistered), say stopped, and exit.',
    }),
  ])
  .meta({ id: 'CoordinatorToWorker', description: 'Every message the coordinator sends to a worker.' });
export type ToWorker = z.infer<typeof toWorker>;

/**
 * [producerId, seq, bornTimestampMs, receivedAtMs, queue "topic@broker/queueId", reconsumeTimes, outcome,
 * tag ('' for none)].
 * Every delivery is a receipt, including the ones the handler answered `retry`: a redelivery
 * after a failed attempt is a duplicate delivery, which is what duplicate rate measures.
 */
export const receiptTuple = z
  .tuple([
    z.string().describe('producerId of the sender.'),
    z.number().int().nonnegative().describe('seq: sequence number of the sender.'),
    z.number().describe('bornTimestampMs: clock of the producer at send.'),
    z.number().describe('receivedAtMs: clock of this worker when the handler got it.'),
    z.string().describe('queue: "topic@broker/queueId".'),
    z.number().int().describe('reconsumeTimes: 0 on first delivery.'),
    z.enum(['success', 'retry']).describe('outcome: what the handler answered.'),
    z.string().describe("tag: the message's tag, '' for none."),
  ])
  .meta({
    id: 'Receipt',
    description:
      'One delivery, as an array to keep receipts small. Every delivery is one, including those answered ' +
      'retry (their redelivery is a duplicate).',
  });
export type ReceiptTuple = z.infer<typeof receiptTuple>;

/** [producerId of the half's sender, seq, halfBornMs, checkedAtMs, answer, tag ('' for none)]. */
export const checkBackTuple = z
  .tuple([
    z.string().describe("producerId of the half's sender (any instance of the group)."),
    z.number().int().nonnegative().describe('seq of the half.'),
    z.number().describe("halfBornMs: the sender's clock when it sent the half."),
    z.number().describe('checkedAtMs: clock of this worker when the check-back arrived.'),
    z.enum(['commit', 'rollback', 'unknown']).describe('What this worker answered.'),
    z.string().describe("The half's tag, '' for none (a check-back proves the half was stored)."),
  ])
  .meta({ id: 'CheckBack', description: 'One check-back (CHECK_TRANSACTION_STATE) a producer answered.' });
export type CheckBackTuple = z.infer<typeof checkBackTuple>;

export const hello = z
  .object({
    type: z.literal('hello'),
    protocolVersion,
    pid: z.number().int().describe('Process id of the worker on its host.'),
    implementation: z.string().describe('Which worker this is ("node", "java"), for logs and errors.'),
    client: z
      .string()
      .optional()
      .describe('The client library and version it runs, e.g. "rocketmq-client 4.9.7", for logs and reports.'),
  })
  .meta({
    id: 'Hello',
    description:
      'First message of every worker, sent as soon as it can talk, before any command. Its type and ' +
      'protocolVersion fields never change, so every coordinator can read them.',
  });
export type Hello = z.infer<typeof hello>;

export const fromWorker = z
  .discriminatedUnion('type', [
    hello,
    z.object({ type: z.literal('ready') }).meta({
      id: 'Ready',
      description: 'The client is started: a producer is about to send; a consumer is subscribed. Sent once.',
    }),
    z
      .object({
        type: z.literal('acks'),
        producerId: z.string().describe('Sender.'),
        seqs: z.array(z.number().int().nonnegative()).describe('Sequence numbers the broker acknowledged.'),
        tags: z
          .array(z.string())
          .describe(
            "The tag of each acked seq ('' for none), so groups that subscribe to some tags expect only those.",
          ),
        queues: z
          .array(z.string())
          .describe('The queue each acked seq was written to, "topic@broker/queueId" (from the send result).'),
        offsets: z
          .array(z.number().int())
          .describe("Each acked seq's offset in its queue (from the send result; -1 when the client has none)."),
        sentAtMs: z
          .array(z.number())
          .describe('When each acked seq was sent, epoch ms on this host: a loss counts in the window it falls in.'),
        dueAtMs: z
          .array(z.number())
          .optional()
          .describe(
            'A producer with `delay` only: when each acked seq was asked to be delivered (its send time plus its ' +
              'delay), epoch ms on this host; 0 for a message sent without delay.',
          ),
        attempted: z.number().int().nonnegative().describe('Sends attempted so far (cumulative).'),
        errors: z.record(z.string(), z.number().int()).describe('Send failures since the last report, by error code.'),
        dropped: z.number().int().nonnegative().describe('Due sends skipped since the last report (maxInFlight).'),
        sendLatency: z
          .string()
          .describe("Send latency (due time → ack) of this report's acks, HdrHistogram compressed base64."),
      })
      .meta({ id: 'Acks', description: 'Progress of a producer, about every 250 ms and once at the end.' }),
    z
      .object({
        type: z.literal('check-backs'),
        producerId: z.string().describe('The producer instance that answered.'),
        items: z.array(checkBackTuple).describe('Check-backs answered since the last report.'),
      })
      .meta({
        id: 'CheckBacks',
        description: 'Check-backs a transactional producer answered, about every 250 ms while there are any.',
      }),
    z
      .object({
        type: z.literal('receipts'),
        instanceId: z.string().describe('Consumer instance.'),
        items: z.array(receiptTuple).describe('Deliveries since the last report.'),
        foreign: z.number().int().nonnegative().describe('Deliveries of messages this run did not send.'),
      })
      .meta({
        id: 'Receipts',
        description:
          'Deliveries to a consumer, sent before its handler returns (so no offset commit outruns a receipt).',
      }),
    z
      .object({
        type: z.literal('consumer-errors'),
        instanceId: z.string().describe('Consumer instance.'),
        errors: z
          .record(z.string(), z.number().int().positive())
          .describe('Failed pulls since the last report, by reason (e.g. "broker:NO_PERMISSION(16)", "timeout").'),
      })
      .meta({
        id: 'ConsumerErrors',
        description:
          "A consumer's failed requests (pulls the client will retry), about every second while there are any. " +
          'Optional for a worker: one that never sends it reports none.',
      }),
    z
      .object({
        type: z.literal('assignment'),
        instanceId: z.string().describe('Consumer instance.'),
        queues: z.array(z.string()).describe('Every queue it owns now, "topic@broker/queueId".'),
        atMs: z.number().describe('When the change happened, clock of this worker.'),
      })
      .meta({
        id: 'Assignment',
        description: 'The queues of a consumer changed (after each rebalance step that changed them).',
      }),
    z
      .object({
        type: z.literal('producer-done'),
        producerId: z.string().describe('Sender.'),
        attempted: z.number().int().describe('Sends attempted in all.'),
      })
      .meta({
        id: 'ProducerDone',
        description: 'The producer has sent its load (or was stopped); after its last acks.',
      }),
    z
      .object({
        type: z.literal('log'),
        level: z.enum(['info', 'warn', 'error']).describe('Severity.'),
        message: z.string().describe('One line for the run log.'),
      })
      .meta({ id: 'Log', description: 'A line for the run log, at any time.' }),
    z.object({ type: z.literal('stopped') }).meta({
      id: 'Stopped',
      description: 'Last message: the client is closed; the worker exits next (code 0 when it was asked to).',
    }),
  ])
  .meta({ id: 'WorkerToCoordinator', description: 'Every message a worker sends to the coordinator.' });
export type FromWorker = z.infer<typeof fromWorker>;

/** Keys of the user properties that carry message identity. */
export const IDENTITY = {
  run: 'rmqchaos_run',
  producer: 'rmqchaos_producer',
  seq: 'rmqchaos_seq',
} as const;
