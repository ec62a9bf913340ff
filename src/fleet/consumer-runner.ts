import { ErrorCounter } from './error-counter.ts';
import type { ClientDriver, ConsumeOutcome, Consumer } from '../drivers/driver.ts';
import { queueKeyOf } from '../metrics/queue-keys.ts';
import { subscriptionsOf } from '../protocol/index.ts';
import { hashSeed, seededRandom } from '../util/random.ts';
import { ConsumerBehaviour } from './consumer-behaviour.ts';
import { readIdentity } from './identity.ts';
import type { ConsumerConfig, FromWorker, ReceiptTuple } from './protocol.ts';

/**
 * One consumer instance: every delivery becomes a receipt shipped to the coordinator;
 * messages without this run's identity are counted as foreign, never dropped.
 *
 * A handler returns only after its receipt is on the IPC pipe. The driver may commit an
 * offset (on a timer, or piggy-backed on the next pull) as soon as a handler returns, and a
 * consumer killed with -9 between that commit and a later batch flush would lose receipts
 * the broker will never redeliver: the ledger would report loss that never happened (seen
 * here: 2 "lost" messages after a SIGKILL with 100 ms batches). Receipts are batched per
 * event-loop turn instead, which costs no throughput.
 */
export async function runConsumer(
  config: ConsumerConfig,
  driver: ClientDriver,
  send: (message: FromWorker) => void,
): Promise<() => Promise<void>> {
  let receipts: ReceiptTuple[] = [];
  let foreign = 0;
  let flushed: Promise<void> | undefined;
  const flushSoon = (): Promise<void> =>
    (flushed ??= new Promise((resolve) =>
      setImmediate(() => {
        flushed = undefined;
        if (receipts.length > 0 || foreign > 0)
          send({ type: 'receipts', instanceId: config.instanceId, items: receipts, foreign });
        receipts = [];
        foreign = 0;
        resolve();
      }),
    ));
  const errors = new ErrorCounter((counts) =>
    send({ type: 'consumer-errors', instanceId: config.instanceId, errors: counts }),
  );
  const behaviour = new ConsumerBehaviour(config, seededRandom(hashSeed(`${config.seed}:${config.instanceId}`)));

  const consumer: Consumer = await driver.createConsumer(
    {
      namesrvAddr: config.namesrvAddr,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.brokerAddressMap ? { brokerAddressMap: config.brokerAddressMap } : {}),
      routeRefreshMs: config.routeRefreshMs,
      group: config.group,
      instanceName: config.instanceId,
      onRequestError: (reason) => errors.count(reason),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      model: config.model,
      mode: config.mode,
      consume: config.consume,
      ...(config.deadLetter ? { maxReconsumeTimes: config.deadLetter.maxReconsumeTimes } : {}),
      ...(config.assign ? { assign: config.assign } : {}),
      subscriptions: subscriptionsOf(config.subscription),
      onAssignment: (queues, atMs) =>
        send({
          type: 'assignment',
          instanceId: config.instanceId,
          queues: queues.map((q) => queueKeyOf(q.topic, q.brokerName, q.queueId)),
          atMs,
        }),
    },
    async (message): Promise<ConsumeOutcome> => {
      const receivedAt = Date.now();
      const identity = readIdentity(message);
      if (!identity || identity.runId !== config.runId) {
        foreign++;
        await flushSoon();
        return 'success';
      }
      const delay = behaviour.processingMs();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      // The faultyConsumer test aid: a discarded message is acknowledged with no receipt (the
      // ledger must call it lost); a duplicated one's receipt goes out twice (a double ack).
      const copies = behaviour.receiptCopies(identity.producerId, identity.seq);
      if (copies === 0) return 'success';
      const outcome = behaviour.outcome(identity.producerId, identity.seq);
      const receipt: ReceiptTuple = [
        identity.producerId,
        identity.seq,
        message.bornTimestamp,
        receivedAt,
        queueKeyOf(message.topic, message.brokerName, message.queueId),
        message.reconsumeTimes,
        outcome,
        message.tag ?? '',
      ];
      for (let i = 0; i < copies; i++) receipts.push(receipt);
      await flushSoon();
      return outcome;
    },
  );

  return async () => {
    await consumer.close();
    await flushSoon();
    errors.flush();
  };
}
