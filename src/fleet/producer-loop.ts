import type { ClientDriver, Producer, SendResult } from '../drivers/driver.ts';
import { encodeHistogram, newHistogram, recordMs } from '../metrics/histogram.ts';
import { queueKeyOf } from '../metrics/queue-keys.ts';
import { hashSeed, seededRandom, weightedPick } from '../util/random.ts';
import { UsageError } from '../util/errors.ts';
import { ArrivalSchedule } from './arrival-schedule.ts';
import { buildMessage } from './identity.ts';
import { messageProperties } from './message-properties.ts';
import type { LiveRate } from './live-rate.ts';
import type { FromWorker, ProducerConfig } from './protocol.ts';
import { TransactionalSender } from './transactional-sender.ts';

const TICK_MS = 5;
/**
 * A partial batch leaves this long after its first message was due, so a low rate does not
 * wait for a full batch; the wait counts in each message's latency (measured from its due time).
 */
export const BATCH_LINGER_MS = 10;
const REPORT_EVERY_MS = 250;

/** A countable name for a send failure: the driver's reason (`broker:SYSTEM_BUSY(2)`, `timeout`), else its code. */
export function sendErrorKey(error: unknown): string {
  const { reason, code } = (error ?? {}) as { reason?: unknown; code?: unknown };
  if (typeof reason === 'string' && reason) return reason;
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  return error instanceof Error ? error.name : 'unknown';
}

/** Body size of message `seq`: the oversize one of every `oversize.every`, else `messageSize`. */
export function sizeOf(config: Pick<ProducerConfig, 'messageSize' | 'oversize'>, seq: number): number {
  const { oversize } = config;
  return oversize && seq % oversize.every === oversize.every - 1 ? oversize.sizeBytes : config.messageSize;
}

/**
 * An arrival-rate producer (k6's constant- and ramping-arrival-rate executors): message i
 * leaves when the schedule says so, whatever happened to earlier sends, so a slow broker
 * shows as latency (measured from the due time: coordinated-omission correction) and as
 * dropped sends once `maxInFlight` sends are pending, never as a quietly lower rate.
 * Bounded by the load duration and by maxMessages.
 */
export async function runProducer(
  config: ProducerConfig,
  driver: ClientDriver,
  send: (message: FromWorker) => void,
  stopSignal: AbortSignal,
  rates?: LiveRate,
): Promise<void> {
  const { transaction } = config;
  const tx = transaction
    ? new TransactionalSender({ ...config, transaction }, (message) => send({ type: 'log', level: 'warn', message }))
    : undefined;
  const producer: Producer = await driver.createProducer({
    ...(tx ? { transactionChecker: tx.check } : {}),
    namesrvAddr: config.namesrvAddr,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.brokerAddressMap ? { brokerAddressMap: config.brokerAddressMap } : {}),
    routeRefreshMs: config.routeRefreshMs,
    group: config.group,
    instanceName: config.producerId,
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
  tx?.attach(producer);
  const random = seededRandom(hashSeed(`${config.seed}:${config.producerId}`));
  const tags = config.tags.map((t) => ({ value: t.tag, weight: t.weight }));
  const schedule = new ArrivalSchedule(config.executor, config.durationMs);
  const batchSize = config.batch ?? 1;
  const sendBatch = producer.sendBatch?.bind(producer);
  let pendingAcks: number[] = [];
  let pendingTags: string[] = [];
  let pendingQueues: string[] = [];
  let pendingOffsets: number[] = [];
  let pendingSentAt: number[] = [];
  let pendingDueAt: number[] = [];
  let errors: Record<string, number> = {};
  let dropped = 0;
  let attempted = 0;
  let latency = newHistogram();
  const inFlight = new Set<Promise<void>>();

  const flush = () => {
    const checkBacks = tx?.takeCheckBacks() ?? [];
    if (checkBacks.length > 0) send({ type: 'check-backs', producerId: config.producerId, items: checkBacks });
    if (pendingAcks.length === 0 && Object.keys(errors).length === 0 && dropped === 0) return;
    send({
      type: 'acks',
      producerId: config.producerId,
      seqs: pendingAcks,
      tags: pendingTags,
      queues: pendingQueues,
      offsets: pendingOffsets,
      sentAtMs: pendingSentAt,
      ...(config.delay ? { dueAtMs: pendingDueAt } : {}),
      attempted,
      errors,
      dropped,
      sendLatency: encodeHistogram(latency),
    });
    pendingAcks = [];
    pendingTags = [];
    pendingQueues = [];
    pendingOffsets = [];
    pendingSentAt = [];
    pendingDueAt = [];
    errors = {};
    dropped = 0;
    latency = newHistogram();
  };
  const reporter = setInterval(flush, REPORT_EVERY_MS);

  const started = performance.now();
  // A live rate change (set-rate) takes effect from now on; what was due stays due.
  let live = false;
  rates?.onChange((ratePerSecond) => {
    live = true;
    schedule.setRate(performance.now() - started, ratePerSecond);
  });
  const build = (seq: number) => {
    const tag = tags.length > 0 ? weightedPick(tags, random) : undefined;
    const message = buildMessage(config.runId, config.producerId, seq, config.topic, sizeOf(config, seq), tag);
    if (config.properties)
      Object.assign(message.properties, messageProperties(config.properties, config.seed, config.producerId, seq));
    if (config.shardingKeys) message.shardingKey = String(seq % config.shardingKeys);
    if (config.delay && random() < config.delay.ratio) {
      if (config.delay.level !== undefined) message.delayLevel = config.delay.level;
      else message.deliverAfterMs = config.delay.delayMs;
    }
    return { seq, tag, message };
  };
  /** One request for the messages due at `dueIndexes`: a single send, or a batch when `batch` > 1. */
  const sendRequest = (dueIndexes: number[]) => {
    if (inFlight.size >= config.maxInFlight) {
      dropped += dueIndexes.length;
      return;
    }
    const built = dueIndexes.map(() => build(attempted++));
    const messages = built.map((b) => b.message);
    const sentAt = Date.now();
    const results: Promise<SendResult[]> =
      batchSize > 1
        ? sendBatch!(messages)
        : (tx ? tx.send(messages[0]!, built[0]!.seq) : producer.send(messages[0]!)).then((r) => [r]);
    const done: Promise<void> = results
      .then((stored) => {
        const now = performance.now();
        built.forEach(({ seq, tag }, i) => {
          const result = stored[i]!;
          pendingAcks.push(seq);
          pendingTags.push(tag ?? '');
          // A gRPC send result names no queue (see drivers/grpc/producer.ts): `topic@?/-1`.
          pendingQueues.push(queueKeyOf(config.topic, result.brokerName || '?', result.queueId));
          pendingOffsets.push(result.queueOffset);
          pendingSentAt.push(sentAt);
          // Asked-for delivery: the send time plus the delay (the broker counts from its receipt, a little later).
          const delayed = messages[i]!.deliverAfterMs !== undefined || messages[i]!.delayLevel !== undefined;
          pendingDueAt.push(delayed ? sentAt + config.delay!.delayMs : 0);
          recordMs(latency, now - (started + schedule.dueTimeOf(dueIndexes[i]!)));
        });
      })
      .catch((error: unknown) => {
        // A batch fails as a whole: each of its messages is a failed send.
        const key = sendErrorKey(error);
        errors[key] = (errors[key] ?? 0) + built.length;
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };

  // Once the rate is live, the schedule's total is no end: a rate of 0 now may rise again, so
  // only the sending time and maxMessages end the loop.
  const limit = () =>
    Math.min(
      config.maxMessages ?? Number.POSITIVE_INFINITY,
      live ? Number.POSITIVE_INFINITY : schedule.dueBy(schedule.durationMs),
    );
  let due = 0;
  // Due messages waiting for their batch to fill (batch > 1 only).
  let waiting: number[] = [];
  let done = false;
  try {
    // Plan validation allows batch only where the driver has it; this guards the worker protocol.
    if (batchSize > 1 && !sendBatch)
      throw new UsageError(`driver ${config.driver} has no batch send; set batch: 1 for ${config.fleet}`);
    while (!stopSignal.aborted && due < limit()) {
      const elapsed = performance.now() - started;
      if (elapsed >= schedule.durationMs) break;
      const dueNow = Math.min(limit(), schedule.dueBy(elapsed));
      for (; due < dueNow; due++) {
        if (batchSize === 1) sendRequest([due]);
        else waiting.push(due);
      }
      while (waiting.length >= batchSize) sendRequest(waiting.splice(0, batchSize));
      if (waiting.length > 0 && elapsed - schedule.dueTimeOf(waiting[0]!) >= BATCH_LINGER_MS)
        sendRequest(waiting.splice(0));
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    // The last partial batch leaves when sending ends; after a stop, what waits was never sent.
    if (waiting.length > 0 && !stopSignal.aborted) sendRequest(waiting.splice(0));
    waiting = [];
    await Promise.allSettled([...inFlight]);
    if (tx) {
      // Its load is sent (every half acked or failed): say so now, not after the last local
      // transactions end; halves left unknown (its own or a dead instance's) are only resolved
      // by check-backs, so stay and answer them until the run stops the fleet.
      flush();
      send({ type: 'producer-done', producerId: config.producerId, attempted });
      done = true;
      await tx.settle();
      if (!stopSignal.aborted)
        await new Promise((resolve) => stopSignal.addEventListener('abort', resolve, { once: true }));
    }
  } finally {
    clearInterval(reporter);
    flush();
    if (!done) send({ type: 'producer-done', producerId: config.producerId, attempted });
    await producer.close();
  }
}
